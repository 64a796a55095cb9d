// The one decoder of HTML character references for text that did not go through the HTML
// parser (JSON-LD strings with `&amp;` or `&#8217;`, double-encoded meta values). It is the
// decoder the tree builder uses, with the full table of names (case-sensitive: `&Eacute;` is
// "É", `&rarr;` is "→") and the same legacy rules a browser applies to page text.
import { decodeHTML, DecodingMode } from 'entities';

export function decodeEntities(s: string): string {
  return s.indexOf('&') < 0 ? s : decodeHTML(s, DecodingMode.Legacy);
}
