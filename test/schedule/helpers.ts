// Scheduled crawling of the fixture site from tests: source declarations, waiting for runs.
import type { AppContext } from '../../src/runtime/context.js';
import type { FixtureSite } from '../fixture-site/index.js';
import { sourceSchema, type SourceDef, type SourceInput } from '../../src/sources/schema.js';
import { syncSources } from '../../src/store/sources.js';
import { getCrawlRun, type CrawlRunWithSource } from '../../src/store/runs.js';

/** A declaration of the fixture site as an Islam Times-style source (like test/helpers/crawl.ts fixtureSource). */
export function fixtureDef(site: FixtureSite, key: string, extra: Partial<SourceInput> = {}): SourceDef {
  return sourceSchema.parse({
    key,
    name: key,
    baseUrl: `${site.url}/`,
    timezone: 'Asia/Tehran',
    parserProfile: 'islamtimes',
    articlePattern: '/en/news/\\d+',
    politeness: { maxConcurrent: 8, minDelayMs: 0 },
    entryPoints: [{ type: 'listing', url: site.listingUrl(1) }],
    ...extra,
  });
}

/** Writes sources without touching schedules or other sources, and drops their articles and pages. */
export async function declare(ctx: AppContext, ...defs: SourceDef[]): Promise<void> {
  for (const d of defs) {
    await ctx.db.crawlRun.deleteMany({ where: { source: { key: d.key } } });
    await ctx.db.article.deleteMany({ where: { source: { key: d.key } } });
    await ctx.db.page.deleteMany({ where: { source: { key: d.key } } });
  }
  await syncSources(ctx.db, defs);
  await ctx.db.source.updateMany({ where: { key: { in: defs.map((d) => d.key) } }, data: { paused: false } });
  // Make the context's source cache see them.
  await ctx.sources.byKeyOrNull(`refresh-${Date.now()}`);
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the run has a row that is no longer running. */
export function runEnded(ctx: AppContext, runId: string, timeoutMs = 30_000): Promise<CrawlRunWithSource> {
  return until(`run ${runId} to end`, async () => {
    const r = await getCrawlRun(ctx.db, runId);
    return r && r.status !== 'running' ? r : null;
  }, timeoutMs);
}

/** Requests for story pages since the last stats reset, as paths. */
export function storyRequests(site: FixtureSite): string[] {
  return Object.keys(site.stats.byPath).filter((p) => p.includes('/en/news/')).sort();
}
