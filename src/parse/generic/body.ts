// Main-text selection over the blocks of blocks.ts.
//
// Every block gets a weight: long, link-poor prose is positive; link lists, short fragments
// and text in boilerplate-named containers are negative. The article container is the
// element with the best decayed subtree sum: it grows while what it adds is more prose
// than boilerplate, and the decay (each level up counts a little less) keeps it tight when
// the extra is only a little prose (a teaser, a disclaimer). The headline anchors the
// choice: prose above it, or past the next headline of the same rank, counts less, and so
// does a container far below it. Siblings of the same kind are then collected (articles
// split by an ad slot), and inside the result boilerplate-named parts, link lists and
// furniture lines are dropped.
//
// Everything is linear in the number of elements and blocks: sums are arrays indexed by
// pre-order position, ancestor walks are capped.

import type { Element } from 'domhandler';
import type { Block, BlockDoc } from './blocks.js';
import { isBoilerplateLine, sectionHeadingHint } from './clean.js';
import { HINT_COMMENT } from './hints.js';
import { normKey } from './text.js';

export { buildBlocks } from './blocks.js';
export type { Block, BlockDoc } from './blocks.js';

// Tuning, measured on the extraction-dev set; each value is a plateau, not a peak.
const W = {
  /** Weight per character of text in a boilerplate-named box (it is dropped anyway). */
  boilerplate: -0.2,
  /** Comment threads often sit inside the article's container: neutral for selection. */
  comment: 0,
  /** Weight per character of short text without sentence punctuation (menus, labels). */
  short: -0.2,
  /** Prose above the headline, or after the next headline of its rank, counts this much. */
  beforeTitle: 0.5,
  afterNextHeadline: 0.2,
  /** Each level between a block and a candidate container keeps this share of its weight. */
  decay: 0.8,
  /** Score multiplier for containers far from the headline. */
  farFromTitle: 0.5,
  /** Prose allowed between headline and container: max(chars, ratio * container prose). */
  nearChars: 400,
  nearRatio: 0.3,
  /** A sibling joins when it holds this share of the container's prose. */
  siblingShare: 0.2,
} as const;

const SENTENCE_END = /[.!?。！？:;»"”')]\s*$/;
const NONE = 0x7fffffff;

/** The innermost enclosing element whose hint is (still) non-zero, or -1. */
function effectiveHintEl(doc: BlockDoc, b: Block): number {
  let h = b.hintEl;
  let steps = 0;
  while (h >= 0 && doc.els[h].hint === 0 && steps++ < 64) h = doc.els[h].hintParent;
  return h;
}

/**
 * Selection weight of a block, in characters, so a long paragraph outweighs many one-word
 * menu items but not a whole link-list sidebar.
 */
function weight(b: Block, boilerplate: boolean): number {
  const ld = b.linkChars / b.chars;
  if (boilerplate) return W.boilerplate * b.chars;
  if (ld > 0.5) return -b.chars * ld;
  if (b.heading) return 0;
  if (b.chars < 40 && !SENTENCE_END.test(b.text)) return W.short * b.chars;
  return b.chars * (1 - 1.5 * ld);
}

export interface BodyChoice {
  /** Index (in doc.els) of the chosen container, -1 when none. */
  container: number;
  paragraphs: string[];
  /** Index (in doc.blocks) of the first kept block, -1 when none. */
  firstBlock: number;
}

export interface BodyOptions {
  /** The chosen title; blocks equal to it are not body text. */
  title?: string;
  /** The heading element the title was read from, when it came from the page. */
  titleEl?: Element;
}

/** Index of the block holding the headline, or -1. */
function locateTitle(doc: BlockDoc, opts: BodyOptions): number {
  const { els, blocks } = doc;
  if (opts.titleEl) {
    let idx = -1;
    for (let i = 0; i < els.length; i++) {
      if (els[i].el === opts.titleEl) {
        idx = i;
        break;
      }
    }
    if (idx >= 0) {
      const end = els[idx].end;
      for (let i = 0; i < blocks.length; i++) if (blocks[i].owner >= idx && blocks[i].owner < end) return i;
    }
  }
  if (opts.title) {
    const key = normKey(opts.title);
    if (key) for (let i = 0; i < blocks.length; i++) if (blocks[i].heading && normKey(blocks[i].text) === key) return i;
  }
  return -1;
}

/** Per element: sum of a per-block quantity over its subtree (decayed per level), first block. */
function subtreeTotals(doc: BlockDoc, w: Float64Array, decay = 1): { total: Float64Array; first: Int32Array } {
  const { els, blocks } = doc;
  const n = els.length;
  const total = new Float64Array(n);
  const first = new Int32Array(n).fill(NONE);
  for (let i = 0; i < blocks.length; i++) {
    const o = blocks[i].owner;
    if (o < 0) continue;
    total[o] += w[i];
    if (first[o] > i) first[o] = i;
  }
  // Children come after their parent in pre-order: one backward pass totals the subtrees.
  for (let i = n - 1; i >= 0; i--) {
    const p = els[i].parent;
    if (p >= 0) {
      total[p] += decay * total[i];
      if (first[p] > first[i]) first[p] = first[i];
    }
  }
  return { total, first };
}

/** Running sum: prefix[i] = sum of v[0..i-1]. */
function prefixSums(v: Float64Array): Float64Array {
  const out = new Float64Array(v.length + 1);
  for (let i = 0; i < v.length; i++) out[i + 1] = out[i] + v[i];
  return out;
}

/**
 * Choose the article text. Note: clears misleading boilerplate hints in `doc.els` (step 1),
 * so a BlockDoc is meant for one call.
 */
export function selectBody(doc: BlockDoc, opts: BodyOptions = {}): BodyChoice {
  const { els, blocks } = doc;
  const n = els.length;
  const titleBlock = locateTitle(doc, opts);
  const titleOwner = titleBlock >= 0 ? blocks[titleBlock].owner : -1;
  const contains = (e: number, i: number): boolean => i >= e && i < els[e].end;
  // Near the headline: contains it, or starts after it with little prose in between
  // compared with its own (a standfirst may sit between headline and body; a whole other
  // article, a comment thread or a login overlay may not).
  const nearTitle = (e: number, first: Int32Array, prefix: Float64Array, own: Float64Array): boolean => {
    if (titleBlock < 0 || (titleOwner >= 0 && contains(e, titleOwner))) return true;
    const f = first[e];
    if (f <= titleBlock || f === NONE) return false;
    const between = prefix[f] - prefix[titleBlock + 1];
    return between <= Math.max(W.nearChars, W.nearRatio * own[e]);
  };

  // 0. Sections opened by a boilerplate heading ("Comments", "Related stories") are
  //    boilerplate whatever their class names say: the smallest ancestor of the heading
  //    whose text starts with it and holds more than it gets the heading's hint.
  markSections(doc);

  // 1. Class names lie sometimes ("entry-part no-share", a wrapper "main sidebar-right"). A
  //    boilerplate-named element that holds most of the page's prose and sits at the
  //    headline is taken to be content; comment sections (hint -2) never are, since they
  //    really can outweigh the article.
  const raw = new Float64Array(blocks.length);
  let rawTotal = 0;
  for (let i = 0; i < blocks.length; i++) {
    const w = weight(blocks[i], false);
    if (w > 0) {
      raw[i] = w;
      rawTotal += w;
    }
  }
  {
    const { total, first } = subtreeTotals(doc, raw);
    const prefix = prefixSums(raw);
    for (let i = 0; i < n; i++) {
      if (els[i].hint === -1 && total[i] > 0.5 * rawTotal && nearTitle(i, first, prefix, total)) els[i].hint = 0;
    }
  }

  // 2. The next headline of the same rank (another story on an endless-scroll page, a
  //    teaser list) ends the headline's territory. A same-rank heading right under the
  //    headline is its deck; one inside a boilerplate-named box (newsletter) ends nothing.
  let nextHeadline = blocks.length;
  if (titleBlock >= 0 && blocks[titleBlock].heading) {
    const level = blocks[titleBlock].heading;
    const key = normKey(blocks[titleBlock].text);
    let proseSince = 0;
    for (let i = titleBlock + 1; i < blocks.length; i++) {
      const b = blocks[i];
      if (b.heading === level && proseSince >= 300 && b.text.split(' ').length >= 4 && normKey(b.text) !== key) {
        const he = effectiveHintEl(doc, b);
        if (he < 0 || els[he].hint >= 0) {
          nextHeadline = i;
          break;
        }
      }
      proseSince += raw[i];
    }
  }

  // 3. Weights with hints, subtree totals, and the best-scoring subtree.
  const w = new Float64Array(blocks.length);
  const wPos = new Float64Array(blocks.length);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const he = effectiveHintEl(doc, b);
    w[i] = he >= 0 && els[he].hint === HINT_COMMENT ? W.comment * b.chars : weight(b, he >= 0 && els[he].hint < 0);
    if (w[i] > 0 && titleBlock >= 0 && i < titleBlock) w[i] *= W.beforeTitle;
    if (w[i] > 0 && i > nextHeadline) w[i] *= W.afterNextHeadline;
    if (w[i] > 0) wPos[i] = w[i];
  }
  const { total: score, first } = subtreeTotals(doc, w, W.decay);
  const { total: sum } = subtreeTotals(doc, w);
  const { total: pos } = subtreeTotals(doc, wPos);
  const prefix = prefixSums(wPos);
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < n; i++) {
    if (score[i] <= 0) continue;
    const h = els[i].hint;
    // The page's own "this is the article" markers earn a share of their prose on top.
    let s = score[i] + (h === 2 ? 0.25 * pos[i] : h === 1 ? 0.1 * pos[i] : 0);
    if (!nearTitle(i, first, prefix, pos)) s *= W.farFromTitle;
    // On equal scores the later (deeper) element wins: the wrapper adds nothing.
    if (s >= bestScore) {
      best = i;
      bestScore = s;
    }
  }
  if (best < 0) return { container: -1, paragraphs: [], firstBlock: -1 };

  // 4. Siblings that belong to it (as Readability does): siblings of the same tag and
  //    class, siblings with a good share of prose, and paragraphs sitting directly in the
  //    parent; never link lists or boilerplate-named parts.
  const { total: chars } = subtreeTotals(doc, Float64Array.from(blocks, (b) => b.chars));
  const { total: linkChars } = subtreeTotals(doc, Float64Array.from(blocks, (b) => b.linkChars));
  // A container that is its parent's only text holder says nothing by itself: its
  // siblings are the parent's siblings.
  while (els[best].parent >= 0 && chars[els[best].parent] === chars[best]) best = els[best].parent;
  const roots = [best];
  const parent = els[best].parent;
  const direct = new Set<number>();
  if (parent >= 0) {
    const bestEl = els[best].el;
    const kind = bestEl.name + '|' + (bestEl.attribs.class ?? '');
    for (let c = parent + 1; c < els[parent].end; c = els[c].end) {
      if (c === best || els[c].hint < 0 || chars[c] === 0) continue;
      if (linkChars[c] / chars[c] >= 0.3 || sum[c] <= 0) continue;
      const el = els[c].el;
      const same = el.name + '|' + (el.attribs.class ?? '') === kind;
      if (same || pos[c] >= W.siblingShare * pos[best]) roots.push(c);
    }
    // Text directly in the parent: paragraphs separated by <br> only.
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      if (b.owner === parent && b.chars >= 80 && b.linkChars / b.chars < 0.3 && SENTENCE_END.test(b.text) && w[i] > 0) {
        direct.add(i);
      }
    }
  }
  // Included subtrees are disjoint: marking each element with its root is O(elements).
  const rootOf = new Int32Array(n).fill(-1);
  for (const r of roots) rootOf.fill(r, r, els[r].end);

  // 5. Inside: drop boilerplate-named parts, link lists, furniture lines, the headline
  //    itself and a block repeating the one before it (mobile and desktop variants of the
  //    same line). Repeats further apart are kept: they are on the page.
  const titleKey = opts.title ? normKey(opts.title) : '';
  const out: string[] = [];
  let lastKey = '';
  let firstBlock = -1;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const root = b.owner >= 0 ? rootOf[b.owner] : -1;
    if (root < 0 && !direct.has(i)) continue;
    if (droppedByHint(doc, b, root >= 0 ? root : parent, pos)) continue;
    if (b.linkChars / b.chars > 0.5) continue;
    if (isBoilerplateLine(b.text)) continue;
    const key = normKey(b.text);
    if (!key || key === titleKey || key === lastKey) continue;
    lastKey = key;
    out.push(b.text);
    if (firstBlock < 0) firstBlock = i;
  }
  return { container: best, paragraphs: out, firstBlock };
}

function markSections(doc: BlockDoc): void {
  const { els, blocks } = doc;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    // Headings, and short label lines styled as headings by CSS only.
    if (b.owner < 0 || (!b.heading && (b.chars > 30 || b.linkChars > 0))) continue;
    const hint = sectionHeadingHint(b.text);
    if (hint === 0) continue;
    // Walk up while the heading is the first text of the ancestor; stop at the first
    // ancestor that holds more than the heading.
    let e = b.owner;
    let section = -1;
    for (let steps = 0; steps < 6 && section < 0; steps++) {
      const p = els[e].parent;
      if (p < 0 || (i > 0 && blocks[i - 1].owner >= p && blocks[i - 1].owner < els[p].end)) break;
      e = p;
      const next = blocks[i + 1];
      if (next && next.owner >= p && next.owner < els[p].end) section = p;
    }
    const name = section >= 0 ? els[section].el.name : '';
    if (section < 0 || els[section].hint === 2 || els[section].hint < 0 || name === 'body' || name === 'html') continue;
    // Make the section the innermost hint of everything in it that had none closer.
    const end = els[section].end;
    els[section].hint = hint;
    for (let j = section + 1; j < end; j++) if (els[j].hint !== 0 && els[j].hintParent < section) els[j].hintParent = section;
    for (let k = i; k < blocks.length && blocks[k].owner >= section && blocks[k].owner < end; k++) {
      if (blocks[k].hintEl < section) blocks[k].hintEl = section;
    }
  }
}

/**
 * A block is dropped when a boilerplate-named element lies between it and its container,
 * unless a strong content marker sits closer to the block, or the boilerplate-named
 * element holds most of the container's prose (the name is then misleading, e.g. a
 * wrapper called "main-with-comments").
 */
function droppedByHint(doc: BlockDoc, b: Block, container: number, pos: Float64Array): boolean {
  let h = effectiveHintEl(doc, b);
  let steps = 0;
  while (h > container && steps++ < 64) {
    const info = doc.els[h];
    if (info.hint === 2) return false;
    if (info.hint < 0) return pos[h] <= 0.5 * pos[container];
    h = info.hintParent;
  }
  return false;
}

const TITLE_CLASS = /title|headline|heading|hed\b/i;

/**
 * Last resort for pages without any title markup: the nearest heading-like block before
 * the article text (a heading element, or an element named "title"/"headline"), else the
 * first heading on the page.
 */
export function titleFromBlocks(doc: BlockDoc, firstBlock: number): string | undefined {
  const { blocks, els } = doc;
  const ok = (t: string): boolean => {
    const words = t.split(' ').length;
    return words >= 2 && words <= 30 && t.length <= 300;
  };
  for (let i = firstBlock - 1, seen = 0; i >= 0 && seen < 40; i--, seen++) {
    const b = blocks[i];
    if (!ok(b.text) || (b.linkChars / b.chars > 0.9 && !b.heading)) continue;
    const owner = b.owner >= 0 ? els[b.owner].el : undefined;
    const named = owner !== undefined && TITLE_CLASS.test((owner.attribs.class ?? '') + ' ' + (owner.attribs.id ?? ''));
    if (b.heading || named) return b.text;
  }
  for (const b of blocks) if (b.heading && b.heading <= 3 && ok(b.text)) return b.text;
  return undefined;
}
