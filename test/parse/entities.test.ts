// The one entity decoder for strings outside the HTML parser (JSON-LD, meta values).
import { describe, expect, it } from 'vitest';
import { decodeEntities } from '../../src/parse/entities.js';
import { parseLightDocument, textContent } from '../../src/parse/light-dom.js';

describe('decodeEntities', () => {
  it('decodes names case-sensitively from the full table, and numeric references', () => {
    expect(decodeEntities('&Eacute;cole &eacute;t&eacute;')).toBe('École été');
    expect(decodeEntities('a &rarr; b &hellip; &ndash; &#8217;s &#x201C;q&#x201D;')).toBe('a → b … – ’s “q”');
    expect(decodeEntities('AT&amp;amp;T')).toBe('AT&amp;T');
  });

  it('keeps what is not a reference as written', () => {
    expect(decodeEntities('Q&A, &nosuch; and 5 & 6')).toBe('Q&A, &nosuch; and 5 & 6');
    expect(decodeEntities('no ampersand')).toBe('no ampersand');
  });

  it('decodes as the tree builder decodes page text', () => {
    for (const s of ['&Eacute;cole', 'x &rarr; y', '&copy 2024', 'a&ampb', '&#0; &#x110000;', '&lt;b&gt;']) {
      const doc = parseLightDocument(`<p>${s}</p>`);
      expect(decodeEntities(s)).toBe(textContent(doc));
    }
  });
});
