import { extractionDevDir } from '../../src/datasets.js';
// Parsers under fuzzing (fast-check): random input, token soup, and mutations of real pages
// (fixture site articles and listings, pages of /work/shared/datasets/extraction-dev read in
// place, the saved text page in seeds/). Every parser returns an article that the store can
// write, or a typed ParseError, and never anything else; listing discovery never throws and
// returns fetchable URLs; each call stays within a time bound (2 s per MB, at least 2 s).
//
// Reproduce a failure with FUZZ_SEED=<seed printed by fast-check>; FUZZ_RUNS=<factor> runs more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePage, ParseError, type ParsedArticle } from '../../src/parse/index.js';
import { parseTextDump } from '../../src/parse/text-dump.js';
import { discoverListingLinks } from '../../src/frontier/discover.js';
import { MAX_HTML_DEPTH, NestingTooDeep, parseLightDocument } from '../../src/parse/light-dom.js';
import { rulesFor } from '../../src/sources/rules.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';

const ROOT = path.join(__dirname, '../..');
const SEED_TEXT = readFileSync(path.join(ROOT, 'seeds/000_dfeb03326fbda3cc.txt'), 'utf8');
const DATASET = path.join(extractionDevDir(), 'html');
const datasetFiles = existsSync(DATASET) ? readdirSync(DATASET).filter((f) => f.endsWith('.html')).sort() : [];
/** Every 12th page of the dataset (about 40), read from where it is, never copied. */
const datasetSample = datasetFiles.filter((_, i) => i % 12 === 0);
const readDataset = (f: string) => readFileSync(path.join(DATASET, f), 'utf8');

const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * RUNS));
const params = (n: number): fc.Parameters<unknown> => ({ numRuns: runs(n), ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) });

const PARSE_ERROR_CODES = ['empty', 'not-article', 'no-story-code', 'no-title', 'no-body', 'unsupported-content', 'too-large', 'invalid-input'];
const PROFILES = ['islamtimes', 'generic'] as const;
/** 2 s per MB of input, and never less than 2 s (a shared CI machine has hiccups). */
const boundMs = (chars: number) => Math.max(2000, (2000 * chars) / 1_000_000);

let site: FixtureSite;
let fixtureArticles: { html: string; url: string }[] = [];
let fixtureListings: { html: string; url: string }[] = [];
let slowest = { ms: 0, what: '' };
const outcomes: Record<string, number> = { article: 0 };

beforeAll(async () => {
  site = await createFixtureSite({ articles: 24, pageSize: 10 });
  fixtureArticles = Array.from({ length: 24 }, (_, i) => ({ html: site.articleHtml(i), url: site.articleUrl(i) }));
  fixtureListings = await Promise.all([1, 2, 3].map(async (p) => ({ html: await (await fetch(site.listingUrl(p))).text(), url: site.listingUrl(p) })));
});

afterAll(async () => {
  await site?.close();
  console.log(`fuzz: ${Object.entries(outcomes).map(([k, n]) => `${k} ${n}`).join(', ')}; slowest call ${slowest.ms.toFixed(0)} ms (${slowest.what})`);
});

// ---------------------------------------------------------------- what a result must be

const isValidDate = (d: unknown) => d instanceof Date && Number.isFinite(d.getTime()) && d.getUTCFullYear() > -4713 && d.getUTCFullYear() < 294276;

/** An article the store can write: the fields storeArticle and Postgres need, well-typed. */
function checkArticle(a: ParsedArticle, what: string): void {
  const fail = (why: string) => {
    throw new Error(`${what}: ${why}`);
  };
  if (typeof a.storyCode !== 'string' || !a.storyCode.trim()) fail(`bad story code ${JSON.stringify(a.storyCode)}`);
  if (typeof a.title !== 'string' || !a.title.trim()) fail('empty title');
  if (!Array.isArray(a.body) || a.body.length === 0 || a.body.some((p) => typeof p !== 'string')) fail('body is not a non-empty list of strings');
  if (!Array.isArray(a.tags) || a.tags.some((t) => typeof t !== 'string')) fail('tags are not strings');
  for (const f of ['publishedAt', 'modifiedAt'] as const) if (a[f] != null && !isValidDate(a[f])) fail(`${f} is not a storable date: ${String(a[f])}`);
  for (const f of ['url', 'canonicalUrl', 'lead', 'author', 'language', 'imageUrl'] as const) if (a[f] != null && typeof a[f] !== 'string') fail(`${f} is not a string`);
  for (const l of [...a.related, ...a.featured]) {
    if (typeof l.title !== 'string') fail('a link without a title');
    if (l.url != null && typeof l.url !== 'string') fail('a link url that is not a string');
    // storeArticle writes `${date}T00:00:00Z` into a date column.
    if (l.date != null && !(/^\d{4}-\d{2}-\d{2}$/.test(l.date) && isValidDate(new Date(`${l.date}T00:00:00Z`)))) fail(`a link date ${JSON.stringify(l.date)}`);
  }
  if (!Array.isArray(a.warnings) || a.warnings.some((w) => typeof w !== 'string')) fail('warnings are not strings');
  JSON.stringify(a);
}

/** Runs one parser call: an article (checked) or a ParseError, within the time bound. */
function parseChecked(what: string, size: number, call: () => ParsedArticle): ParsedArticle | ParseError {
  const t0 = performance.now();
  let out: ParsedArticle | ParseError;
  try {
    out = call();
  } catch (err) {
    if (!(err instanceof ParseError)) throw new Error(`${what}: threw ${(err as Error)?.name ?? typeof err}: ${(err as Error)?.message ?? String(err)}`);
    if (!PARSE_ERROR_CODES.includes(err.code)) throw new Error(`${what}: unknown ParseError code ${err.code}`);
    // parsePage turns a parser's own crash into invalid-input so a worker survives it; here that
    // is a finding, not an acceptable answer.
    if (/parser failed:|cannot parse page:|extractor failed:/.test(err.message)) throw new Error(`${what}: a parser crashed: ${err.message}`);
    out = err;
  }
  const ms = performance.now() - t0;
  if (ms > slowest.ms) slowest = { ms, what: `${what}, ${size} chars` };
  if (ms > boundMs(size)) throw new Error(`${what}: took ${ms.toFixed(0)} ms for ${size} characters`);
  if (!(out instanceof ParseError)) checkArticle(out, what);
  const k = out instanceof ParseError ? out.code : 'article';
  outcomes[k] = (outcomes[k] ?? 0) + 1;
  return out;
}

/** Every parser on one input. */
function parseAll(content: string, url: string | null, label: string): void {
  for (const profile of PROFILES) {
    parseChecked(`${label} / ${profile}`, content.length, () => parsePage({ content, url }, { parserProfile: profile, timezone: 'Asia/Tehran', key: 'fuzz' }));
    parseChecked(`${label} / ${profile} as text/plain`, content.length, () => parsePage({ content, url, contentType: 'text/plain' }, { parserProfile: profile, timezone: 'Asia/Tehran' }));
  }
  parseChecked(`${label} / parseTextDump`, content.length, () => parseTextDump(content, { url, timezone: 'Asia/Tehran' }));
}

const LISTING_RULES = [rulesFor({ key: 'it', parserProfile: 'islamtimes' }), rulesFor({ key: 'gen', parserProfile: 'generic' })];

function discoverChecked(html: string, url: string, label: string): void {
  for (const rules of LISTING_RULES) {
    const t0 = performance.now();
    let links;
    try {
      links = discoverListingLinks(html, url, rules);
    } catch (err) {
      throw new Error(`${label}: discoverListingLinks threw ${(err as Error)?.message}`);
    }
    const ms = performance.now() - t0;
    if (ms > slowest.ms) slowest = { ms, what: `${label} / discover, ${html.length} chars` };
    if (ms > boundMs(html.length)) throw new Error(`${label}: discoverListingLinks took ${ms.toFixed(0)} ms for ${html.length} characters`);
    for (const u of [...links.articles, ...links.pages]) {
      if (typeof u !== 'string' || !/^https?:\/\/[^/]/.test(u) || u.length > 2048) throw new Error(`${label}: not a fetchable URL: ${String(u).slice(0, 100)}`);
    }
  }
}

// ---------------------------------------------------------------- input generators

/** Pieces that matter to HTML and to the parsers' own cues. */
const TOKENS = [
  '<', '>', '</', '/>', '<div>', '</div>', '<p>', '</p>', '<br>', '<table><tr><td>', '</td></tr></table>', '<li>', '<a href="/en/news/967483/x">',
  '<a href="javascript:alert(1)">', '</a>', '<script>', '</script>', '<style>', '<!--', '-->', '<![CDATA[', ']]>', '<!doctype html>', '<html>', '<body>',
  '<h1>', '</h1>', '<title>', '</title>', '<meta property="article:published_time" content="', '<base href="', '<link rel="next" href="?page=2">',
  '<script type="application/ld+json">{"@type":"NewsArticle","headline":"x","datePublished":"', '"}</script>', '&amp;', '&#0;', '&#xD800;', '&nbsp;',
  '"', "'", '=', '\u0000', '\ufeff', '\ud800', '\udfff', '\u202e', '\r', '\n', '\t', '\u00a0', 'Story Code : ', 'Story Code : 967483', 'Related Stories',
  'Featured Stories', 'Comment', 'Islam Times - ', 'date 2021-12-08 0', 'Wednesday 8 December 2021 - 11:05', '31 February 2021 - 25:61', '99999-99-99',
  '0000-00-00T00:00:00Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20', 'http://', 'https://[::1', 'data:text/html,x',
];
const token = fc.constantFrom(...TOKENS);
const junk = fc.oneof(token, fc.string({ unit: 'binary', maxLength: 16 }), fc.string({ unit: 'grapheme-ascii', maxLength: 24 }));
/** Random markup-ish text. */
const soup = fc.array(fc.oneof({ weight: 3, arbitrary: token }, { weight: 1, arbitrary: junk }), { maxLength: 400 }).map((a) => a.join(''));

type Mutation = { name: string; apply: (s: string) => string };
const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const at = (s: string, f: number) => Math.floor(f * (s.length + 1));
const span = (s: string, a: number, b: number) => {
  const i = at(s, Math.min(a, b));
  // At most a fifth of the page, so mutations do not just erase it.
  return [i, Math.min(s.length, i + Math.floor(Math.abs(b - a) * s.length * 0.2))] as const;
};
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(frac, junk).map(([f, t]) => ({ name: `insert ${JSON.stringify(t)}`, apply: (s: string) => s.slice(0, at(s, f)) + t + s.slice(at(s, f)) })),
  fc.tuple(frac, frac).map(([a, b]) => ({ name: 'delete a slice', apply: (s: string) => { const [i, j] = span(s, a, b); return s.slice(0, i) + s.slice(j); } })),
  fc.tuple(frac, frac).map(([a, b]) => ({ name: 'duplicate a slice', apply: (s: string) => { const [i, j] = span(s, a, b); return s.slice(0, j) + s.slice(i, j) + s.slice(j); } })),
  frac.map((f) => ({ name: 'truncate', apply: (s: string) => s.slice(0, at(s, f)) })),
  fc.tuple(frac, frac, fc.constantFrom(['<', '>'], ['>', '<'], ['"', ''], ['</', '<'], ['<', ''], ['\n', ''], [' ', '\u0000'])).map(([a, b, [x, y]]) => ({
    name: `replace ${JSON.stringify(x)} by ${JSON.stringify(y)} in a slice`,
    apply: (s: string) => { const [i, j] = span(s, a, b); return s.slice(0, i) + s.slice(i, j).split(x).join(y) + s.slice(j); },
  })),
  fc.tuple(frac, frac).map(([a, b]) => ({ name: 'upper-case a slice', apply: (s: string) => { const [i, j] = span(s, a, b); return s.slice(0, i) + s.slice(i, j).toUpperCase() + s.slice(j); } })),
  fc.tuple(frac, token, fc.integer({ min: 2, max: 400 })).map(([f, t, n]) => ({ name: `repeat ${JSON.stringify(t)} x${n}`, apply: (s: string) => s.slice(0, at(s, f)) + t.repeat(n) + s.slice(at(s, f)) })),
  fc.tuple(frac, frac, frac).map(([a, b, c]) => ({
    name: 'move a slice',
    apply: (s: string) => { const [i, j] = span(s, a, b); const rest = s.slice(0, i) + s.slice(j); const k = at(rest, c); return rest.slice(0, k) + s.slice(i, j) + rest.slice(k); },
  })),
);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 6 });
const mutate = (s: string, ms: Mutation[]) => ms.reduce((acc, m) => m.apply(acc), s);
const urlFor = (real: string) => fc.constantFrom<string | null>(real, real, null, 'not a url', 'http://[::1', 'https://example.com/en/news/12/x?a=%E0%A4%A');

// ---------------------------------------------------------------- properties

describe('parsers under fuzzing', () => {
  it('fixture article pages, mutated: an article or a ParseError, in time', () => {
    fc.assert(
      fc.property(fc.nat({ max: 23 }), mutations, fc.nat(), (i, ms, k) => {
        const page = fixtureArticles[i];
        const url = [page.url, null, 'not a url'][k % 3];
        parseAll(mutate(page.html, ms), url, `fixture article ${i} after ${ms.map((m) => m.name).join(', ')}`);
      }),
      params(60),
    );
  });

  it('an unmutated fixture article still parses to its story (the property checks real articles too)', () => {
    const a = parseChecked('fixture article 5', fixtureArticles[5].html.length, () => parsePage({ content: fixtureArticles[5].html, url: fixtureArticles[5].url }, { parserProfile: 'islamtimes', timezone: 'Asia/Tehran' }));
    expect(a).not.toBeInstanceOf(ParseError);
    expect((a as ParsedArticle).storyCode).toBe(site.storyCode(5));
  });

  it.skipIf(!datasetSample.length)(`extraction-dev pages (${datasetSample.length} of ${datasetFiles.length}, read in place), mutated`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...datasetSample), mutations, fc.nat(), (f, ms, k) => {
        const url = ['https://example.com/2017/05/12/some-story-title-here', null][k % 2];
        parseAll(mutate(readDataset(f), ms), url, `${f} after ${ms.map((m) => m.name).join(', ')}`);
      }),
      params(40),
    );
  });

  it('the saved text page, mutated: parseTextDump and parsePage give an article or a ParseError', () => {
    // Line-level mutations matter most to the text format: drop, repeat and swap lines too.
    const lineOps = fc.array(
      fc.tuple(fc.constantFrom('drop', 'repeat', 'swap', 'blank', 'trim'), fc.nat(), fc.nat()),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(lineOps, mutations, (ops, ms) => {
        const lines = SEED_TEXT.split('\n');
        for (const [op, a, b] of ops) {
          const i = a % lines.length;
          const j = b % lines.length;
          if (op === 'drop') lines.splice(i, 1);
          else if (op === 'repeat') lines.splice(i, 0, lines[i] ?? '');
          else if (op === 'swap') [lines[i], lines[j]] = [lines[j], lines[i]];
          else if (op === 'blank') lines[i] = '\u00a0';
          else lines[i] = (lines[i] ?? '').trim();
          if (!lines.length) lines.push('');
        }
        parseAll(mutate(lines.join('\n'), ms), null, `seed text after ${ops.map((o) => o[0]).join(', ')} / ${ms.map((m) => m.name).join(', ')}`);
      }),
      params(150),
    );
  });

  it('random text and markup soup: an article or a ParseError', () => {
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ unit: 'binary', maxLength: 2000 }), fc.string({ unit: 'grapheme', maxLength: 2000 })), urlFor('https://www.islamtimes.org/en/news/967483/x'), (s, url) => {
        parseAll(s, url, `random input ${JSON.stringify(s.slice(0, 60))}`);
      }),
      params(200),
    );
  });

  it('listing discovery on mutated listings, articles and dataset pages: fetchable URLs only, never a throw', () => {
    const pages = () => [...fixtureListings, ...fixtureArticles.slice(0, 4), ...datasetSample.slice(0, 10).map((f) => ({ html: readDataset(f), url: 'https://example.com/news/' }))];
    fc.assert(
      fc.property(fc.nat(), mutations, (k, ms) => {
        const all = pages();
        const p = all[k % all.length];
        discoverChecked(mutate(p.html, ms), p.url, `listing ${p.url} after ${ms.map((m) => m.name).join(', ')}`);
      }),
      params(80),
    );
    fc.assert(fc.property(soup, (s) => discoverChecked(s, 'https://example.com/en/archive?page=3', `soup ${JSON.stringify(s.slice(0, 60))}`)), params(150));
  });

  it('about 1 MB of page, mutated: every parser within 2 s', () => {
    const big = datasetFiles.includes('gtrends-165.html') ? readDataset('gtrends-165.html') : fixtureArticles.map((p) => p.html).join('\n');
    fc.assert(
      fc.property(mutations, (ms) => {
        const s = mutate(big, ms).slice(0, 1_100_000);
        parseAll(s, 'https://example.com/2017/05/12/some-story-title-here', `1 MB page after ${ms.map((m) => m.name).join(', ')}`);
        discoverChecked(s, 'https://example.com/news/', '1 MB page');
      }),
      params(4),
    );
  });

  it('1 MB of hostile shapes: flat, long, unclosed, deep within the limit', () => {
    const MB = 1_000_000;
    const shapes: [string, string][] = [
      ['bare paragraphs', '<p>para text here</p>'.repeat(MB / 21)],
      ['one long word', 'x'.repeat(MB)],
      ['only "<"', '<'.repeat(MB)],
      ['unclosed tag starts', '<a'.repeat(MB / 2)],
      ['one huge attribute', `<div title="${'a'.repeat(MB)}">x</div>`],
      ['many attributes', `<div ${'a="b" '.repeat(MB / 6)}>x</div>`],
      ['an unclosed comment', `<!--${'x'.repeat(MB)}`],
      ['a huge script', `<html><body><script>${'var a = "<div>";'.repeat(MB / 16)}</script><h1>T</h1><p>Story Code : 1</p></body></html>`],
      ['story code lines', 'Story Code : 1\n'.repeat(MB / 15)],
      ['related stories spam', `<h1>T</h1><div>Story Code : 5</div><p>${'word '.repeat(40)}</p>${'<h3>Related Stories</h3><a href="/en/news/1/x">x</a>'.repeat(MB / 60)}`],
      ['nested to the limit', `${'<div>'.repeat(MAX_HTML_DEPTH - 5)}<h1>Title</h1><p>Story Code : 77</p><p>${'word '.repeat(50)}</p>`],
      // table, tr and td: three open elements each
      ['nested tables to the limit', `${'<table><tr><td>'.repeat(MAX_HTML_DEPTH / 3 - 5)}<p>Story Code : 78</p>`],
    ];
    for (const [name, s] of shapes) {
      expect(() => parseLightDocument(s), name).not.toThrow();
      parseAll(s, 'https://www.islamtimes.org/en/news/967483/x', name);
      discoverChecked(s, 'https://www.islamtimes.org/en/archive?page=1', name);
    }
  });

  it('pages nested deeper than the limit are refused, in milliseconds (parsers would take minutes)', () => {
    for (const [name, s] of [
      ['200,000 nested <div>s', '<div>'.repeat(200_000)],
      ['60,000 nested tables', '<table><tr><td>'.repeat(60_000)],
      ['nesting in a real page', fixtureArticles[0].html.replace('<body', `${'<span>'.repeat(5000)}<body`)],
    ] as const) {
      const t0 = performance.now();
      expect(() => parseLightDocument(s), name).toThrow(NestingTooDeep);
      const links = discoverListingLinks(s, 'https://example.com/list', LISTING_RULES[0]);
      expect(links).toEqual({ articles: [], pages: [], ahead: [] });
      // every parser stops where the limit is crossed
      for (const profile of PROFILES) {
        let err: unknown;
        try {
          parsePage({ content: s, url: 'https://www.islamtimes.org/en/news/1/x' }, { parserProfile: profile });
        } catch (e) {
          err = e;
        }
        expect(err, `${name} / ${profile}`).toBeInstanceOf(ParseError);
        expect((err as ParseError).code).toBe('unsupported-content');
        expect((err as ParseError).message).toMatch(/nested more than 1000 deep/);
      }
      expect(performance.now() - t0, name).toBeLessThan(500);
    }
  });

  it.skipIf(!datasetFiles.length)('the depth limit refuses no real page (all of extraction-dev, the fixture site)', () => {
    let deepest = 0;
    for (const f of datasetFiles) deepest = Math.max(deepest, openElementsAtMost(readDataset(f)));
    for (const p of [...fixtureArticles, ...fixtureListings]) deepest = Math.max(deepest, openElementsAtMost(p.html));
    expect(deepest).toBeLessThan(MAX_HTML_DEPTH / 5);
  });
});

/** The most elements open at once while parsing `html` (its nesting depth, as the limit counts it). */
function openElementsAtMost(html: string): number {
  let deepest = 0;
  for (const el of parseLightDocument(html).elements) {
    let d = 1;
    for (let p = el.parent; p && p.type !== 'root'; p = p.parent) d++;
    deepest = Math.max(deepest, d);
  }
  return deepest;
}
