// Small text helpers shared by the extractor modules. All are linear-time: no backtracking
// regexes, so a hostile page cannot stall a worker (BullMQ drops locks of blocked workers).

import { isJsWhitespace } from '../chars.js';
import { decodeEntities } from '../entities.js';

// Whitespace is what \s matches: NBSP, the U+2000 spaces, U+3000 and BOM among others;
// zero-width characters (and the soft hyphen) are not whitespace for \s, so they are removed
// (they split words in the metric).

// See chars.ts: char-code loops call `charCodeAt.call(s, i)` through this module constant.
const charCodeAt = String.prototype.charCodeAt;

/** Collapse runs of whitespace to one space and trim (zero-width characters removed). */
export function collapse(s: string): string {
  // One pass that copies runs of kept text, and returns `s` itself when it is clean (most short
  // texts): the two regex replacements and the trim it stands for were 5% of an extraction.
  const n = s.length;
  let out = '';
  let run = -1; // start of the run of kept characters being read, or -1
  let space = false; // whitespace since the last kept character (not at the start)
  for (let i = 0; i < n; i++) {
    const c = charCodeAt.call(s, i);
    const zw = isZeroWidth(c);
    if (zw || isJsWhitespace(c)) {
      if (run >= 0) {
        // a single plain space before a kept character stays in the run
        if (c === 32 && i + 1 < n && isKept(charCodeAt.call(s, i + 1))) continue;
        out += s.slice(run, i);
        run = -1;
      }
      if (!zw && out.length) space = true;
      continue;
    }
    if (run < 0) {
      if (space) out += ' ';
      space = false;
      run = i;
    }
  }
  if (run === 0) return s;
  return run > 0 ? out + s.slice(run) : out;
}

/** A character collapse() keeps as it is: neither whitespace nor zero-width. */
export const isKept = (c: number) => !isJsWhitespace(c) && !isZeroWidth(c);

function isZeroWidth(c: number): boolean {
  return c === 0x200b || c === 0x200c || c === 0x200d || c === 0x2060 || c === 0xad;
}

/**
 * Plain text of a string that may hold markup (JSON-LD articleBody sometimes does).
 * Paragraph-ending tags become blank lines so paragraphs survive; script and style
 * contents are skipped. One left-to-right scan over the tags: linear on any input.
 */
export function stripTags(s: string): string {
  if (s.indexOf('<') < 0) return decodeEntities(s);
  const tag = /<(\/?)([a-z][a-z0-9]*)\b[^>]{0,1000}>|<!--[\s\S]{0,100000}?-->/gi;
  const out: string[] = [];
  let last = 0;
  let skipUntil = '';
  let m: RegExpExecArray | null;
  while ((m = tag.exec(s)) !== null) {
    const name = (m[2] ?? '').toLowerCase();
    if (!skipUntil) out.push(s.slice(last, m.index));
    last = m.index + m[0].length;
    if (skipUntil) {
      if (m[1] === '/' && name === skipUntil) skipUntil = '';
      continue;
    }
    if (!m[1] && (name === 'script' || name === 'style')) skipUntil = name;
    else out.push(/^(?:p|div|h[1-6]|li|br|blockquote|section|tr|ul|ol)$/.test(name) ? '\n\n' : ' ');
  }
  if (!skipUntil) out.push(s.slice(last));
  return decodeEntities(out.join(''));
}

/** Word count in the benchmark's sense: runs of letters, digits and underscore. */
export function countWords(s: string): number {
  let n = 0;
  const re = /[\p{L}\p{N}_]+/gu;
  while (re.exec(s)) n++;
  return n;
}

/** Lower-cased words, for fuzzy comparisons of titles and site names. */
export function wordList(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Share of `a`'s words that also occur in `b` (0..1); 0 when `a` has none. */
export function containment(a: string[], b: string[] | Set<string>): number {
  if (a.length === 0) return 0;
  const set = b instanceof Set ? b : new Set(b);
  let hit = 0;
  for (const w of a) if (set.has(w)) hit++;
  return hit / a.length;
}

/** Normalised form for equality tests: lower case, words only (`wordList(s).join(' ')`). */
export function normKey(s: string): string {
  // Every body paragraph gets a key: ASCII text is keyed in one pass over its lower-cased form
  // (returned as is when it is words and single spaces already), other text by the regex.
  const l = s.toLowerCase();
  let out = '';
  let start = -1; // start of the word being read
  let copied = 0; // words copied to `out`
  let clean = true; // `l` so far is words joined by single spaces
  const n = l.length;
  for (let i = 0; i < n; i++) {
    const c = charCodeAt.call(l, i);
    if (c > 127) return wordList(s).join(' ');
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      out += copied++ ? ' ' + l.slice(start, i) : l.slice(start, i);
      start = -1;
      if (c !== 32 || i + 1 >= l.length) clean = false;
    } else clean = false;
  }
  if (clean) return l;
  if (start >= 0) out += copied ? ' ' + l.slice(start) : l.slice(start);
  return out;
}
