// The generic extractor's collapse() and normKey() against their plain definitions (collapse:
// zero-width characters and the soft hyphen removed, every \s run made one space, trimmed;
// normKey: the lower-cased words joined by single spaces). Their one-pass forms return clean
// text as is, so the tests compare them on generated text and on every UTF-16 code unit.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapse, normKey } from '../../src/parse/generic/text.js';
import { buildBlocks } from '../../src/parse/generic/blocks.js';
import { parseHtml } from '../../src/parse/generic/dom.js';

/**
 * `fast(s)` equals `reference(s)` on generated text, and on every UTF-16 code unit placed in each
 * of `around` (a function of the character).
 */
function expectSameAs(fast: (s: string) => string, reference: (s: string) => string, text: fc.Arbitrary<string>, around: (ch: string) => string[]) {
  fc.assert(fc.property(text, (s) => {
    expect(fast(s)).toBe(reference(s));
  }), { numRuns: 20_000 });
  for (let c = 0; c < 0x10000; c++) for (const s of around(String.fromCharCode(c))) expect(fast(s)).toBe(reference(s));
}

const reference = (s: string) => s.replace(/[\u200b\u200c\u200d\u2060\u00ad]/g, '').replace(/\s+/g, ' ').trim();

const chars = fc.constantFrom(
  'a', 'B', 'é', '1', ' ', '  ', '\n', '\t', '\r\n', '\v', '\f', '\u00a0', '\u1680', '\u2003', '\u200a', '\u2028', '\u202f',
  '\u205f', '\u3000', '\ufeff', '\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '-', 'x y', '.',
);
const text = fc.array(chars, { maxLength: 30 }).map((xs) => xs.join(''));

describe('collapse', () => {
  it('is the two replacements and the trim it stands for', () => {
    expectSameAs(collapse, reference, text, (ch) => [`a${ch}${ch}b`, `${ch}a ${ch}`, `a ${ch} b`, ch]);
  });

  it('returns clean text itself', () => {
    const s = ['Clean', 'text', 'with', 'single', 'spaces'].join(' ');
    expect(collapse(s)).toBe(s);
    expect(collapse('')).toBe('');
    expect(collapse(' \u200b ')).toBe('');
  });
});

describe('normKey', () => {
  const words = fc.array(fc.constantFrom('a', 'Ab', 'z9', '0', ' ', '  ', ',', '-', '\n', 'É', 'é', 'İ', '\u212a', 'ß', '\u00a0', '_', '1.5', 'x y'), { maxLength: 20 })
    .map((xs) => xs.join(''));
  const reference = (s: string) => (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');

  it('is the lower-cased words joined by single spaces', () => {
    expectSameAs(normKey, reference, words, (ch) => [`a${ch}b`, `${ch}`, `A ${ch}`]);
  });
});

describe('text blocks', () => {
  // A block of clean text nodes skips collapse(); whatever its nodes, its text is what collapse()
  // makes of them joined (a node without a counted character standing as one space).
  const counted = /[^\x00-\x20\u00a0\u2000-\u200d\u3000\ufeff\u202f]/;
  it('are their text nodes collapsed, with or without the clean-text shortcut', () => {
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    // mostly texts that are clean or nearly (single spaces, at either end too), which take the shortcut
    const nearlyClean = fc.array(fc.constantFrom('a', 'B', 'é', '1', ' ', '-', 'x y', '  ', '\n', '\u200b'), { maxLength: 8 }).map((xs) => xs.join(''));
    fc.assert(fc.property(fc.array(fc.oneof(nearlyClean, nearlyClean, text), { minLength: 1, maxLength: 5 }), (nodes) => {
      const html = `<div><p>${nodes.map((t, i) => (i % 2 ? `<b>${esc(t)}</b>` : `<i>${esc(t)}</i>`)).join('')}</p></div>`;
      const pieces: string[] = [];
      for (const t of nodes) if (t && counted.test(t)) pieces.push(t); else if (t && pieces.length) pieces.push(' ');
      const expected = pieces.length ? collapse(pieces.join('')) : '';
      const { blocks } = buildBlocks(parseHtml(html));
      expect(blocks.map((b) => b.text).join('|')).toBe(expected);
    }), { numRuns: 20_000 });
  });
});
