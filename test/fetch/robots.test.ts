import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, createRobotsCache, type HttpClient } from '../../src/fetch/index.js';
import { deleteByPrefix, rejectionOf, startServer, type TestServer } from './helpers.js';

const ROBOTS = `
# comment
User-agent: *
Disallow: /private
Crawl-delay: 9

User-agent: TestBot
Disallow: /secret
Allow: /secret/public-
Crawl-delay: 2
Sitemap: https://example.com/sitemap.xml
`;

interface Site {
  server: TestServer;
  robotsHits: () => number;
  setRobots: (status: number, body?: string) => void;
}

async function site(initialStatus = 200, initialBody = ROBOTS): Promise<Site> {
  let status = initialStatus;
  let body = initialBody;
  let hits = 0;
  const server = await startServer((req, res) => {
    if (req.url === '/robots.txt') {
      hits++;
      res.writeHead(status, { 'content-type': 'text/plain' });
      return res.end(status === 200 ? body : 'error');
    }
    if (req.url === '/go-secret') {
      res.writeHead(302, { location: '/secret/x' });
      return res.end();
    }
    if (req.url === '/robots-loop') {
      res.writeHead(301, { location: '/robots-loop' });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<p>page</p>');
  });
  return {
    server,
    robotsHits: () => hits,
    setRobots: (s, b) => {
      status = s;
      if (b !== undefined) body = b;
    },
  };
}

let http: HttpClient;
let redis: Redis;
const prefix = `test:fetch:${randomBytes(6).toString('hex')}:robots:`;
const sites: Site[] = [];
const newSite = async (status?: number, body?: string) => {
  const s = await site(status, body);
  sites.push(s);
  return s;
};

beforeAll(() => {
  http = createHttpClient({ allowPrivate: true });
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false, maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  await redis.quit();
  await http.close();
  await Promise.all(sites.map((s) => s.server.close()));
});

const fetchText = (u: string) => http.fetchText(u);

describe('robots cache', () => {
  it('honours Disallow/Allow for our group and reads its Crawl-delay', async () => {
    const s = await newSite();
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot/1.0 (+https://example.com/bot)' });
    const o = s.server.origin;
    expect(await robots.isAllowed(`${o}/secret/page`)).toBe(false);
    expect(await robots.isAllowed(`${o}/secret/public-page`)).toBe(true);
    expect(await robots.isAllowed(`${o}/private/page`)).toBe(true); // '*' group does not apply to us
    expect(await robots.isAllowed(`${o}/news/1`)).toBe(true);
    expect(await robots.crawlDelayMs(`${o}/`)).toBe(2000);
    expect((await robots.info(o)).sitemaps).toEqual(['https://example.com/sitemap.xml']);

    const other = createRobotsCache({ fetchText, userAgent: 'OtherBot' });
    expect(await other.isAllowed(`${o}/private/x`)).toBe(false);
    expect(await other.crawlDelayMs(`${o}/`)).toBe(9000);
  });

  it('fetches robots.txt once per origin, even for concurrent checks', async () => {
    const s = await newSite();
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => robots.isAllowed(`${s.server.origin}/a/${i}`)));
    expect(results.every(Boolean)).toBe(true);
    await robots.isAllowed(`${s.server.origin}/secret`);
    await robots.crawlDelayMs(`${s.server.origin}/x`);
    expect(s.robotsHits()).toBe(1);
  });

  it('refetches after the TTL', async () => {
    const s = await newSite();
    let now = 1_000_000;
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot', ttlMs: 60_000, now: () => now });
    await robots.isAllowed(`${s.server.origin}/`);
    now += 59_000;
    await robots.isAllowed(`${s.server.origin}/`);
    expect(s.robotsHits()).toBe(1);
    now += 2_000;
    s.setRobots(200, 'User-agent: *\nDisallow: /');
    expect(await robots.isAllowed(`${s.server.origin}/`)).toBe(false);
    expect(s.robotsHits()).toBe(2);
  });

  it('4xx -> allow all; redirect loop -> allow all', async () => {
    const s = await newSite(404);
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot' });
    expect(await robots.check(`${s.server.origin}/anything`)).toMatchObject({ allowed: true, status: 'allow-all' });

    const loopy = createRobotsCache({
      fetchText: (u) => http.fetchText(u.replace('/robots.txt', '/robots-loop')),
      userAgent: 'TestBot',
    });
    expect(await loopy.check(`${s.server.origin}/x`)).toMatchObject({ allowed: true, status: 'allow-all' });
  });

  it('5xx / network error -> temporarily disallowed, re-checked after unavailableTtlMs', async () => {
    const s = await newSite(503);
    let now = 5_000_000;
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot', unavailableTtlMs: 30_000, now: () => now });
    expect(await robots.check(`${s.server.origin}/x`)).toEqual({ allowed: false, temporary: true, status: 'unavailable', cause: '503' });
    now += 10_000;
    await robots.check(`${s.server.origin}/x`);
    expect(s.robotsHits()).toBe(1);
    now += 25_000;
    s.setRobots(200);
    expect(await robots.check(`${s.server.origin}/x`)).toMatchObject({ allowed: true, temporary: false });
    expect(s.robotsHits()).toBe(2);

    const down = await startServer(() => {});
    const port = down.port;
    await down.close();
    const r2 = createRobotsCache({ fetchText, userAgent: 'TestBot' });
    expect(await r2.check(`http://127.0.0.1:${port}/x`)).toMatchObject({ allowed: false, temporary: true, cause: expect.stringMatching(/^connect: .*ECONNREFUSED/) });
  });

  it('the page reports why robots.txt could not be had: the network error itself, or the HTTP status', async () => {
    const down = await startServer(() => {});
    const port = down.port;
    await down.close();
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot' });
    const client = createHttpClient({ allowPrivate: true, robots, userAgent: 'TestBot/1.0', connectTimeoutMs: 2000 });
    const s = await newSite(503);
    try {
      const refused = await rejectionOf(client.fetchPage(`http://127.0.0.1:${port}/news`));
      expect(refused.code).toBe('connect');
      expect(refused.retryable).toBe(true);
      expect(refused.message).toMatch(new RegExp(`ECONNREFUSED.*\\(asking for robots\\.txt before http://127\\.0\\.0\\.1:${port}/news\\)`));
      const busy = await rejectionOf(client.fetchPage(`${s.server.origin}/news`));
      expect(busy.code).toBe('robots-disallowed');
      expect(busy.retryable).toBe(true);
      expect(busy.message).toBe(`robots.txt for ${s.server.origin} answered HTTP 503; treating as disallowed for now`);
    } finally {
      await client.close();
    }
  });

  it('keeps using a stale good copy when the re-fetch fails', async () => {
    const s = await newSite();
    let now = 9_000_000;
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot', ttlMs: 1000, now: () => now });
    expect(await robots.isAllowed(`${s.server.origin}/secret`)).toBe(false);
    s.setRobots(500);
    now += 5000;
    expect(await robots.check(`${s.server.origin}/news`)).toMatchObject({ allowed: true, temporary: false, crawlDelayMs: 2000 });
    expect(await robots.isAllowed(`${s.server.origin}/secret`)).toBe(false);
    expect(s.robotsHits()).toBe(2);
  });

  it('clamps absurd Crawl-delay values', async () => {
    const s = await newSite(200, 'User-agent: *\nCrawl-delay: 86400');
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot', maxCrawlDelayMs: 30_000 });
    expect(await robots.crawlDelayMs(`${s.server.origin}/`)).toBe(30_000);
  });

  it('shares one fetch across processes through Redis', async () => {
    const s = await newSite();
    const other = new Redis({ host: '127.0.0.1', port: 6379 });
    try {
      const a = createRobotsCache({ fetchText, userAgent: 'TestBot', redis, prefix });
      const b = createRobotsCache({ fetchText, userAgent: 'TestBot', redis: other, prefix });
      expect(await a.isAllowed(`${s.server.origin}/secret`)).toBe(false);
      expect(await b.isAllowed(`${s.server.origin}/secret`)).toBe(false);
      expect(await b.crawlDelayMs(`${s.server.origin}/`)).toBe(2000);
      expect(s.robotsHits()).toBe(1);
      const ttl = await redis.pttl(`${prefix}${s.server.origin}`);
      expect(ttl).toBeGreaterThan(3600_000); // kept past freshness as a stale fallback
      await b.invalidate(`${s.server.origin}/`);
      expect(await redis.exists(`${prefix}${s.server.origin}`)).toBe(0);
    } finally {
      await other.quit();
    }
  });
});

describe('robots gate in the http client', () => {
  it('disallowed -> robots-disallowed (not retryable), also on a redirect hop', async () => {
    const s = await newSite();
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot' });
    const client = createHttpClient({ allowPrivate: true, robots, userAgent: 'TestBot/1.0' });
    try {
      expect((await client.fetchPage(`${s.server.origin}/news`)).kind).toBe('ok');
      const err = await rejectionOf(client.fetchPage(`${s.server.origin}/secret/x`));
      expect(err.code).toBe('robots-disallowed');
      expect(err.retryable).toBe(false);
      const viaRedirect = await rejectionOf(client.fetchPage(`${s.server.origin}/go-secret`));
      expect(viaRedirect.code).toBe('robots-disallowed');
      expect(viaRedirect.url).toBe(`${s.server.origin}/secret/x`);
      // The disallowed URL was never requested.
      expect(s.server.requests.filter((r) => r.startsWith('/secret'))).toEqual([]);
      expect(s.robotsHits()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('robots.txt unavailable -> robots-disallowed, retryable', async () => {
    const s = await newSite(500);
    const robots = createRobotsCache({ fetchText, userAgent: 'TestBot' });
    const client = createHttpClient({ allowPrivate: true, robots });
    try {
      const err = await rejectionOf(client.fetchPage(`${s.server.origin}/news`));
      expect(err.code).toBe('robots-disallowed');
      expect(err.retryable).toBe(true);
    } finally {
      await client.close();
    }
  });
});
