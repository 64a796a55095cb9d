// Structure-agnostic view of an HTML page for label-driven profiles (Islam Times and alike).
//
// The page is flattened into "lines" the way a browser would lay text out: every block
// element (div, p, li, td, h1..h6, ...) and every <br> starts a new line, inline markup is
// merged. Each line keeps its text, the links it contains (in order) and the innermost
// block element, so a profile can work on the same shape as the site's text dumps
// ("Story Code : 967483", "Related Stories", ...) whatever tags wrap the content.
// Head metadata (title, meta, link, JSON-LD, <html lang>, <base>) is collected on the way.
//
// The page is parsed by light-dom.ts (a lean tree with htmlparser2's semantics, built by a
// scanner of our own, nesting bounded): no CSS selectors are needed, and walking the tree
// iteratively keeps deep or malformed pages safe.

import { headingLevel } from '../generic/blocks.js';
import { attribute, mayHaveAttribute, parseLightDocument, textContent, type IndexedElement } from '../light-dom.js';

export { textContent };
import type { AnyNode, Document, Element, ParentNode } from 'domhandler';

export type { Element };

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog',
  'dir', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'frame', 'frameset',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main', 'menu',
  'nav', 'noframes', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'tr', 'ul', 'br',
]);

/** Elements whose content is never reading text. */
const SKIP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'textarea',
  'select', 'option', 'optgroup', 'button', 'input', 'canvas', 'audio', 'video', 'map', 'head', 'link',
  'meta', 'title', 'datalist', 'param', 'source', 'track',
]);

/** Page chrome: text inside these never belongs to an article body. */
const CHROME_TAGS = new Set(['nav', 'aside', 'menu', 'footer']);

export function isBlockTag(name: string): boolean {
  return BLOCK_TAGS.has(name);
}

/** Collapse all whitespace (incl. NBSP, zero-width spaces, BOM) into single spaces and trim. */
// \s covers NBSP, U+1680, U+2000-200A, U+2028/9, U+202F, U+205F, U+3000 and U+FEFF.
const WS_RE = /[\s\u200b]+/g;

export function normText(s: string): string {
  return collapseWhitespace(s).trim();
}

/**
 * What WS_RE would change: whitespace other than a plain space, a zero-width space, or a space
 * followed by more whitespace.
 */
const NEEDS_COLLAPSE_RE = /[^\S ]|\u200b| [\s\u200b]/;

/**
 * `s.replace(WS_RE, ' ')`, returning `s` itself when nothing changes (most text on a page).
 * The check is a regex rather than a char-code loop: about 8x faster per character on page text
 * (chars.ts says why such loops are slow).
 */
function collapseWhitespace(s: string): string {
  return NEEDS_COLLAPSE_RE.test(s) ? s.replace(WS_RE, ' ') : s;
}

/** A comparison key: lowercase letters and digits only. */
export function textKey(s: string): string {
  const l = s.toLowerCase();
  // eslint-disable-next-line no-control-regex
  return (/^[\x00-\x7f]*$/.test(l) ? l : l.normalize('NFKD')).replace(/[^\p{L}\p{N}]+/gu, '');
}

// See chars.ts: char-code loops call `charCodeAt.call(s, i)` through this module constant.
const charCodeAt = String.prototype.charCodeAt;

/** `textKey(s) === key`, most often decided without building the key (ASCII text). */
export function textKeyIs(s: string, key: string): boolean {
  let j = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = charCodeAt.call(s, i);
    // Past ASCII the key takes normalisation; the ASCII before it has matched so far.
    if (c > 127) return textKey(s) === key;
    if (c >= 65 && c <= 90) c += 32;
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) continue;
    if (charCodeAt.call(key, j++) !== c) return false;
  }
  return j === key.length;
}

export function isElement(n: AnyNode | null | undefined): n is Element {
  return !!n && (n.type === 'tag' || n.type === 'script' || n.type === 'style');
}

/** True when `anc` is `node` or one of its ancestors. */
export function contains(anc: AnyNode, node: AnyNode | null): boolean {
  for (let n: AnyNode | null = node; n; n = n.parent) if (n === anc) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Lines

export interface AnchorInfo {
  readonly el: Element;
  readonly href: string | null;
  /** `title` attribute. */
  readonly title: string | null;
  /** alt texts of images inside the link. */
  alts: string[];
}

/** A link of the page; its title attribute is read when asked for (most never are). */
class Anchor implements AnchorInfo {
  alts: string[] = [];
  private titleRead: string | null | undefined;

  constructor(readonly el: Element, readonly href: string) {}

  get title(): string | null {
    if (this.titleRead === undefined) {
      const t = attribute(this.el, 'title');
      this.titleRead = t ? normText(t) || null : null;
    }
    return this.titleRead;
  }
}

export interface Seg {
  /** Whitespace-collapsed, trimmed text. */
  text: string;
  anchor: AnchorInfo | null;
}

export interface Line<L extends string = string> {
  index: number;
  text: string;
  segs: Seg[];
  /** Innermost block element containing the line. */
  block: Element | null;
  /** 1-6 when inside a heading element, else 0. */
  heading: number;
  /** Inside nav/aside/menu/footer. */
  chrome: boolean;
  /** Characters of the line that are link text. */
  linkChars: number;
  /** Set for stand-alone label elements recognised by the caller's classifier. */
  label: L | null;
  /** The element that carried the label. */
  labelEl: Element | null;
}

export interface HeadMeta {
  lang: string | null;
  baseHref: string | null;
  title: string | null;
  /** name/property/itemprop/http-equiv (lowercased) -> contents in document order. */
  meta: Map<string, string[]>;
  /** rel (lowercased, each token) -> hrefs. */
  links: Map<string, string[]>;
  jsonLd: string[];
  /** itemprop -> value (content/datetime attribute or text) for elements outside <head> too. */
  itemprops: Map<string, string[]>;
  /** <time datetime> values in document order. */
  times: string[];
}

export interface PageView<L extends string = string> {
  doc: Document;
  lines: Line<L>[];
  head: HeadMeta;
}

/** Classifies the (normalised) short text of an element as a label, or null. */
export type LabelClassifier<L extends string> = (text: string) => L | null;

const LABEL_TEXT_MAX = 48;

/**
 * Parse `html` and flatten it into lines. `classify` names stand-alone label elements
 * ("Related Stories" in an h3, a td, a span alone in its block...): such an element always
 * forms a line of its own carrying `label`.
 */
export function buildPageView<L extends string>(
  html: string,
  classify: LabelClassifier<L>,
  /** Cheap pre-check on raw (unnormalised) element text before `classify`. */
  mayBeLabel?: (raw: string) => boolean,
): PageView<L> {
  const doc = parseLightDocument(html);
  const head: HeadMeta = {
    lang: null, baseHref: null, title: null, meta: new Map(), links: new Map(), jsonLd: [], itemprops: new Map(), times: [],
  };

  // Pass 1: short text of each element (null when longer than LABEL_TEXT_MAX), used to
  // recognise label elements, plus head metadata. Elements come in document order, so walking
  // them backwards sees every child before its parent.
  const els = doc.elements;
  for (const el of els) collectHead(el, head);
  const shortText: (string | null)[] = new Array(els.length);
  for (let idx = els.length - 1; idx >= 0; idx--) {
    const el = els[idx];
    if (!el.children.length || el.type !== 'tag' || SKIP_TAGS.has(el.name)) { shortText[idx] = ''; continue; }
    let s = '';
    let over = false;
    for (const c of el.children) {
      if (c.type === 'text') s += (c as { data: string }).data;
      else {
        const t = shortText[(c as IndexedElement).index];
        if (t === null) { over = true; break; }
        s += isBlockTag((c as Element).name) ? ` ${t} ` : t;
      }
      if (s.length > LABEL_TEXT_MAX * 4) { over = true; break; }
    }
    // raw text is kept (normalised only for candidates); 4x slack covers whitespace
    shortText[idx] = over ? null : s;
  }
  // Outermost element carrying a given label text; not inside a link or a skipped element.
  const labelOf: (L | undefined)[] = new Array(els.length);
  let lastRaw = '';
  let lastMay = false;
  for (let idx = 0; idx < els.length; idx++) {
    const raw = shortText[idx];
    if (!raw) continue;
    if (mayBeLabel) {
      // a parent whose only content is its child's text comes right before it: one test for both
      if (raw !== lastRaw) lastMay = mayBeLabel((lastRaw = raw));
      if (!lastMay) continue;
    }
    const el = els[idx];
    const t = normText(raw);
    if (!t || t.length > LABEL_TEXT_MAX) continue;
    const kind = classify(t);
    if (!kind) continue;
    const p = el.parent;
    const praw = isElement(p) ? shortText[(p as IndexedElement).index] : null;
    if (praw && normText(praw) === t) continue; // the parent carries it
    if (el.name === 'a' || insideTag(el, 'a')) {
      // a link is a label only when it is the whole content of its block
      const blk = blockAncestor(el);
      if (!blk || normText(textContent(blk)) !== t) continue;
    }
    if (!isBlockTag(el.name)) {
      // inline label (span, b, font...): the rest of its block must be links or empty
      const blk = blockAncestor(el);
      if (blk && !restIsLinksOnly(blk, el)) continue;
    }
    labelOf[idx] = kind;
  }

  // Pass 2 (document order): lines.
  const lines: Line<L>[] = [];
  // Text of the current line, adjacent text under the same link already merged.
  let segs: Seg[] = [];
  const blockStack: Element[] = [];
  const anchorStack: AnchorInfo[] = [];
  const headingStack: number[] = [];
  let chromeDepth = 0;

  const addText = (data: string, anchor: AnchorInfo | null) => {
    const last = lastOf(segs);
    if (last) {
      if (last.anchor === anchor) last.text += data;
      else segs.push({ text: data, anchor });
    } else if (!isBlank(data)) segs.push({ text: data, anchor }); // a line's leading blanks are trimmed anyway
  };

  const flush = () => {
    if (!segs.length) return;
    const out = segs;
    segs = [];
    // The line's text is its segments' collapsed texts joined, runs of spaces made one and
    // trimmed: built here from the trimmed segments, with a space wherever whitespace was
    // between two of them. A line of one segment (most lines) is that segment's text, not a copy.
    let text = '';
    let linkChars = 0;
    let kept = 0;
    let gap = false; // whitespace since the last kept segment
    for (const s of out) {
      const collapsed = collapseWhitespace(s.text);
      const t = collapsed.trim();
      if (!t) {
        gap = true;
        continue;
      }
      if (kept > 0 && (gap || collapsed.charCodeAt(0) === 32)) text += ' ';
      text += t;
      gap = collapsed.charCodeAt(collapsed.length - 1) === 32;
      if (s.anchor) linkChars += t.length;
      s.text = t;
      out[kept++] = s;
    }
    out.length = kept;
    if (!text) return;
    lines.push({
      index: lines.length,
      text,
      segs: out,
      block: lastOf(blockStack) ?? null,
      heading: lastOf(headingStack) ?? 0,
      chrome: chromeDepth > 0,
      linkChars,
      label: null,
      labelEl: null,
    });
  };

  // The open nodes, the next child of each and its kind (see kindOf, looked up once when it is
  // entered), in three parallel stacks: no object per element.
  const stack: ParentNode[] = [doc];
  const next: number[] = [0];
  const kinds: number[] = [0];
  while (stack.length) {
    const depth = stack.length - 1;
    const top = stack[depth];
    if (next[depth] < top.children.length) {
      const c = top.children[next[depth]++];
      if (c.type === 'text') {
        const data = (c as { data: string }).data;
        if (data) addText(data, lastOf(anchorStack) ?? null);
        continue;
      }
      if (!isElement(c)) continue;
      const name = c.name;
      const kind = kindOf(name);
      if (kind & KIND_SKIP) continue;
      if (name === 'img') {
        const a = lastOf(anchorStack);
        const alt = a ? normText(attribute(c, 'alt') ?? '') : '';
        if (a && alt) a.alts.push(alt);
        continue;
      }
      const label = labelOf[(c as IndexedElement).index];
      if (label) {
        flush();
        const ltext = normText(shortText[(c as IndexedElement).index] ?? textContent(c));
        lines.push({
          index: lines.length,
          text: ltext,
          segs: [{ text: ltext, anchor: null }],
          block: kind & KIND_BLOCK ? c : lastOf(blockStack) ?? null,
          heading: kind >> KIND_HEADING_SHIFT || (lastOf(headingStack) ?? 0),
          chrome: chromeDepth > 0,
          linkChars: 0,
          label,
          labelEl: c,
        });
        continue;
      }
      if (name === 'br' || name === 'hr') { flush(); continue; }
      const block = (kind & KIND_BLOCK) !== 0;
      if (block) flush();
      if (!c.children.length) continue;
      stack.push(c as ParentNode);
      next.push(0);
      kinds.push(kind);
      if (block) blockStack.push(c);
      const href = name === 'a' ? attribute(c, 'href') : undefined;
      if (href !== undefined) {
        anchorStack.push(new Anchor(c, href));
      }
      const h = kind >> KIND_HEADING_SHIFT;
      if (h) headingStack.push(h);
      if (kind & KIND_CHROME) chromeDepth++;
      continue;
    }
    stack.pop();
    next.pop();
    const kind = kinds.pop()!;
    const el = top;
    if (!isElement(el)) continue;
    if (kind & KIND_BLOCK) {
      flush();
      if (lastOf(blockStack) === el) blockStack.pop();
    }
    if (el.name === 'a' && lastOf(anchorStack)?.el === el) anchorStack.pop();
    if (kind >> KIND_HEADING_SHIFT) headingStack.pop();
    if (kind & KIND_CHROME) chromeDepth--;
  }
  flush();
  return { doc, lines, head };
}

/**
 * The last item of a stack, undefined when it is empty. Not `a[a.length - 1]`: on an empty array
 * that reads the property "-1", which V8 serves through its megamorphic keyed-load stub (a
 * dictionary probe on the array and its prototypes) and which made these loads slow for every
 * text node outside a link, heading or segment.
 */
function lastOf<T>(a: T[]): T | undefined {
  const n = a.length;
  return n ? a[n - 1] : undefined;
}

const NOT_ASCII_BLANK_RE = /[^\t-\r ]/;

/** Only ASCII whitespace (the usual indentation between tags). A regex, as in collapseWhitespace. */
function isBlank(s: string): boolean {
  return !NOT_ASCII_BLANK_RE.test(s);
}

// What pass 2 does with an element, by tag name: one lookup per element instead of several.
const KIND_BLOCK = 1;
const KIND_SKIP = 2;
const KIND_CHROME = 4;
/** The heading level (1-6, 0 for none) sits above the flags. */
const KIND_HEADING_SHIFT = 3;
const kinds = new Map<string, number>();

function kindOf(name: string): number {
  let k = kinds.get(name);
  if (k === undefined) {
    k = (BLOCK_TAGS.has(name) ? KIND_BLOCK : 0) | (SKIP_TAGS.has(name) ? KIND_SKIP : 0) | (CHROME_TAGS.has(name) ? KIND_CHROME : 0)
      | (headingLevel(name) << KIND_HEADING_SHIFT);
    // tag names come from pages: remembered up to a bound
    if (kinds.size < 4096) kinds.set(name, k);
  }
  return k;
}

function insideTag(el: Element, tag: string): boolean {
  for (let p = el.parent; p; p = p.parent) if (isElement(p) && p.name === tag) return true;
  return false;
}

function blockAncestor(el: Element): Element | null {
  for (let p = el.parent; p; p = p.parent) if (isElement(p) && BLOCK_TAGS.has(p.name)) return p;
  return null;
}

/** True when the line of `blk` holding `except` has nothing else but links and punctuation. */
function restIsLinksOnly(blk: Element, except: Element): boolean {
  let budget = 400;
  const stack: AnyNode[] = [...blk.children];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === except) continue;
    if (n.type === 'text') {
      if (/[\p{L}\p{N}]/u.test((n as { data: string }).data)) return false;
    } else if (isElement(n)) {
      // links may share the line; nested blocks are lines of their own
      if (n.name === 'a' || SKIP_TAGS.has(n.name) || BLOCK_TAGS.has(n.name)) continue;
      if (--budget < 0) return false;
      for (const c of n.children) stack.push(c);
    }
  }
  return true;
}

/** Elements collectHead reads whatever their attributes. */
const HEAD_TAGS = new Set(['html', 'base', 'title', 'meta', 'link', 'script', 'time']);

function pushMap(m: Map<string, string[]>, k: string, v: string): void {
  const arr = m.get(k);
  if (arr) arr.push(v);
  else m.set(k, [v]);
}

function collectHead(el: Element, head: HeadMeta): void {
  // Most elements carry no itemprop: their attributes are not even read (see light-dom.ts).
  if (!HEAD_TAGS.has(el.name) && !mayHaveAttribute(el, 'itemprop')) return;
  const a = el.attribs;
  switch (el.name) {
    case 'html':
      if (a.lang && !head.lang) head.lang = a.lang.trim();
      else if (a['xml:lang'] && !head.lang) head.lang = a['xml:lang'].trim();
      break;
    case 'base':
      if (a.href && !head.baseHref) head.baseHref = a.href.trim();
      break;
    case 'title':
      if (head.title === null && !insideTag(el, 'svg')) head.title = normText(textContent(el));
      break;
    case 'meta': {
      const content = a.content;
      if (content === undefined) break;
      for (const k of [a.name, a.property, a['http-equiv']]) if (k) pushMap(head.meta, k.trim().toLowerCase(), content);
      if (a.itemprop) pushMap(head.itemprops, a.itemprop.trim().toLowerCase(), content);
      break;
    }
    case 'link': {
      if (!a.href || !a.rel) break;
      for (const r of a.rel.toLowerCase().split(/\s+/)) if (r) pushMap(head.links, r, a.href.trim());
      break;
    }
    case 'script':
      if ((a.type ?? '').toLowerCase().includes('ld+json')) head.jsonLd.push(textContent(el));
      break;
    case 'time':
      if (a.datetime) head.times.push(a.datetime.trim());
      if (a.itemprop) pushMap(head.itemprops, a.itemprop.trim().toLowerCase(), a.datetime ?? normText(textContent(el)));
      break;
    default:
      if (a.itemprop) {
        const v = a.content ?? a.datetime ?? (el.name === 'img' ? a.src : undefined) ?? (el.name === 'a' || el.name === 'link' ? a.href : undefined) ?? normText(textContent(el));
        if (v !== undefined) pushMap(head.itemprops, a.itemprop.trim().toLowerCase(), v);
      }
  }
}
