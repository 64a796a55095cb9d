// How deep a page nests its elements, measured without building a DOM. The HTML parser and the
// DOM walks after it get quadratic in nesting depth: a hostile 1 MB page of 200,000 nested
// <div>s takes the parsers and listing discovery 10-30 s each, a 10 MB one hours, while the
// deepest real page in extraction-dev nests ~100 levels. Pages nested deeper than
// MAX_HTML_DEPTH are refused: the generic extractor and listing discovery run this pre-scan
// before parsing; the profiles' own scanner (profiles/light-dom.ts) counts its open elements as
// it builds and stops at the limit, which spares the pass over the page.

/** Far above any real page (the deepest of the 490 extraction-dev pages: ~100). */
export const MAX_HTML_DEPTH = 1000;

const VOID = new Set([
  'area', 'base', 'basefont', 'bgsound', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'image', 'img', 'input',
  'isindex', 'keygen', 'link', 'meta', 'nextid', 'param', 'source', 'track', 'wbr',
]);
// Closed implicitly by their next sibling (or never containers): not counted, so pages that
// leave them open do not look deep.
const IMPLIED = new Set([
  'html', 'head', 'body', 'p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'tbody', 'thead', 'tfoot', 'colgroup', 'caption',
  'option', 'optgroup', 'rb', 'rt', 'rtc', 'rp',
]);
// Their content is text, not markup.
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noembed', 'noframes', 'plaintext']);

// The end tag of a raw-text element, case-insensitively, as a whole name (`</script` but not
// `</scripts`); one compiled regex per element name.
const rawTextEnd = new Map<string, RegExp>();
function rawTextEndOf(name: string): RegExp {
  let re = rawTextEnd.get(name);
  if (!re) rawTextEnd.set(name, (re = new RegExp(`</${name}\\b`, 'gi')));
  return re;
}

const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
// [A-Za-z0-9:_-]
const isNameChar = (c: number) => isAsciiLetter(c) || (c >= 48 && c <= 58) || c === 95 || c === 45;

/**
 * Approximate element nesting depth (opening minus closing container tags, at its highest), in
 * one linear pass. Stops counting once `stopAt` is reached. A hand-written scan (indexOf and
 * character codes): this runs on every page before it is parsed.
 */
export function htmlNestingDepth(html: string, stopAt = Infinity): number {
  const n = html.length;
  let depth = 0;
  let max = 0;
  let i = 0;
  for (;;) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    let j = lt + 1;
    let c = html.charCodeAt(j);
    if (c === 33 && html.startsWith('!--', j)) {
      // A comment: its end is found with indexOf, so input with no closing '-->' costs one pass.
      const end = html.indexOf('-->', j + 3);
      if (end < 0) break;
      i = end + 3;
      continue;
    }
    const closing = c === 47;
    if (closing) c = html.charCodeAt(++j);
    if (!isAsciiLetter(c)) {
      i = lt + 1;
      continue;
    }
    let k = j + 1;
    while (k < n && isNameChar(html.charCodeAt(k))) k++;
    const end = html.indexOf('>', k);
    if (end < 0) break;
    i = end + 1;
    const name = html.slice(j, k).toLowerCase();
    if (closing) {
      if (depth > 0 && !VOID.has(name) && !IMPLIED.has(name)) depth--;
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const close = rawTextEndOf(name);
      close.lastIndex = i;
      if (!close.exec(html)) break;
      i = close.lastIndex;
      continue;
    }
    if (html.charCodeAt(end - 1) === 47 || VOID.has(name) || IMPLIED.has(name)) continue;
    if (++depth > max) {
      max = depth;
      if (max >= stopAt) return max;
    }
  }
  return max;
}

/** Why a page cannot be parsed safely, or null. */
export function htmlShapeProblem(html: string): string | null {
  const depth = htmlNestingDepth(html, MAX_HTML_DEPTH + 1);
  return depth > MAX_HTML_DEPTH ? `elements nested more than ${MAX_HTML_DEPTH} deep` : null;
}
