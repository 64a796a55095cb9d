// Character classes the parsers test one UTF-16 code unit at a time, where a regex over the whole
// string would copy it.

/** What JavaScript's `\s` matches: ASCII and Unicode spaces, line separators and the BOM. */
export function isJsWhitespace(c: number): boolean {
  if (c < 0xa0) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f
    || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
