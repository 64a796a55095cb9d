// SIGTERM: a worker process stops within a bounded time. Jobs that finish in time finish; jobs
// that cannot (a fetch from a server that never answers) go back to the queue at once. Nothing
// is left stalled or half-written, and a restarted worker completes the crawl exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { seedRun } from '../../src/frontier/frontier.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { fixtureSource } from '../helpers/crawl.js';
import { type CliProcess, ingestReport, queueCounts, startWorker, uniquePrefix, waitFor, waitForRunDone, workerEnv } from './harness.js';

const N = 60;
let site: FixtureSite;
const contexts: AppContext[] = [];
const procs: CliProcess[] = [];

beforeAll(async () => {
  site = await createFixtureSite({ articles: N, pageSize: 20, targetPageBytes: 0, latencyMs: (p) => (p.includes('/en/news/') ? 60 : 0) });
});

afterAll(async () => {
  for (const p of procs) await p.stop();
  for (const c of contexts) await disposeContext(c);
  await site?.close();
});

async function setup(key: string) {
  const prefix = uniquePrefix('term');
  const ctx = await testContext({ NEWSPIPE_QUEUE_PREFIX: prefix });
  contexts.push(ctx);
  await fixtureSource(ctx, site, key, { maxConcurrent: 8, minDelayMs: 0 });
  return { ctx, prefix };
}

/** After a stop: nothing active (stalled), no article without its links, every archived page has its parse job queued. */
async function assertCleanStop(ctx: AppContext, key: string) {
  const q = await queueCounts(ctx);
  expect(q.fetch.active, 'fetch jobs left active').toBe(0);
  expect(q.parse.active, 'parse jobs left active').toBe(0);
  expect(q.fetch.failed + q.parse.failed).toBe(0);
  const articles = await ctx.db.article.findMany({ where: { source: { key } }, select: { storyCode: true, _count: { select: { links: true } } } });
  for (const a of articles) {
    const want = site.expected(site.indexOfStoryCode(a.storyCode)!);
    expect(a._count.links, `links of ${a.storyCode}`).toBe(want.related.length + want.featured.length);
  }
  const stored = await ctx.db.page.findMany({ where: { source: { key }, status: 'stored' }, select: { id: true } });
  for (const p of stored) {
    const job = await ctx.queues.parse.getJob(`page-${p.id}`);
    expect(job, `parse job of stored page ${p.id}`).toBeTruthy();
    expect(await job!.getState()).toMatch(/waiting|prioritized|delayed/);
  }
  return { articles: articles.length, stored: stored.length };
}

describe('SIGTERM', () => {
  it('lets running jobs finish, exits 0 in time; a restart completes the crawl exactly once', async () => {
    const KEY = 'rel-term-a';
    const { ctx, prefix } = await setup(KEY);
    const env = workerEnv(prefix);
    const { runId } = await seedRun(ctx, [site.listingUrl(1)], { scope: { maxDepth: 2 }, sourceKey: KEY });
    const w = await startWorker(env, ['--shutdown-timeout', '10000']);
    procs.push(w);
    await waitFor('some stories stored and jobs running', async () => {
      const c = await queueCounts(ctx);
      return (await ctx.db.article.count({ where: { source: { key: KEY } } })) >= 10 && c.fetch.active > 0;
    }, 60_000, { intervalMs: 20, detail: () => w.tail() });

    const t0 = Date.now();
    w.kill('SIGTERM');
    const { code } = await w.exited;
    const took = Date.now() - t0;
    expect(code, w.tail()).toBe(0);
    expect(took).toBeLessThan(10_000);
    expect(w.logsWith('workers stopped')).toHaveLength(1);
    // Everything it had started, it finished: nothing needed interrupting.
    expect(w.logsWith(/interrupting/)).toHaveLength(0);
    const stop = await assertCleanStop(ctx, KEY);
    expect(stop.articles).toBeLessThan(N);

    const again = await startWorker(env);
    procs.push(again);
    const counts = await waitForRunDone(ctx, runId, 60_000, () => again.tail());
    const report = await ingestReport(ctx, site, KEY, [...Array(N).keys()]);
    expect(report).toMatchObject({ articles: N, missing: [], createdTwice: [], revised: [], wrongLinks: [], strandedPages: 0, failedPages: [], refetched: [] });
    expect(counts).toMatchObject({ new: N, failed: 0, pending: 0 });
    console.log(`sigterm (finish): stopped in ${took} ms with ${stop.articles} stored and ${stop.stored} page(s) waiting for parse`);
  }, 120_000);

  it('interrupts fetches that would outlast the shutdown timeout and returns their jobs to the queue', async () => {
    const KEY = 'rel-term-b';
    const { ctx, prefix } = await setup(KEY);
    // Three stories never answer (until the test says so); the fetch timeout alone would take 30 s.
    const hanging = [3, 7, 11];
    site.stats.reset();
    for (const i of hanging) site.setError(site.articlePath(i), 'hang');
    const env = workerEnv(prefix, { NEWSPIPE_FETCH_TIMEOUT_MS: '30000' });
    const { runId } = await seedRun(ctx, [site.listingUrl(3)], { scope: { maxDepth: 1 }, sourceKey: KEY });
    const w = await startWorker(env, ['--shutdown-timeout', '1500']);
    procs.push(w);
    // The listing (page 3: articles 19..0) is walked; everything but the hanging three gets done.
    await waitFor('only the hanging fetches left', async () => {
      const c = await queueCounts(ctx);
      return c.fetch.active === hanging.length && c.fetch.waiting + c.fetch.delayed + c.parse.active + c.parse.waiting === 0 && site.stats.inFlight === hanging.length;
    }, 60_000, { intervalMs: 50, detail: () => w.tail() });

    const t0 = Date.now();
    w.kill('SIGTERM');
    const { code } = await w.exited;
    const took = Date.now() - t0;
    expect(code, w.tail()).toBe(0);
    // 1.5 s of waiting, then the fetches are interrupted at once (the grace period is not needed).
    expect(took).toBeGreaterThanOrEqual(1500);
    expect(took).toBeLessThan(5000);
    expect(w.logsWith('fetch interrupted by shutdown; job returned to the queue')).toHaveLength(hanging.length);
    await assertCleanStop(ctx, KEY);
    // Back in the queue without spending an attempt, and nothing recorded as failed.
    const back = [...(await ctx.queues.fetch.getDelayed()), ...(await ctx.queues.fetch.getWaiting())];
    expect(back.map((j) => j.data.url).sort()).toEqual(hanging.map((i) => site.articleUrl(i)).sort());
    for (const j of back) expect(j.attemptsMade).toBe(0);
    expect(await ctx.db.page.count({ where: { source: { key: KEY }, status: 'failed' } })).toBe(0);

    // The server answers again; a new worker picks the three up.
    for (const i of hanging) site.setError(site.articlePath(i), null);
    const again = await startWorker(env);
    procs.push(again);
    const counts = await waitForRunDone(ctx, runId, 60_000, () => again.tail());
    // The page's 20 stories (plus the few newest ones every listing shows), each stored once.
    const report = await ingestReport(ctx, site, KEY, [...Array(20).keys()]);
    expect(report).toMatchObject({ missing: [], createdTwice: [], revised: [], wrongLinks: [], strandedPages: 0, failedPages: [] });
    expect(counts).toMatchObject({ new: report.articles, failed: 0, pending: 0 });
    for (const i of hanging) expect(site.stats.count(site.articlePath(i))).toBe(2);
    console.log(`sigterm (interrupt): stopped in ${took} ms with ${hanging.length} fetches interrupted`);
  }, 120_000);
});
