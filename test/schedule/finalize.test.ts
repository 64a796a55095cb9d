// How runs end: in whichever process finishes the last URL (workers split over processes), after
// a restart of the workers, and by the sweep for what no worker could end (state lost in Redis,
// a finished run nobody recorded, a run past its timeout, a lock left behind).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { startWorkers } from '../../src/runtime/workers.js';
import { QUEUE } from '../../src/queues/jobs.js';
import { runNow } from '../../src/schedule/service.js';
import { sweepRuns } from '../../src/schedule/finalize.js';
import { crawlKeys } from '../../src/schedule/locks.js';
import { createCrawlRun, getCrawlRun } from '../../src/store/runs.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { closeContext } from '../../src/runtime/context.js';
import { declare, fixtureDef, runEnded, until } from './helpers.js';

let ctx: AppContext;
let other: AppContext;
let site: FixtureSite;

beforeAll(async () => {
  site = await createFixtureSite({ articles: 20, pageSize: 10, targetPageBytes: 0, latencyMs: 30 });
  ctx = await testContext({ NEWSPIPE_FETCH_CONCURRENCY: '8' });
  // A second "process": its own connections and caches, the same queues.
  other = await testContext({ NEWSPIPE_QUEUE_PREFIX: ctx.config.NEWSPIPE_QUEUE_PREFIX, NEWSPIPE_FETCH_CONCURRENCY: '8' });
});

afterAll(async () => {
  await closeContext(other);
  await disposeContext(ctx);
  await site?.close();
});

describe('ending runs', () => {
  it('a run started in one process and worked in another ends there with its counts', async () => {
    await declare(ctx, fixtureDef(site, 'fin-split'));
    const crawlOnly = startWorkers(ctx, [QUEUE.crawl]);
    const fetchParse = startWorkers(other, [QUEUE.fetch, QUEUE.parse]);
    try {
      const r = await runEnded(ctx, (await runNow(ctx, 'fin-split')).runId);
      expect(r).toMatchObject({ status: 'finished', new: 20, discovered: 20, failed: 0 });
      expect(await ctx.redis.get(crawlKeys(ctx).lock('fin-split'))).toBeNull();
    } finally {
      await Promise.all([crawlOnly.close(), fetchParse.close()]);
    }
  });

  it('a run survives a restart of its workers and ends when the new workers finish it', async () => {
    const s2 = await createFixtureSite({ articles: 20, pageSize: 10, targetPageBytes: 0, latencyMs: 100 });
    try {
      await declare(ctx, fixtureDef(s2, 'fin-restart', { politeness: { maxConcurrent: 2, minDelayMs: 0 } }));
      const first = startWorkers(ctx);
      const { runId } = await runNow(ctx, 'fin-restart');
      await until('some stories stored', async () => (await ctx.runs.counts(runId)).new >= 3);
      await first.close(); // running jobs finish; the rest wait in Redis
      const mid = await getCrawlRun(ctx.db, runId);
      expect(mid!.status).toBe('running');
      const second = startWorkers(other);
      try {
        const r = await runEnded(ctx, runId);
        expect(r).toMatchObject({ status: 'finished', new: 20, failed: 0 });
      } finally {
        await second.close();
      }
    } finally {
      await s2.close();
    }
  });
});

describe('the sweep', () => {
  const ago = (ms: number) => new Date(Date.now() - ms);

  it('ends a run whose last URL finished but whose row was not updated (the process died in between)', async () => {
    await declare(ctx, fixtureDef(site, 'fin-sweep'));
    const source = await ctx.db.source.findUniqueOrThrow({ where: { key: 'fin-sweep' } });
    const k = crawlKeys(ctx);
    await createCrawlRun(ctx.db, { id: 'sweepdone0000001', sourceId: source.id, trigger: 'schedule' });
    await ctx.db.crawlRun.update({ where: { id: 'sweepdone0000001' }, data: { startedAt: ago(60_000) } });
    await ctx.redis.set(k.state('sweepdone0000001'), JSON.stringify({ source: 'fin-sweep', startedAt: Date.now() - 60_000, timeoutMs: 3_600_000 }));
    await ctx.redis.set(k.lock('fin-sweep'), 'sweepdone0000001');
    await ctx.runs.addMany('sweepdone0000001', { new: 4, unchanged: 2, fetched: 5, notModified: 1, total: 6, queued: 6 });
    expect(await sweepRuns(ctx)).toEqual(['sweepdone0000001']);
    expect(await getCrawlRun(ctx.db, 'sweepdone0000001')).toMatchObject({ status: 'finished', new: 4, unchanged: 2, discovered: 6 });
    expect(await ctx.redis.get(k.lock('fin-sweep'))).toBeNull();
  });

  it('fails a run past its timeout and frees the source for the next run', async () => {
    const source = await ctx.db.source.findUniqueOrThrow({ where: { key: 'fin-sweep' } });
    const k = crawlKeys(ctx);
    await createCrawlRun(ctx.db, { id: 'sweeplate0000001', sourceId: source.id, trigger: 'schedule' });
    await ctx.db.crawlRun.update({ where: { id: 'sweeplate0000001' }, data: { startedAt: ago(2 * 3_600_000) } });
    await ctx.redis.set(k.state('sweeplate0000001'), JSON.stringify({ source: 'fin-sweep', startedAt: Date.now() - 2 * 3_600_000, timeoutMs: 3_600_000 }));
    await ctx.redis.set(k.lock('fin-sweep'), 'sweeplate0000001');
    await ctx.runs.addMany('sweeplate0000001', { pending: 3, new: 1 });
    expect(await sweepRuns(ctx)).toEqual(['sweeplate0000001']);
    const r = await getCrawlRun(ctx.db, 'sweeplate0000001');
    expect(r).toMatchObject({ status: 'failed', new: 1 });
    expect(r!.error).toMatch(/timed out after 1h with 3 URL\(s\) still pending/);
    expect(await ctx.redis.get(k.lock('fin-sweep'))).toBeNull();
  });

  it('fails a run whose Redis state was lost (Redis flushed or restarted)', async () => {
    const source = await ctx.db.source.findUniqueOrThrow({ where: { key: 'fin-sweep' } });
    await createCrawlRun(ctx.db, { id: 'sweeplost0000001', sourceId: source.id, trigger: 'schedule' });
    await ctx.db.crawlRun.update({ where: { id: 'sweeplost0000001' }, data: { startedAt: ago(60_000) } });
    expect(await sweepRuns(ctx)).toEqual(['sweeplost0000001']);
    const r = await getCrawlRun(ctx.db, 'sweeplost0000001');
    expect(r!.status).toBe('failed');
    expect(r!.error).toMatch(/state in Redis was lost/);
    // A run that is only being set up is left alone.
    await createCrawlRun(ctx.db, { id: 'sweepnew00000001', sourceId: source.id, trigger: 'schedule' });
    expect(await sweepRuns(ctx)).toEqual([]);
    await ctx.db.crawlRun.delete({ where: { id: 'sweepnew00000001' } });
  });

  it('a lock left behind by an ended run does not block the next run', async () => {
    const k = crawlKeys(ctx);
    await ctx.redis.set(k.lock('fin-sweep'), 'sweepdone0000001', 'PX', 3_600_000);
    const workers = startWorkers(ctx);
    try {
      const r = await runEnded(ctx, (await runNow(ctx, 'fin-sweep')).runId);
      expect(r).toMatchObject({ status: 'finished', error: null, failed: 0, new: 20 });
    } finally {
      await workers.close();
    }
  });
});
