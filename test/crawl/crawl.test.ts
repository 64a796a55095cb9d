// The fetch path end to end against the fixture site: listing -> articles -> Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { startWorkers, type WorkerSet } from '../../src/runtime/workers.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { crawl, fixtureSource } from '../helpers/crawl.js';
import { decompressContent } from '../../src/store/pages.js';

const N = 300;
let ctx: AppContext;
let workers: WorkerSet;
let site: FixtureSite;

beforeAll(async () => {
  site = await createFixtureSite({ articles: N, pageSize: 20 });
  ctx = await testContext({ NEWSPIPE_FETCH_CONCURRENCY: '16', NEWSPIPE_PARSE_CONCURRENCY: '4', NEWSPIPE_RETRY_BASE_MS: '20', NEWSPIPE_FETCH_ATTEMPTS: '3' });
  await fixtureSource(ctx, site, 'fixture');
  workers = startWorkers(ctx);
});

afterAll(async () => {
  await workers?.close();
  await disposeContext(ctx);
  await site?.close();
});

describe('crawling a site from its first listing page', () => {
  it(`ingests all ${N} articles with correct fields, each fetched once`, async () => {
    const counts = await crawl(ctx, [site.listingUrl(1)], { maxDepth: 2 }, 'fixture');
    expect(counts.failed).toBe(0);
    expect(counts.new).toBe(N);
    expect(await ctx.db.article.count({ where: { source: { key: 'fixture' } } })).toBe(N);

    const rows = await ctx.db.article.findMany({ where: { source: { key: 'fixture' } }, include: { links: { orderBy: [{ kind: 'asc' }, { position: 'asc' }] } } });
    const byCode = new Map(rows.map((r) => [r.storyCode, r]));
    for (let i = 0; i < N; i++) {
      const want = site.expected(i);
      const got = byCode.get(want.storyCode);
      expect(got, `article ${i}`).toBeDefined();
      expect(got!.title).toBe(want.title);
      expect(got!.publishedAt?.toISOString()).toBe(want.publishedAt);
      expect(got!.body).toBe(want.body.join('\n\n'));
      expect(got!.tags).toEqual(want.tags);
      expect(got!.imageUrl).toBe(want.imageUrl);
      expect(got!.links.filter((l) => l.kind === 'related').map((l) => l.url)).toEqual(want.related.map((r) => r.url));
      expect(got!.links.filter((l) => l.kind === 'featured').map((l) => l.url)).toEqual(want.featured.map((r) => r.url));
    }
    // Each article page was requested exactly once, though many pages link to it.
    for (let i = 0; i < N; i++) expect(site.stats.count(site.articlePath(i)), site.articlePath(i)).toBe(1);
    const pages = await ctx.db.page.count({ where: { source: { key: 'fixture' }, outcome: { in: ['new'] } } });
    expect(pages).toBe(N);
    // The site serves gzip: the archive keeps the bytes as they came, and they decode to the page.
    const archived = await ctx.db.page.findMany({ where: { source: { key: 'fixture' }, outcome: 'new' }, include: { content: true }, take: 20 });
    for (const p of archived) {
      expect(p.content?.encoding, p.url!).toBe('gzip');
      const html = (await decompressContent(p.content!.encoding, p.content!.data)).toString('utf8');
      expect(html, p.url!).toBe(site.articleHtml(site.indexOfStoryCode(/\/news\/(\d+)/.exec(p.url!)![1])!));
    }
  });

  it('a second crawl fetches no known story again', async () => {
    site.stats.reset();
    const counts = await crawl(ctx, [site.listingUrl(1)], { maxDepth: 2 }, 'fixture');
    expect(counts.new).toBe(0);
    expect(counts.failed).toBe(0);
    const articleRequests = Object.keys(site.stats.byPath).filter((p) => p.includes('/en/news/'));
    expect(articleRequests).toEqual([]);
    expect(await ctx.db.article.count({ where: { source: { key: 'fixture' } } })).toBe(N);
  });

  it('new articles published between crawls are picked up, and only they are fetched', async () => {
    const added = site.addArticles(5);
    site.stats.reset();
    const counts = await crawl(ctx, [site.listingUrl(1)], { maxDepth: 2 }, 'fixture');
    expect(counts.new).toBe(5);
    const fetchedArticles = Object.keys(site.stats.byPath).filter((p) => p.includes('/en/news/')).sort();
    expect(fetchedArticles).toEqual(added.map((i) => site.articlePath(i)).sort());
  });

  it('--refresh fetches known stories again and finds them unchanged', async () => {
    site.stats.reset();
    const url = site.articleUrl(7);
    const counts = await crawl(ctx, [url], { maxDepth: 0, refresh: true }, 'fixture');
    expect(counts).toMatchObject({ fetched: 1, unchanged: 1, new: 0 });
    expect(site.stats.count(site.articlePath(7))).toBe(1);
  });

  it('the same URL enqueued twice at once is fetched once', async () => {
    site.stats.reset();
    const url = site.articleUrl(11);
    const [a, b] = await Promise.all([
      crawl(ctx, [url], { maxDepth: 0, refresh: true }, 'fixture'),
      crawl(ctx, [`${url}?utm_source=x#top`], { maxDepth: 0, refresh: true }, 'fixture'),
    ]);
    expect(a.fetched + b.fetched).toBe(1);
    expect(site.stats.count(site.articlePath(11))).toBe(1);
  });
});
