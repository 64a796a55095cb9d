// The one loose JSON reader for JSON-LD blocks as pages write them.
import { describe, expect, it } from 'vitest';
import { parseJsonLoose } from '../../src/parse/generic/jsonld.js';

describe('parseJsonLoose', () => {
  it.each([
    ['plain', '{"a":1}', { a: 1 }],
    ['HTML comment wrapper', '<!-- {"a":1} -->', { a: 1 }],
    ['CDATA in a JS comment', '//<![CDATA[\n{"a":1}\n//]]>', { a: 1 }],
    ['a statement semicolon', '{"a":1};', { a: 1 }],
    ['trailing commas', '{"a":[1,2,],}', { a: [1, 2] }],
    ['raw newline in a string', '{"a":"x\ny"}', { a: 'x y' }],
    ['line comments', '{\n//"b": "",\n"a":1}', { a: 1 }],
    ['objects back to back', '{"a":1}{"b":2}', [{ a: 1 }, { b: 2 }]],
  ])('reads %s', (_name, text, want) => {
    expect(parseJsonLoose(text)).toEqual(want);
  });

  it('gives undefined for what is not JSON', () => {
    expect(parseJsonLoose('var x = {a: 1}')).toBeUndefined();
    expect(parseJsonLoose('')).toBeUndefined();
  });
});
