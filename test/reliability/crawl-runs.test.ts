// `newspipe crawl` runs that end badly: killed with SIGKILL and run again, Redis restarted
// without persistence under a running crawl, and two crawls of the same seeds at once. Each
// against real `newspipe crawl` processes, a fixture site and (for the restart) a private
// redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { fixtureSource } from '../helpers/crawl.js';
import { CliProcess, ingestReport, RedisServer, runCli, sleep, uniquePrefix, waitFor, workerEnv } from './harness.js';

const N = 120;
let site: FixtureSite;
const contexts: AppContext[] = [];
const procs: CliProcess[] = [];
const servers: RedisServer[] = [];
let slowPath = '';

beforeAll(async () => {
  // Articles answer after 30 ms: with 4 fetches at once a crawl of 120 takes a few seconds.
  site = await createFixtureSite({ articles: N, pageSize: 20, targetPageBytes: 0, latencyMs: (p) => (p === slowPath ? 6000 : p.includes('/en/news/') ? 30 : 0) });
});

afterAll(async () => {
  for (const p of procs) await p.stop();
  for (const c of contexts) await disposeContext(c).catch(() => {});
  for (const s of servers) await s.close();
  await site?.close();
});

async function setup(tag: string, key: string, extra: Record<string, string> = {}) {
  const prefix = uniquePrefix(tag);
  const ctx = await testContext({ NEWSPIPE_QUEUE_PREFIX: prefix, ...extra });
  contexts.push(ctx);
  await fixtureSource(ctx, site, key, { maxConcurrent: 8, minDelayMs: 0 });
  const env = workerEnv(prefix, { NEWSPIPE_FETCH_CONCURRENCY: '4', ...extra });
  const stored = () => ctx.db.article.count({ where: { source: { key } } });
  const crawl = () => new CliProcess(['crawl', site.listingUrl(1), '--source', key, '--depth', '2'], env);
  return { ctx, env, stored, crawl };
}

describe('newspipe crawl', () => {
  it('killed with SIGKILL and run again: the new run takes over the dead one\'s URLs; every story stored once', async () => {
    const KEY = 'rel-crawl-kill';
    const { ctx, env, stored, crawl } = await setup('ckill', KEY);
    const first = crawl();
    procs.push(first);
    await waitFor('a quarter of the stories stored', async () => (await stored()) >= N / 4, 60_000, { intervalMs: 20, detail: () => first.tail() });
    first.kill('SIGKILL');
    await first.exited;
    const atKill = await stored();
    expect(atKill).toBeLessThan(N);

    const again = await runCli(['crawl', site.listingUrl(1), '--source', KEY, '--depth', '2'], env, 120_000);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/finished in [\d.]+ s: .*failed 0/);
    expect(again.stdout).not.toMatch(/left to another running crawl/);
    const report = await ingestReport(ctx, site, KEY, [...Array(N).keys()]);
    expect(report).toMatchObject({ articles: N, missing: [], createdTwice: [], failedPages: [] });
    console.log(`crawl killed at ${atKill}/${N} stored; the next crawl stored the rest (${report.refetched.length} page(s) fetched twice)`);
  }, 180_000);

  it('Redis restarted without persistence: the crawl says its queue state was lost, gives totals from Postgres, exits 2', async () => {
    const KEY = 'rel-crawl-lost';
    const redis = await RedisServer.start({ persist: false });
    servers.push(redis);
    const { ctx, stored, crawl } = await setup('clost', KEY, { REDIS_URL: redis.url });
    for (const q of Object.values(ctx.queues)) q.on('error', () => {});
    const p = crawl();
    procs.push(p);
    await waitFor('a third of the stories stored', async () => (await stored()) >= N / 3, 60_000, { intervalMs: 20, detail: () => p.tail() });
    await redis.down();
    await sleep(1000);
    await redis.up();
    const upAt = Date.now();
    const { code } = await p.exited;
    const tookMs = p.exitedAt! - upAt;
    expect(code, p.tail()).toBe(2);
    expect(tookMs, 'exits promptly once Redis is back').toBeLessThan(20_000);
    const m = /crawl (\w+) stopped after [\d.]+ s: Redis lost the state of run \w+ .*Stored so far \(from Postgres\): fetched (\d+), new (\d+)/.exec(p.stdout);
    expect(m, p.stdout).toBeTruthy();
    const [, runId, fetched, fresh] = m!;
    expect(Number(fresh)).toBe(await stored());
    expect(Number(fresh)).toBeGreaterThanOrEqual(N / 3);
    expect(Number(fetched)).toBeGreaterThanOrEqual(Number(fresh));
    expect(await ctx.db.page.count({ where: { runId, outcome: 'new' } })).toBe(Number(fresh));
    expect(p.stderr.trim().split('\n').at(-1)).toMatch(/^newspipe: the crawl cannot finish without its queue state; run the same crawl again with --refresh/);
  }, 180_000);

  it('a second crawl of the same seeds while the first runs says that the first holds them, and exits 2', async () => {
    const KEY = 'rel-crawl-twice';
    const { stored, crawl, env } = await setup('ctwice', KEY);
    // The listing answers slowly: the second crawl starts while the first is fetching it.
    slowPath = new URL(site.listingUrl(1)).pathname + new URL(site.listingUrl(1)).search;
    const first = crawl();
    procs.push(first);
    await first.waitForLog(/^crawl started/);
    const second = await runCli(['crawl', site.listingUrl(1), '--source', KEY, '--depth', '2'], env, 60_000);
    expect(second.code, second.stderr + second.stdout).toBe(2);
    expect(second.stdout).toMatch(/1 URL\(s\) left to another running crawl/);
    expect(second.stdout).toMatch(/note: 1 other crawl\(s\) running now/);
    expect(second.stderr.trim().split('\n').at(-1)).toBe('newspipe: another running crawl holds this URL; this one had nothing left to fetch');
    const { code } = await first.exited;
    expect(code, first.tail()).toBe(0);
    expect(await stored()).toBe(N);
  }, 180_000);
});
