// The page view's text helpers against their plain definitions: normText collapses whitespace
// as /[\s\u200b]+/g does (its fast path returns clean text as is), and textKeyIs(s, k) is
// textKey(s) === k (its fast path compares ASCII text without building the key).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normText, textKey, textKeyIs } from '../../src/parse/profiles/html-lines.js';

const chars = fc.constantFrom('a', 'B', 'é', 'É', 'ﬁ', 'İ', '1', ' ', '  ', '\n', '\t', '\u00a0', '\u200b', '\u2003', '\u3000', '\ufeff', '-', '.', 'x y', 'Ǆ', 'ß');
const text = fc.array(chars, { maxLength: 30 }).map((xs) => xs.join(''));

describe('html-lines text helpers', () => {
  it('normText collapses every whitespace run to one space and trims', () => {
    fc.assert(fc.property(text, (s) => {
      expect(normText(s)).toBe(s.replace(/[\s\u200b]+/g, ' ').trim());
    }), { numRuns: 5000 });
    for (let c = 0; c < 0x10000; c++) {
      const s = `a${String.fromCharCode(c)}${String.fromCharCode(c)}b`;
      expect(normText(s)).toBe(s.replace(/[\s\u200b]+/g, ' ').trim());
    }
  });

  it('textKeyIs(s, key) is textKey(s) === key', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(textKeyIs(a, textKey(b))).toBe(textKey(a) === textKey(b));
        expect(textKeyIs(a, textKey(a))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
