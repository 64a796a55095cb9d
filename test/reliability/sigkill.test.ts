// A worker process killed with SIGKILL in the middle of a crawl, then restarted: every story is
// ingested exactly once. Jobs the dead process held stall, come back once their lock expires
// (NEWSPIPE_LOCK_DURATION_MS, 3 s here) and run again; handlers are idempotent.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { seedRun } from '../../src/frontier/frontier.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { fixtureSource } from '../helpers/crawl.js';
import { CliProcess, ingestReport, queueCounts, startWorker, uniquePrefix, waitFor, waitForRunDone, workerEnv } from './harness.js';

const N = 80;
const KEY = 'rel-sigkill';
const prefix = uniquePrefix('kill');
let ctx: AppContext;
let site: FixtureSite;
const procs: CliProcess[] = [];

beforeAll(async () => {
  // Article pages answer after 40 ms, so a crawl of 80 takes a few seconds with 4 fetches at once.
  site = await createFixtureSite({ articles: N, pageSize: 20, targetPageBytes: 0, latencyMs: (p) => (p.includes('/en/news/') ? 40 : 0) });
  ctx = await testContext({ NEWSPIPE_QUEUE_PREFIX: prefix });
  // The host allows 8 at once: the dead worker's 4 leases (held until they expire) leave room.
  await fixtureSource(ctx, site, KEY, { maxConcurrent: 8, minDelayMs: 0 });
});

const others: AppContext[] = [];
afterAll(async () => {
  for (const p of procs) await p.stop();
  for (const c of others) await disposeContext(c);
  await disposeContext(ctx);
  await site?.close();
});

const stored = () => ctx.db.article.count({ where: { source: { key: KEY } } });

it('SIGKILL twice mid-crawl, restart: all stories stored exactly once, stalled jobs recovered, no URL lost', async () => {
  const env = workerEnv(prefix, { NEWSPIPE_FETCH_TIMEOUT_MS: '5000' });
  const { runId } = await seedRun(ctx, [site.listingUrl(1)], { scope: { maxDepth: 2 }, sourceKey: KEY });

  let stranded = 0;
  for (const atLeast of [15, 40]) {
    const w = await startWorker(env);
    procs.push(w);
    // Kill while jobs are running, i.e. while some are held by this process.
    await waitFor(`${atLeast} stories stored and jobs active`, async () => {
      if ((await stored()) < atLeast) return false;
      const c = await queueCounts(ctx);
      return c.fetch.active + c.parse.active > 0;
    }, 60_000, { intervalMs: 20, detail: () => w.tail() });
    w.kill('SIGKILL');
    const { signal } = await w.exited;
    expect(signal).toBe('SIGKILL');
    const c = await queueCounts(ctx);
    stranded += c.fetch.active + c.parse.active;
  }
  expect(stranded).toBeGreaterThan(0);
  const killedAt = await stored();
  expect(killedAt).toBeLessThan(N);

  const last = await startWorker(env);
  procs.push(last);
  const counts = await waitForRunDone(ctx, runId, 90_000, () => last.tail());

  // The stalled jobs were found and run again by the new process.
  expect(last.logsWith('job stalled; returned to the queue').length).toBeGreaterThan(0);

  const report = await ingestReport(ctx, site, KEY, [...Array(N).keys()]);
  expect(report).toMatchObject({ articles: N, missing: [], createdTwice: [], revised: [], wrongLinks: [], strandedPages: 0, failedPages: [] });
  expect(counts).toMatchObject({ new: N, failed: 0, pending: 0 });
  // Fetching is at least once: a page whose fetch was cut short by the kill is fetched again.
  expect(report.refetched.length).toBeLessThanOrEqual(stranded);
  console.log(`sigkill: ${stranded} job(s) stranded by the kills, ${report.refetched.length} page(s) fetched twice, counts ${JSON.stringify(counts)}`);

  const q = await queueCounts(ctx);
  expect(q.fetch).toMatchObject({ active: 0, waiting: 0, failed: 0 });
  expect(q.parse).toMatchObject({ active: 0, waiting: 0, failed: 0 });
}, 180_000);

it('a `newspipe crawl` killed with SIGKILL mid-way: a `newspipe work` process finishes its run, each story once', async () => {
  const key = 'rel-sigkill-crawl';
  const crawlPrefix = uniquePrefix('killcrawl');
  const c = await testContext({ NEWSPIPE_QUEUE_PREFIX: crawlPrefix });
  others.push(c);
  await fixtureSource(c, site, key, { maxConcurrent: 8, minDelayMs: 0 });
  const env = workerEnv(crawlPrefix, { NEWSPIPE_FETCH_TIMEOUT_MS: '5000' });
  const crawl = new CliProcess(['crawl', site.listingUrl(1), '--source', key, '--depth', '2'], env);
  procs.push(crawl);
  const started = await crawl.waitForLog(/^crawl started/);
  const runId = String(started.runId);
  await waitFor('a quarter of the stories stored', async () => (await c.db.article.count({ where: { source: { key } } })) >= N / 4, 60_000, { intervalMs: 20, detail: () => crawl.tail() });
  crawl.kill('SIGKILL');
  await crawl.exited;

  const w = await startWorker(env);
  procs.push(w);
  const counts = await waitForRunDone(c, runId, 90_000, () => w.tail());
  const report = await ingestReport(c, site, key, [...Array(N).keys()]);
  expect(report).toMatchObject({ articles: N, missing: [], createdTwice: [], revised: [], wrongLinks: [], strandedPages: 0, failedPages: [] });
  expect(counts).toMatchObject({ new: N, failed: 0, pending: 0 });
}, 120_000);
