import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureSite, type FixtureSite } from './fixture-site/index.js';
import { parseIslamTimesHtml } from '../src/parse/profiles/islamtimes.js';
import { ParseError } from '../src/parse/types.js';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request without redirects or transparent decompression. */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const hrefs = (html: string): string[] => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

describe('fixture site server', () => {
  let site: FixtureSite;

  beforeAll(async () => {
    site = await createFixtureSite({
      articles: 200,
      pageSize: 20,
      errors: {
        '/gone': 410,
        '/missing': '404',
        '/broken': '500',
        '/flaky': '500-then-ok',
        '/busy': { kind: 'status', status: 429, retryAfter: 2, times: 2 },
        '/old-home': { kind: 'redirect', to: '/en/archive?page=2', status: 301 },
        '/loop': 'redirect-loop',
        '/reset': 'reset',
        '/hang': 'hang',
        '/slow': { kind: 'delay', ms: 120 },
      },
    });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('serves paged listings newest first whose next-page links reach every article once', async () => {
    const seen: string[] = [];
    let url: string | null = site.listingUrl(1);
    let pages = 0;
    while (url) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      pages++;
      const items = [...html.matchAll(/<h3><a href="([^"]+)">/g)].map((m) => m[1]);
      expect(items.length).toBeGreaterThan(0);
      for (const p of items) expect(hrefs(html)).toContain(p);
      seen.push(...items);
      const next = /<a href="([^"]+)" rel="next"/.exec(html);
      url = next ? new URL(next[1].replace(/&amp;/g, '&'), site.url).href : null;
    }
    expect(pages).toBe(10);
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
    expect(seen[0]).toBe(site.articlePath(199));
    expect(seen[199]).toBe(site.articlePath(0));
    expect((await fetch(`${site.url}/en/archive?page=11`)).status).toBe(404);
    expect((await fetch(`${site.url}/en/page/2`)).status).toBe(200);
    const home = await fetch(`${site.url}/`, { redirect: 'manual' });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/en');
  });

  it('serves article pages of realistic size, gzip when accepted, identical content either way', async () => {
    const plain = await raw(site.articleUrl(7));
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThanOrEqual(49_000);
    expect(plain.body.length).toBeLessThanOrEqual(81_000);
    const gz = await raw(site.articleUrl(7), { 'accept-encoding': 'gzip, deflate, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/i);
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const refused = await raw(site.articleUrl(7), { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    const head = await raw(site.articleUrl(7), {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const html = plain.body.toString('utf8');
    expect(html).toContain(`Story Code :`);
    expect(html).toContain('Featured Stories');
    expect(html).toContain(site.expected(7).printedDate);
    for (let i = 0; i < site.count; i++) {
      const n = Buffer.byteLength(site.articleHtml(i));
      expect(n).toBeGreaterThanOrEqual(49_000);
      expect(n).toBeLessThanOrEqual(81_000);
    }
  });

  it('redirects wrong slugs to the canonical URL and 404s unknown story codes', async () => {
    const code = site.storyCode(3);
    const r = await fetch(`${site.url}/en/news/${code}/wrong-slug`, { redirect: 'manual' });
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe(site.articlePath(3));
    const bare = await fetch(`${site.url}/en/news/${code}`);
    expect(bare.status).toBe(200);
    expect(bare.url).toBe(site.articleUrl(3));
    expect((await fetch(`${site.url}/en/news/123/x`)).status).toBe(404);
    expect((await fetch(`${site.url}/nothing/here`)).status).toBe(404);
  });

  it('answers conditional requests with 304 (ETag and Last-Modified)', async () => {
    const first = await raw(site.articleUrl(11));
    const etag = first.headers.etag!;
    const lm = first.headers['last-modified']!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(new Date(lm).getTime()).toBe(new Date(site.expected(11).publishedAt).getTime());
    const notMod = await raw(site.articleUrl(11), { 'if-none-match': etag });
    expect(notMod.status).toBe(304);
    expect(notMod.body.length).toBe(0);
    expect(notMod.headers.etag).toBe(etag);
    expect((await raw(site.articleUrl(11), { 'if-none-match': `W/${etag}, "other"` })).status).toBe(304);
    expect((await raw(site.articleUrl(11), { 'if-none-match': '"stale"' })).status).toBe(200);
    expect((await raw(site.articleUrl(11), { 'if-modified-since': lm })).status).toBe(304);
    expect((await raw(site.articleUrl(11), { 'if-modified-since': new Date(Date.parse(lm) - 1000).toUTCString() })).status).toBe(200);
    const gz = await raw(site.articleUrl(11), { 'accept-encoding': 'gzip' });
    expect(gz.headers.etag).toBe(etag);
    const list = await raw(site.listingUrl(2));
    expect((await raw(site.listingUrl(2), { 'if-none-match': list.headers.etag! })).status).toBe(304);
  });

  it('serves robots.txt, RSS and sitemaps', async () => {
    const robots = await (await fetch(site.robotsUrl)).text();
    expect(robots).toMatch(/User-agent: \*/);
    expect(robots).toMatch(/Disallow: \/private\//);
    expect(robots).toContain(`Sitemap: ${site.url}/sitemap.xml`);
    expect((await fetch(`${site.url}/private/admin`)).status).toBe(200);

    const rssRes = await fetch(site.rssUrl);
    expect(rssRes.headers.get('content-type')).toMatch(/rss\+xml/);
    const rss = await rssRes.text();
    const links = [...rss.matchAll(/<link>([^<]+)<\/link>/g)].map((m) => m[1]).slice(1);
    expect(links).toHaveLength(50);
    expect(links[0]).toBe(site.articleUrl(199));
    expect(links[49]).toBe(site.articleUrl(150));
    expect(rss).toContain(`<pubDate>${new Date(site.expected(199).publishedAt).toUTCString()}</pubDate>`);

    const index = await (await fetch(site.sitemapUrl)).text();
    const chunks = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(chunks).toEqual([`${site.url}/sitemaps/news-1.xml`]);
    const sm = await (await fetch(chunks[0])).text();
    const locs = [...sm.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(new Set(locs)).toEqual(new Set(Array.from({ length: 200 }, (_, i) => site.articleUrl(i))));
    expect(sm).toContain(`<news:publication_date>${site.expected(5).publishedLocalIso}</news:publication_date>`);
    expect((await fetch(`${site.url}/sitemaps/news-2.xml`)).status).toBe(404);
  });

  it('plays the configured error behaviours', async () => {
    expect((await fetch(`${site.url}/gone`)).status).toBe(410);
    expect((await fetch(`${site.url}/missing`)).status).toBe(404);
    expect((await fetch(`${site.url}/broken`)).status).toBe(500);
    expect((await fetch(`${site.url}/broken`)).status).toBe(500);
    expect((await fetch(`${site.url}/flaky`)).status).toBe(500);
    expect((await fetch(`${site.url}/flaky`)).status).toBe(404); // then the normal answer for that path
    const busy = await fetch(`${site.url}/busy`);
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('2');
    expect((await fetch(`${site.url}/busy`)).status).toBe(429);
    expect((await fetch(`${site.url}/busy`)).status).toBe(404);
    const moved = await fetch(`${site.url}/old-home`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/en/archive?page=2');
    expect((await fetch(`${site.url}/old-home`)).url).toBe(site.listingUrl(2));
    const l1 = await fetch(`${site.url}/loop`, { redirect: 'manual' });
    expect(l1.headers.get('location')).toBe('/loop?loop=1');
    const l2 = await fetch(`${site.url}/loop?loop=1`, { redirect: 'manual' });
    expect(l2.headers.get('location')).toBe('/loop');
    await expect(fetch(`${site.url}/loop`)).rejects.toThrow();
    await expect(raw(`${site.url}/reset`)).rejects.toThrow();
    await expect(fetch(`${site.url}/hang`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    const t0 = Date.now();
    expect((await fetch(`${site.url}/slow`)).status).toBe(404);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);

    // errors can be changed at run time, e.g. to break an article page
    site.setError(site.articlePath(4), '500-then-ok');
    expect((await fetch(site.articleUrl(4))).status).toBe(500);
    expect((await fetch(site.articleUrl(4))).status).toBe(200);
    site.setError(site.articlePath(4), null);
  });

  it('counts requests, statuses, bytes and server CPU', async () => {
    site.stats.reset();
    await (await fetch(site.articleUrl(20))).arrayBuffer();
    await (await fetch(site.articleUrl(20))).arrayBuffer();
    await (await fetch(`${site.url}/gone`)).arrayBuffer();
    const s = site.stats;
    expect(s.requests).toBe(3);
    expect(s.count(site.articlePath(20))).toBe(2);
    expect(s.byStatus[200]).toBe(2);
    expect(s.byStatus[410]).toBe(1);
    expect(s.gzipResponses).toBe(2); // fetch asks for gzip
    expect(s.bytesSent).toBeGreaterThan(10_000);
    expect(s.cpuMicros).toBeGreaterThanOrEqual(0);
    expect(s.handlerMs).toBeGreaterThan(0);
    expect(s.log.map((e) => e.path)).toEqual([site.articlePath(20), site.articlePath(20), '/gone']);
    expect(s.log[0].userAgent).toBeTruthy();
    expect(s.lazyRenders).toBe(0); // everything pre-rendered
  });

  it('parses every article page into exactly its ground truth', async () => {
    for (let i = 0; i < site.count; i++) {
      const url = site.articleUrl(i);
      const html = await (await fetch(url)).text();
      const a = parseIslamTimesHtml(html, { url });
      const e = site.expected(i);
      const got = {
        storyCode: a.storyCode, title: a.title, publishedAt: a.publishedAt?.toISOString(), body: a.body, related: a.related,
        featured: a.featured, lead: a.lead, tags: a.tags, imageUrl: a.imageUrl, language: a.language, url: a.url,
      };
      const want = {
        storyCode: e.storyCode, title: e.title, publishedAt: e.publishedAt, body: e.body, related: e.related,
        featured: e.featured, lead: e.lead, tags: e.tags, imageUrl: e.imageUrl, language: e.language, url: e.url,
      };
      expect(got, `article ${i} (${e.variant})`).toEqual(want);
      expect(a.warnings, `article ${i}`).toEqual([]);
      expect(a.origins.publishedAt).toBe(e.hasJsonLd ? 'jsonld' : 'dom');
    }
    // all four layouts were exercised
    expect(new Set(Array.from({ length: site.count }, (_, i) => site.expected(i).variant))).toEqual(new Set(['div', 'br', 'table', 'article']));
  });

  it('parses listing pages as not-article', async () => {
    const html = await (await fetch(site.listingUrl(3))).text();
    expect(() => parseIslamTimesHtml(html, { url: site.listingUrl(3) })).toThrow(ParseError);
    try {
      parseIslamTimesHtml(html, { url: site.listingUrl(3) });
    } catch (e) {
      expect((e as ParseError).code).toBe('not-article');
    }
  });

  it('generates distinct, non-sequential story codes, varied titles and linked stories', () => {
    const codes = Array.from({ length: site.count }, (_, i) => Number(site.storyCode(i)));
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.some((c, i) => i > 0 && c - codes[i - 1] !== 7)).toBe(true);
    expect(codes.every((c, i) => i === 0 || c > codes[i - 1])).toBe(true);
    expect(site.indexOfStoryCode(codes[42])).toBe(42);
    const titles = new Set(Array.from({ length: site.count }, (_, i) => site.expected(i).title));
    expect(titles.size).toBeGreaterThan(190);
    const e = site.expected(150);
    expect(e.featured.length).toBe(13);
    expect(e.featured[0].date).toBeNull();
    expect(e.featured.slice(1).every((f) => /^\d{4}-\d{2}-\d{2}$/.test(f.date!))).toBe(true);
    const bodies = Array.from({ length: 50 }, (_, i) => site.expected(i).body.join(' '));
    expect(new Set(bodies).size).toBe(50);
    expect(e.publishedLocalIso).toMatch(/\+03:30$/);
  });
});

describe('fixture site lifecycle', () => {
  it('adds articles between crawls without changing existing pages', async () => {
    const site = await createFixtureSite({ articles: 30, pageSize: 10 });
    try {
      const oldPage = await raw(site.articleUrl(29));
      const oldRss = await raw(site.rssUrl);
      const list1 = await (await fetch(site.listingUrl(1))).text();
      const added = site.addArticles(5);
      expect(added).toEqual([30, 31, 32, 33, 34]);
      expect(site.count).toBe(35);
      expect(site.pageCount).toBe(4);
      const list1b = await (await fetch(site.listingUrl(1))).text();
      expect(list1b).not.toBe(list1);
      expect(list1b.indexOf(site.articlePath(34))).toBeGreaterThan(0);
      expect((await raw(site.rssUrl, { 'if-none-match': oldRss.headers.etag! })).status).toBe(200);
      expect((await raw(site.articleUrl(29), { 'if-none-match': oldPage.headers.etag! })).status).toBe(304);
      const a = parseIslamTimesHtml(await (await fetch(site.articleUrl(34))).text(), { url: site.articleUrl(34) });
      expect(a.storyCode).toBe(site.expected(34).storyCode);
      expect(new Date(site.expected(34).publishedAt).getTime()).toBeGreaterThan(new Date(site.expected(29).publishedAt).getTime());
    } finally {
      await site.close();
    }
  });

  it('is deterministic per seed and honours latency, robots and gzip options', async () => {
    const a = await createFixtureSite({ articles: 12, seed: 7, prerender: false, latencyMs: 60, gzip: false, robotsTxt: null });
    const b = await createFixtureSite({ articles: 12, seed: 7, targetPageBytes: 0 });
    const c = await createFixtureSite({ articles: 12, seed: 8 });
    try {
      for (let i = 0; i < 12; i++) {
        expect(JSON.stringify(a.expected(i)).replaceAll(a.url, '')).toBe(JSON.stringify(b.expected(i)).replaceAll(b.url, ''));
      }
      expect(stripBase(a.articleHtml(5), a.url)).toBe(await createSiteHtml(7, 5));
      expect(c.expected(3).title).not.toBe(a.expected(3).title);
      const t0 = Date.now();
      const r = await raw(a.articleUrl(2), { 'accept-encoding': 'gzip' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(a.stats.lazyRenders).toBeGreaterThan(0);
      expect((await fetch(a.robotsUrl)).status).toBe(404);
      expect(Buffer.byteLength(b.articleHtml(1))).toBeLessThan(40_000);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('writes +04:30 offsets in Tehran summer time (2022) and still parses exactly', async () => {
    const site = await createFixtureSite({ articles: 40, startDate: '2022-03-15T09:00:00+03:30', gapMinutes: [600, 900] });
    try {
      const offsets = new Set<string>();
      for (let i = 0; i < site.count; i++) {
        const e = site.expected(i);
        offsets.add(e.publishedLocalIso.slice(-6));
        const a = parseIslamTimesHtml(site.articleHtml(i), { url: site.articleUrl(i) });
        expect(a.publishedAt?.toISOString(), `article ${i} ${e.variant}`).toBe(e.publishedAt);
        expect(a.featured).toEqual(e.featured);
      }
      expect(offsets).toEqual(new Set(['+03:30', '+04:30']));
    } finally {
      await site.close();
    }
  });
});

async function createSiteHtml(seed: number, i: number): Promise<string> {
  const s = await createFixtureSite({ articles: 12, seed, prerender: false });
  try {
    return stripBase(s.articleHtml(i), s.url);
  } finally {
    await s.close();
  }
}

function stripBase(html: string, base: string): string {
  return html.replaceAll(base, '').replaceAll(encodeURIComponent(base), '');
}
