// Character classes the parsers test one UTF-16 code unit at a time, where a regex over the whole
// string would copy it.
//
// How those loops read a string's code units matters. Text comes in every V8 string
// representation (slices of the page, concatenations, copies, one- and two-byte), so in optimised
// code `s.charCodeAt(i)` is a megamorphic property load plus a generic call per character. The
// parsers' char-code loops call it as `charCodeAt.call(s, i)` through a constant declared in their
// own module (`const charCodeAt = String.prototype.charCodeAt`), which the optimising compiler
// inlines: about 3x faster per character on page text. Imported from here instead, the constant
// is read through the import's cell and the loops were only 1.8x faster, so each module declares
// its own. Where a loop only looks for a character class, one regex test is faster still (about
// 8x): see collapseWhitespace in profiles/html-lines.ts.

/** What JavaScript's `\s` matches: ASCII and Unicode spaces, line separators and the BOM. */
export function isJsWhitespace(c: number): boolean {
  if (c < 0xa0) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f
    || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
