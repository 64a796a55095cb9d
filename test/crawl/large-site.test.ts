// The "done when": a 2,000-page site crawled from its first listing page.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { startWorkers, type WorkerSet } from '../../src/runtime/workers.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { crawl, fixtureSource } from '../helpers/crawl.js';

const N = 2000;
let ctx: AppContext;
let workers: WorkerSet;
let site: FixtureSite;

beforeAll(async () => {
  site = await createFixtureSite({ articles: N, pageSize: 25 });
  ctx = await testContext({ NEWSPIPE_FETCH_CONCURRENCY: '16', NEWSPIPE_PARSE_CONCURRENCY: '8', NEWSPIPE_DB_POOL_SIZE: '10' });
  await fixtureSource(ctx, site, 'large', { maxConcurrent: 16, minDelayMs: 0 });
  workers = startWorkers(ctx);
}, 120_000);

afterAll(async () => {
  await workers?.close();
  await disposeContext(ctx);
  await site?.close();
});

it(`crawls ${N} articles exactly once with correct story codes, titles, dates and bodies; a re-crawl fetches none`, async () => {
  const first = await crawl(ctx, [site.listingUrl(1)], { maxDepth: 2 }, 'large');
  expect(first.failed).toBe(0);
  expect(first.new).toBe(N);
  const rows = await ctx.db.article.findMany({ where: { source: { key: 'large' } }, select: { storyCode: true, title: true, publishedAt: true, body: true } });
  expect(rows).toHaveLength(N);
  const byCode = new Map(rows.map((r) => [r.storyCode, r]));
  let wrong = 0;
  for (let i = 0; i < N; i++) {
    const want = site.expected(i);
    const got = byCode.get(want.storyCode);
    if (!got || got.title !== want.title || got.publishedAt?.toISOString() !== want.publishedAt || got.body !== want.body.join('\n\n')) wrong++;
  }
  expect(wrong).toBe(0);
  const fetchedTwice = Object.entries(site.stats.byPath).filter(([p, n]) => p.includes('/en/news/') && n > 1);
  expect(fetchedTwice).toEqual([]);

  site.stats.reset();
  const second = await crawl(ctx, [site.listingUrl(1)], { maxDepth: 2 }, 'large');
  expect(second.new + second.failed).toBe(0);
  expect(Object.keys(site.stats.byPath).filter((p) => p.includes('/en/news/'))).toEqual([]);
}, 600_000);
