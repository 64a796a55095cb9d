// Title choice. Structured titles (JSON-LD headline, og:title) are clean but sometimes carry
// the site name or differ from the visible headline; <title> nearly always carries the
// site name. The visible headline (an h1, sometimes an h2) is what readers and the
// benchmarks call the title, so we take the heading that best matches the structured
// candidates, and fall back to a candidate with its site-name segment cut off.

import type { FieldOrigin } from '../types.js';
import type { Element } from 'domhandler';
import type { Heading } from './page-info.js';
import { collapse, containment, normKey, wordList } from './text.js';
import { decodeEntities } from '../entities.js';

export interface TitleChoice {
  value: string;
  origin: FieldOrigin;
  /** The heading element, when the title is the page's visible headline. */
  el?: Element;
}

// " | Site", " - Site", " — Site", " :: Site", " » Site", " · Site". A plain hyphen only
// counts with spaces around it, so "Wi-Fi" and "U.S.-China" stay whole.
const SEPARATOR = /\s+(?:[|\u2013\u2014\-\u00b7\u2022\u00bb\u00ab\u203a/>]|::|:|--)\s+|\s*\|\s*/;
const SEPARATOR_G = new RegExp(SEPARATOR.source, 'g');

function compact(s: string): string {
  return normKey(s).replace(/ /g, '');
}

/** True when `segment` names the site: equal to og:site_name, or its letters are in the host. */
function isSiteSegment(segment: string, siteName: string | undefined, host: string): boolean {
  const seg = compact(segment);
  if (!seg) return true;
  if (siteName) {
    const site = compact(siteName);
    if (site && (seg === site || (seg.length >= 4 && (site.includes(seg) || seg.includes(site))))) return true;
  }
  if (host) {
    const h = host.replace(/[^a-z0-9]/gi, '').toLowerCase();
    const segNoCom = seg.replace(/(com|net|org|couk)$/, '');
    if (segNoCom.length >= 3 && h.includes(segNoCom)) return true;
    // "The Kansas City Star" on kansascity.com: the host's main label inside the segment.
    const labels = host.toLowerCase().split('.');
    const main = labels.length >= 2 ? labels[labels.length - 2].replace(/[^a-z0-9]/g, '') : '';
    const mainLabel = main.length <= 3 && labels.length >= 3 ? labels[labels.length - 3].replace(/[^a-z0-9]/g, '') : main;
    if (mainLabel.length >= 5 && seg.includes(mainLabel) && seg.length <= mainLabel.length + 12) return true;
  }
  return false;
}

/** Remove site-name segments at either end of a title. */
export function stripSiteName(title: string, siteName: string | undefined, host: string): string {
  // Syndication and date tails: "Headline (from The Herald)", "Headline (14/01/2008)".
  const t = collapse(title).replace(/\s*\((?:(?:from|via|source:?) [^()]{1,60}|[\d/.\- ]{6,12})\s?\)$/i, '');
  if (!SEPARATOR.test(t)) return t;
  const segments = t.split(SEPARATOR_G);
  const seps = t.match(SEPARATOR_G) ?? [];
  let start = 0;
  let end = segments.length;
  while (end - start > 1 && isSiteSegment(segments[end - 1], siteName, host)) end--;
  while (end - start > 1 && isSiteSegment(segments[start], siteName, host)) start++;
  if (start === 0 && end === segments.length) return t;
  let out = segments[start];
  for (let i = start + 1; i < end; i++) out += seps[i - 1] + segments[i];
  return out.trim();
}

/**
 * "Section - Headline - Site" with no way to tell the site segment: the longest segment is
 * the headline when it clearly dominates.
 */
function longestSegment(title: string): string {
  if (!SEPARATOR.test(title)) return title;
  const segs = title.split(SEPARATOR_G).map((x) => x.trim()).filter(Boolean);
  if (segs.length < 2) return title;
  const sorted = [...segs].sort((a, b) => b.length - a.length);
  const [first, second] = sorted;
  if (first.split(' ').length >= 4 && first.length >= 1.5 * second.length) return first;
  return title;
}

interface Ref {
  words: string[];
  set: Set<string>;
}

/** How well a heading matches a title candidate: 0..1, both directions of word overlap. */
function matchScore(heading: string[], headingSet: Set<string>, cand: Ref): number {
  if (!heading.length || !cand.words.length) return 0;
  const a = containment(heading, cand.set);
  if (a < 0.6) return 0;
  const b = containment(cand.words, headingSet);
  return (a + b) / 2;
}

/**
 * Scores any text 0..1 by how well it matches the page's title candidates (structured
 * titles, <title>, and each non-site segment of them). Used for headings here and, in
 * index.ts, for the lines just above the article text when no heading matched.
 */
export function titleMatcher(
  candidates: TitleChoice[],
  titleTag: string,
  siteName: string | undefined,
  host: string,
): { cands: TitleChoice[]; tag: string; score: (text: string) => number } {
  const cands = candidates
    .map((c) => ({ value: stripSiteName(decodeEntities(c.value), siteName, host), origin: c.origin }))
    .filter((c) => c.value.length > 0);
  const tag = titleTag ? stripSiteName(titleTag, siteName, host) : '';
  const refTexts = [...cands.map((c) => c.value), ...(tag ? [tag, titleTag] : [])];
  // Each segment of a "Headline - Section - Site" title may be the visible headline.
  for (const t of [...refTexts]) {
    if (!SEPARATOR.test(t)) continue;
    for (const seg of t.split(SEPARATOR_G)) {
      if (seg.split(' ').length >= 2 && !isSiteSegment(seg, siteName, host)) refTexts.push(seg);
    }
  }
  const refs: Ref[] = refTexts.map((t) => {
    const words = wordList(t);
    return { words, set: new Set(words) };
  });
  const score = (text: string): number => {
    const hw = wordList(text);
    if (hw.length === 0 || hw.length > 60 || text.length > 400) return 0;
    // The site's name in a banner heading is not the headline.
    if (isSiteSegment(text, siteName, host)) return 0;
    const hs = new Set(hw);
    let s = 0;
    for (const r of refs) s = Math.max(s, matchScore(hw, hs, r));
    return s;
  };
  return { cands, tag, score };
}

export function chooseTitle(
  candidates: TitleChoice[],
  titleTag: string,
  headings: Heading[],
  siteName: string | undefined,
  host: string,
): TitleChoice | undefined {
  const { cands, tag, score } = titleMatcher(candidates, titleTag, siteName, host);

  // The visible headline matching a candidate best; h1 before h2 on equal scores.
  let best: Heading | undefined;
  let bestScore = 0;
  for (const h of headings) {
    let s = score(h.text);
    if (s === 0) continue;
    const hw = wordList(h.text);
    // The page's own h1 is the likeliest headline; lower headings and "headline" boxes
    // need a better match to win.
    if (h.level === 2) s -= 0.1;
    else if (h.level === 3 || h.level === 4) s -= 0.15;
    else if (h.level >= 5) s -= 0.2;
    // A single word ("News") rarely is a headline even if it matches; among equal matches
    // the fuller heading is the headline ("STATE NEWS" vs the story's own heading).
    if (hw.length < 2) s -= 0.3;
    s += Math.min(hw.length, 12) * 0.004;
    if (s > bestScore + 1e-9) {
      best = h;
      bestScore = s;
    }
  }
  if (best && bestScore >= 0.7) {
    // A heading with button text glued on ("Headline Add to ..."): the structured title
    // inside it is the clean form.
    const hk = normKey(best.text);
    for (const c of cands) {
      const ck = normKey(c.value);
      if (ck && ck !== hk && hk.startsWith(ck) && ck.length >= 0.6 * hk.length) return { value: c.value, origin: 'dom', el: best.el };
    }
    return { value: best.text, origin: 'dom', el: best.el };
  }

  if (cands.length) return cands[0];
  if (tag) return { value: tag === titleTag ? longestSegment(tag) : tag, origin: 'meta' };
  // No metadata at all: a lone h1 is the headline.
  const h1s = headings.filter((h) => h.level === 1 && h.text && h.text.length <= 300);
  if (h1s.length >= 1) return { value: h1s[0].text, origin: 'dom', el: h1s[0].el };
  return undefined;
}
