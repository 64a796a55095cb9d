// A run walks its source's entry points (paginated listings, RSS, sitemap index -> news
// sitemaps), fetches only stories it does not have, stops paginating at a page of known stories,
// and costs only conditional GETs (304) when nothing changed. Its CrawlRun row has the counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { startWorkers, type WorkerSet } from '../../src/runtime/workers.js';
import { runNow } from '../../src/schedule/service.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { declare, fixtureDef, runEnded, storyRequests } from './helpers.js';

let ctx: AppContext;
let workers: WorkerSet;
const sites: FixtureSite[] = [];
const newSite = async (opts: Parameters<typeof createFixtureSite>[0]) => {
  const s = await createFixtureSite({ targetPageBytes: 0, ...opts });
  sites.push(s);
  return s;
};

beforeAll(async () => {
  ctx = await testContext({ NEWSPIPE_FETCH_CONCURRENCY: '16', NEWSPIPE_PARSE_CONCURRENCY: '4', NEWSPIPE_RETRY_BASE_MS: '20', NEWSPIPE_FETCH_ATTEMPTS: '2' });
  workers = startWorkers(ctx);
});

afterAll(async () => {
  await workers?.close();
  await disposeContext(ctx);
  await Promise.all(sites.map((s) => s.close()));
});

const run = async (key: string) => runEnded(ctx, (await runNow(ctx, key, 'manual')).runId);

describe('paginated listing', () => {
  let site: FixtureSite;
  const KEY = 'sched-listing';

  it('the first run ingests every story the pages list, and records the counts', async () => {
    site = await newSite({ articles: 40, pageSize: 10 });
    await declare(ctx, fixtureDef(site, KEY, { entryPoints: [{ type: 'listing', url: site.listingUrl(1) }] }));
    const r = await run(KEY);
    expect(r).toMatchObject({ status: 'finished', trigger: 'manual', discovered: 40, new: 40, updated: 0, unchanged: 0, failed: 0, rechecked: 0, error: null });
    expect(r.listings).toBe(4);
    expect(r.fetched).toBe(44);
    expect(r.finishedAt!.getTime()).toBeGreaterThanOrEqual(r.startedAt.getTime());
    expect(await ctx.db.article.count({ where: { source: { key: KEY } } })).toBe(40);
    for (let i = 0; i < 40; i++) expect(site.stats.count(site.articlePath(i))).toBe(1);
  });

  it('stories added between runs are ingested by the next run; nothing else is fetched again; pagination stops at known stories', async () => {
    const added = site.addArticles(3);
    site.stats.reset();
    const r = await run(KEY);
    expect(r).toMatchObject({ status: 'finished', new: 3, failed: 0, updated: 0 });
    expect(storyRequests(site)).toEqual(added.map((i) => site.articlePath(i)).sort());
    // Page 1 shows the 3 new stories; page 2 only known ones: the walk stops there.
    expect(site.stats.count(site.listingUrl(1).replace(site.url, ''))).toBe(1);
    expect(site.stats.count(site.listingUrl(2).replace(site.url, ''))).toBe(1);
    expect(site.stats.count('/en/archive', true)).toBe(2);
    expect(r.discovered).toBe(20);
    expect(r.known).toBeGreaterThanOrEqual(17);
    expect(await ctx.db.article.count({ where: { source: { key: KEY } } })).toBe(43);
  });

  it('a run that finds nothing new costs one conditional GET', async () => {
    site.stats.reset();
    const r = await run(KEY);
    expect(r).toMatchObject({ status: 'finished', new: 0, updated: 0, failed: 0, fetched: 0, notModified: 1, listings: 1, discovered: 0 });
    expect(site.stats.count('/en/archive', true)).toBe(1);
    expect(site.stats.notModified).toBe(1);
    expect(storyRequests(site)).toEqual([]);
  });

  it('maxPages bounds the walk of a listing', async () => {
    const s2 = await newSite({ articles: 50, pageSize: 10 });
    const key = 'sched-listing-max';
    await declare(ctx, fixtureDef(s2, key, { entryPoints: [{ type: 'listing', url: s2.listingUrl(1), maxPages: 2 }] }));
    const r = await run(key);
    expect(r).toMatchObject({ status: 'finished', new: 20, listings: 2, failed: 0 });
    expect(s2.stats.count('/en/archive', true)).toBe(2);
  });
});

describe('RSS feed', () => {
  it('feed items are the stories; a new item is fetched, an unchanged feed is a 304', async () => {
    const site = await newSite({ articles: 30, rssSize: 10 });
    const KEY = 'sched-rss';
    await declare(ctx, fixtureDef(site, KEY, { entryPoints: [{ type: 'rss', url: site.rssUrl }] }));
    const first = await run(KEY);
    expect(first).toMatchObject({ status: 'finished', discovered: 10, new: 10, failed: 0, listings: 1 });
    const newest = Array.from({ length: 10 }, (_, k) => site.articlePath(29 - k)).sort();
    expect(storyRequests(site)).toEqual(newest);

    const added = site.addArticles(2);
    site.stats.reset();
    const second = await run(KEY);
    expect(second).toMatchObject({ status: 'finished', discovered: 10, new: 2, known: 8, failed: 0 });
    expect(storyRequests(site)).toEqual(added.map((i) => site.articlePath(i)).sort());
    expect(site.stats.count('/rss.xml')).toBe(1);

    site.stats.reset();
    const third = await run(KEY);
    expect(third).toMatchObject({ status: 'finished', new: 0, fetched: 0, notModified: 1 });
    expect(site.stats.log.map((e) => [e.path, e.status])).toEqual([['/rss.xml', 304]]);
  });
});

describe('sitemap index with news sitemaps', () => {
  it('reads the index, then each child sitemap; later runs re-read only the sitemaps that changed', async () => {
    const site = await newSite({ articles: 30, sitemapSize: 10 });
    const KEY = 'sched-sitemap';
    await declare(ctx, fixtureDef(site, KEY, { entryPoints: [{ type: 'sitemap', url: site.sitemapUrl }] }));
    const first = await run(KEY);
    expect(first).toMatchObject({ status: 'finished', discovered: 30, new: 30, failed: 0, listings: 4 });
    for (const k of [1, 2, 3]) expect(site.stats.count(`/sitemaps/news-${k}.xml`)).toBe(1);

    const added = site.addArticles(2); // a fourth news sitemap appears; the older three do not change
    site.stats.reset();
    const second = await run(KEY);
    expect(second).toMatchObject({ status: 'finished', new: 2, failed: 0 });
    expect(storyRequests(site)).toEqual(added.map((i) => site.articlePath(i)).sort());
    const byPath = Object.fromEntries(site.stats.log.map((e) => [e.path, e.status]));
    expect(byPath).toMatchObject({ '/sitemap.xml': 200, '/sitemaps/news-4.xml': 200, '/sitemaps/news-1.xml': 304, '/sitemaps/news-2.xml': 304, '/sitemaps/news-3.xml': 304 });
  });
});

describe('several entry points', () => {
  it('a story listed by the listing, the feed and the sitemap is fetched once', async () => {
    const site = await newSite({ articles: 25, pageSize: 10, rssSize: 10, sitemapSize: 100 });
    const KEY = 'sched-all';
    await declare(ctx, fixtureDef(site, KEY, {
      entryPoints: [
        { type: 'listing', url: site.listingUrl(1) },
        { type: 'rss', url: site.rssUrl },
        { type: 'sitemap', url: site.sitemapUrl },
      ],
    }));
    const r = await run(KEY);
    expect(r).toMatchObject({ status: 'finished', discovered: 25, new: 25, failed: 0 });
    for (let i = 0; i < 25; i++) expect(site.stats.count(site.articlePath(i))).toBe(1);
  });
});

describe('a source that cannot be reached', () => {
  it('ends as a failed run with the reason', async () => {
    const site = await newSite({ articles: 5 });
    const KEY = 'sched-down';
    site.setError('/rss.xml', 404);
    await declare(ctx, fixtureDef(site, KEY, { entryPoints: [{ type: 'rss', url: site.rssUrl }] }));
    const r = await run(KEY);
    expect(r.status).toBe('failed');
    expect(r.failed).toBe(1);
    expect(r.error).toMatch(/nothing could be fetched.*404/);
  });
});
