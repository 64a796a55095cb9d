// Scaling out: three worker processes on the same queues, as on three machines. Nothing is local
// to a worker (pages live in Postgres), the queue prefix carries a Redis Cluster {hash tag}, and
// each process keeps to NEWSPIPE_DB_POOL_SIZE connections. Each story is stored once, each page
// fetched once, and the per-host limit holds across the processes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import type { AppContext } from '../../src/runtime/context.js';
import { seedRun } from '../../src/frontier/frontier.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { fixtureSource } from '../helpers/crawl.js';
import { type CliProcess, ingestReport, queueCounts, startWorker, uniquePrefix, waitForRunDone, workerEnv } from './harness.js';

const N = 120;
const KEY = 'rel-multi';
const WORKERS = 3;
const POOL = 3;
const MAX_CONCURRENT = 3;
const prefix = uniquePrefix('multi', true);
let ctx: AppContext;
let site: FixtureSite;
let admin: pg.Client;
const procs: CliProcess[] = [];

beforeAll(async () => {
  site = await createFixtureSite({ articles: N, pageSize: 20, targetPageBytes: 0, latencyMs: (p) => (p.includes('/en/news/') ? 30 : 0) });
  ctx = await testContext({ NEWSPIPE_QUEUE_PREFIX: prefix });
  await fixtureSource(ctx, site, KEY, { maxConcurrent: MAX_CONCURRENT, minDelayMs: 0 });
  admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
});

afterAll(async () => {
  for (const p of procs) await p.stop();
  await admin?.end();
  await disposeContext(ctx);
  await site?.close();
});

it(`${WORKERS} worker processes, prefix ${prefix}: each story once, host limit ${MAX_CONCURRENT} held, ${POOL} DB connections per process`, async () => {
  expect(prefix).toMatch(/^\{.+\}$/);
  for (let i = 0; i < WORKERS; i++) {
    // application_name tells the processes' connections apart in pg_stat_activity.
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set('application_name', `nprel-w${i}`);
    // The last one only fetches (as a fetch tier would): its pages go to the others through
    // parse jobs, where the others parse what they fetch themselves in the fetch job.
    const args = i === WORKERS - 1 ? ['--queues', 'fetch,crawl'] : [];
    procs.push(await startWorker(workerEnv(prefix, { DATABASE_URL: url.toString(), NEWSPIPE_DB_POOL_SIZE: String(POOL), NEWSPIPE_FETCH_CONCURRENCY: '8' }), args));
  }
  const db = new URL(process.env.DATABASE_URL!).pathname.slice(1);
  const maxConnections = new Map<string, number>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const r = await admin.query<{ app: string; n: number }>(
        "SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'nprel-w%' GROUP BY 1",
        [db],
      );
      for (const row of r.rows) maxConnections.set(row.app, Math.max(maxConnections.get(row.app) ?? 0, row.n));
      await new Promise((res) => setTimeout(res, 25));
    }
  })();

  const { runId } = await seedRun(ctx, [site.listingUrl(1)], { scope: { maxDepth: 2 }, sourceKey: KEY });
  const counts = await waitForRunDone(ctx, runId, 120_000, () => procs.map((p) => p.tail(10)).join('\n'));
  sampling = false;
  await sampler;

  const report = await ingestReport(ctx, site, KEY, [...Array(N).keys()]);
  expect(report).toMatchObject({ articles: N, missing: [], createdTwice: [], revised: [], wrongLinks: [], strandedPages: 0, failedPages: [], refetched: [] });
  expect(counts).toMatchObject({ new: N, failed: 0, pending: 0 });

  // Every process took part: the full workers stored stories, the fetch-only one queued parse
  // jobs (no other process queues any) that the others ran.
  for (const p of procs.slice(0, -1)) expect(p.logsWith('article stored').length, `pid ${p.pid}`).toBeGreaterThan(0);
  expect(procs.at(-1)!.logsWith('article stored')).toHaveLength(0);
  // The host limit holds across processes, and was reached.
  expect(site.stats.maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENT);
  expect(site.stats.maxInFlight).toBe(MAX_CONCURRENT);
  // Connections per process stay within the pool size.
  expect([...maxConnections.keys()].sort()).toEqual(procs.map((_, i) => `nprel-w${i}`));
  for (const [app, n] of maxConnections) expect(n, app).toBeLessThanOrEqual(POOL);

  // Every BullMQ key lives under the hash-tagged prefix (one Redis Cluster slot per instance).
  const keys = await ctx.redis.keys(`${prefix}:*`);
  expect(keys.some((k) => k.startsWith(`${prefix}:fetch:`))).toBe(true);
  expect(keys.some((k) => k.startsWith(`${prefix}:parse:`))).toBe(true);
  const q = await queueCounts(ctx);
  expect(q.fetch.completed).toBe(N + Math.ceil(N / 20));
  expect(q.parse.completed).toBeGreaterThan(0);
  expect(q.parse.failed).toBe(0);
  console.log(`multi: per-process articles ${procs.map((p) => p.logsWith('article stored').length).join('/')}, max DB connections ${JSON.stringify(Object.fromEntries(maxConnections))}, host maxInFlight ${site.stats.maxInFlight}`);
}, 180_000);
