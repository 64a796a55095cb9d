// How deep a page nests its elements, measured without building a DOM. The HTML parser and the
// DOM walks after it get quadratic in nesting depth: a hostile 1 MB page of 200,000 nested
// <div>s takes the parsers and listing discovery 10-30 s each, a 10 MB one hours, while the
// deepest real page in extraction-dev nests ~100 levels. Pages nested deeper than
// MAX_HTML_DEPTH are refused before anything parses them.

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

/**
 * Approximate element nesting depth (opening minus closing container tags, at its highest), in
 * one linear pass. Stops counting once `stopAt` is reached.
 */
export function htmlNestingDepth(html: string, stopAt = Infinity): number {
  // Only the start of a tag is matched by the regex; its end is found with indexOf, so input
  // with no closing '>' costs one pass, not one pass per '<'.
  const start = /<(\/?)([A-Za-z][A-Za-z0-9:_-]*)|<!--/g;
  let depth = 0;
  let max = 0;
  let m: RegExpExecArray | null;
  while ((m = start.exec(html))) {
    if (m[0] === '<!--') {
      const end = html.indexOf('-->', start.lastIndex);
      if (end < 0) break;
      start.lastIndex = end + 3;
      continue;
    }
    const end = html.indexOf('>', start.lastIndex);
    if (end < 0) break;
    start.lastIndex = end + 1;
    const name = m[2].toLowerCase();
    if (m[1]) {
      if (depth > 0 && !VOID.has(name) && !IMPLIED.has(name)) depth--;
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const close = new RegExp(`</${name}\\b`, 'gi');
      close.lastIndex = start.lastIndex;
      if (!close.exec(html)) break;
      start.lastIndex = close.lastIndex;
      continue;
    }
    if (html[end - 1] === '/' || VOID.has(name) || IMPLIED.has(name)) continue;
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
