// robots.txt and per-host limits, measured at the fixture server.
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { startWorkers, type WorkerSet } from '../../src/runtime/workers.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { crawl, fixtureSource } from '../helpers/crawl.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function setup(siteOpts: Parameters<typeof createFixtureSite>[0], politeness: { maxConcurrent: number; minDelayMs: number }, workerSets = 1) {
  const site = await createFixtureSite({ targetPageBytes: 0, ...siteOpts });
  const ctx = await testContext({ NEWSPIPE_FETCH_CONCURRENCY: '8', NEWSPIPE_RETRY_BASE_MS: '20', NEWSPIPE_FETCH_ATTEMPTS: '3' });
  await fixtureSource(ctx, site, `polite-${Math.random().toString(36).slice(2, 8)}`, politeness);
  const key = (await ctx.db.source.findFirst({ where: { baseUrl: `${site.url}/` }, orderBy: { id: 'desc' } }))!.key;
  const sets: WorkerSet[] = [];
  for (let i = 0; i < workerSets; i++) sets.push(startWorkers(ctx));
  cleanup.push(async () => {
    for (const s of sets) await s.close();
    await disposeContext(ctx);
    await site.close();
  });
  return { site, ctx, key };
}

const articleLog = (site: FixtureSite) => site.stats.log.filter((e) => e.path.includes('/en/news/'));

describe('robots.txt', () => {
  it('never fetches a disallowed story, records why, and fetches robots.txt once', async () => {
    let site!: FixtureSite;
    const s = await setup({ articles: 30, robotsTxt: 'User-agent: *\nDisallow: /en/news/900026/\nDisallow: /private/\n' }, { maxConcurrent: 4, minDelayMs: 0 });
    site = s.site;
    const blocked = site.articlePath(3);
    expect(blocked.startsWith('/en/news/900026/')).toBe(true);
    const counts = await crawl(s.ctx, [site.listingUrl(1)], { maxDepth: 2 }, s.key);
    expect(site.stats.count(blocked)).toBe(0);
    expect(counts.new).toBe(29);
    expect(counts.failed).toBe(1);
    const page = await s.ctx.db.page.findFirst({ where: { url: site.articleUrl(3) } });
    expect(page?.status).toBe('failed');
    expect(page?.error).toMatch(/robots/);
    expect(site.stats.count('/robots.txt')).toBe(1);
  });

  it('honours Crawl-delay between request starts', async () => {
    const s = await setup({ articles: 8, robotsTxt: 'User-agent: *\nCrawl-delay: 0.3\n' }, { maxConcurrent: 4, minDelayMs: 0 });
    await crawl(s.ctx, [s.site.listingUrl(1)], { maxDepth: 1 }, s.key);
    const times = s.site.stats.log.filter((e) => e.path !== '/robots.txt').map((e) => e.time).sort((a, b) => a - b);
    expect(times.length).toBe(9);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // Response times stand in for request starts (latency 0); allow a little timer slack.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(270);
  });
});

describe('per-host limits', () => {
  it('never has more than maxConcurrent requests in flight, across two worker sets', async () => {
    const s = await setup({ articles: 40, latencyMs: 40 }, { maxConcurrent: 2, minDelayMs: 0 }, 2);
    const counts = await crawl(s.ctx, [s.site.listingUrl(1)], { maxDepth: 1 }, s.key);
    expect(counts.new).toBe(40);
    expect(s.site.stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(s.site.stats.maxInFlight).toBe(2); // the limit was reached, not just respected by luck
  });

  it('keeps the minimum delay between request starts', async () => {
    const s = await setup({ articles: 6 }, { maxConcurrent: 4, minDelayMs: 150 });
    await crawl(s.ctx, [s.site.listingUrl(1)], { maxDepth: 1 }, s.key);
    const times = articleLog(s.site).map((e) => e.time).sort((a, b) => a - b);
    expect(times.length).toBe(6);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(130);
  });
});
