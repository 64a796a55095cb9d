// Postgres unreachable for a while: the worker reaches Postgres through a TCP proxy written here,
// which drops every connection and refuses new ones for a few seconds mid-crawl. Jobs fail,
// retry with backoff (parse/load: 1, 2, 4, 8 s; fetch: the same for database errors) and
// complete once Postgres is back; nothing is lost or stored twice.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { seedRun } from '../../src/frontier/frontier.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { fixtureSource } from '../helpers/crawl.js';
import { type CliProcess, expectCompleteIngest, queueCounts, sleep, startWorker, TcpProxy, uniquePrefix, waitFor, waitForRunDone, workerEnv } from './harness.js';

const N = 60;
const KEY = 'rel-pg';
const OUTAGE_MS = 4000;
const prefix = uniquePrefix('pg');
let ctx: AppContext;
let site: FixtureSite;
let proxy: TcpProxy;
const procs: CliProcess[] = [];

beforeAll(async () => {
  site = await createFixtureSite({ articles: N, pageSize: 20, targetPageBytes: 0, latencyMs: (p) => (p.includes('/en/news/') ? 50 : 0) });
  ctx = await testContext({ NEWSPIPE_QUEUE_PREFIX: prefix });
  await fixtureSource(ctx, site, KEY, { maxConcurrent: 8, minDelayMs: 0 });
  proxy = await TcpProxy.start(Number(new URL(process.env.DATABASE_URL!).port || 5432));
});

afterAll(async () => {
  for (const p of procs) await p.stop();
  await proxy?.down();
  await disposeContext(ctx);
  await site?.close();
});

it(`Postgres gone for ${OUTAGE_MS / 1000} s mid-crawl: jobs retry and complete, each story once`, async () => {
  const w = await startWorker(workerEnv(prefix, { DATABASE_URL: proxy.url(process.env.DATABASE_URL!) }));
  procs.push(w);
  const { runId } = await seedRun(ctx, [site.listingUrl(1)], { scope: { maxDepth: 2 }, sourceKey: KEY });
  await waitFor('a quarter of the stories stored and jobs running', async () => {
    const c = await queueCounts(ctx);
    return (await ctx.db.article.count({ where: { source: { key: KEY } } })) >= N / 4 && c.fetch.active + c.parse.active > 0;
  }, 60_000, { intervalMs: 20, detail: () => w.tail() });

  await proxy.down();
  const atOutage = await ctx.db.article.count({ where: { source: { key: KEY } } });
  await sleep(OUTAGE_MS);
  const duringOutage = await ctx.db.article.count({ where: { source: { key: KEY } } });
  await proxy.up();

  const counts = await waitForRunDone(ctx, runId, 90_000, () => w.tail());
  expect(w.running, 'the worker process survived the outage').toBe(true);
  // Nothing was written while the database was unreachable (give or take a commit in flight).
  expect(duringOutage - atOutage).toBeLessThanOrEqual(1);

  const report = await expectCompleteIngest(ctx, site, KEY, N, counts);

  // The outage was felt: jobs were retried (and succeeded on a later attempt).
  // (A completed job keeps the stack traces of the attempts that failed before it succeeded.)
  const completed = [...(await ctx.queues.fetch.getCompleted()), ...(await ctx.queues.parse.getCompleted())];
  const retried = completed.filter((j) => (j.stacktrace ?? []).length > 0);
  expect(retried.length).toBeGreaterThan(0);
  const maxFailures = Math.max(...retried.map((j) => (j.stacktrace ?? []).length));
  console.log(`postgres: ${atOutage} stored when it went away, ${retried.length} job(s) completed after retrying (up to ${maxFailures} failed attempts), ${report.refetched.length} page(s) fetched twice`);

  w.kill('SIGTERM');
  expect((await w.exited).code).toBe(0);
}, 150_000);
