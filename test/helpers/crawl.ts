// Crawling the fixture site from a test: a source for it, workers, and a run to completion.
import type { AppContext } from '../../src/runtime/context.js';
import { seedRun } from '../../src/frontier/frontier.js';
import { waitForRun, type RunCounts } from '../../src/queues/runs.js';
import type { CrawlScope } from '../../src/queues/jobs.js';
import type { FixtureSite } from '../fixture-site/index.js';

/** Declares the fixture site as an Islam Times-style source (fresh row: no articles yet). */
export async function fixtureSource(ctx: AppContext, site: FixtureSite, key: string, politeness = { maxConcurrent: 8, minDelayMs: 0 }) {
  await ctx.db.article.deleteMany({ where: { source: { key } } });
  await ctx.db.page.deleteMany({ where: { source: { key } } });
  const config = {
    key, name: key, baseUrl: `${site.url}/`, timezone: 'Asia/Tehran', parserProfile: 'islamtimes',
    articlePattern: '/en/news/\\d+', entryPoints: [], enabled: true, politeness,
  };
  await ctx.db.source.upsert({
    where: { key },
    create: { key, name: key, baseUrl: `${site.url}/`, timezone: 'Asia/Tehran', parserProfile: 'islamtimes', config },
    update: { baseUrl: `${site.url}/`, timezone: 'Asia/Tehran', parserProfile: 'islamtimes', config },
  });
  // Each test file builds a new cache; make sure it sees the row we just wrote.
  await ctx.sources.byKeyOrNull(`${key}-refresh-${Date.now()}`);
}

export async function crawl(ctx: AppContext, urls: string[], scope: Partial<CrawlScope> = {}, sourceKey?: string): Promise<RunCounts & { runId: string }> {
  const { runId } = await seedRun(ctx, urls, { scope: { maxDepth: 2, ...scope }, sourceKey });
  const counts = await waitForRun(ctx.runs, runId, (c) => c.pending <= 0, () => {}, 50);
  return { ...counts, runId };
}
