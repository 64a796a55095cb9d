// Job schedulers: created by the sync only, one per scheduled source (id = source key), updated
// and removed with the sources file, never duplicated by concurrent syncs; re-created after
// Redis loses them; paused and resumed. A schedule fires on time; overlapping triggers make one run.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { startWorkers, type WorkerSet } from '../../src/runtime/workers.js';
import { syncFromDefs, allSchedulers, catchUpDueRuns } from '../../src/schedule/sync.js';
import { listSchedules, pause, resume, runNow, ScheduleError } from '../../src/schedule/service.js';
import { listCrawlRuns } from '../../src/store/runs.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { declare, fixtureDef, runEnded, until } from './helpers.js';

let ctx: AppContext;
let site: FixtureSite;
let slow: FixtureSite;

beforeAll(async () => {
  ctx = await testContext({ NEWSPIPE_FETCH_CONCURRENCY: '16', NEWSPIPE_PARSE_CONCURRENCY: '4', NEWSPIPE_FETCH_ATTEMPTS: '2', NEWSPIPE_RETRY_BASE_MS: '20' });
  site = await createFixtureSite({ articles: 12, pageSize: 10, targetPageBytes: 0 });
  slow = await createFixtureSite({ articles: 12, pageSize: 10, targetPageBytes: 0, latencyMs: 250 });
});

afterAll(async () => {
  await disposeContext(ctx);
  await site?.close();
  await slow?.close();
});

/** Jobs of the crawl queue that a scheduler made and that have not run yet. */
async function pendingScheduledJobs() {
  const jobs = await ctx.queues.crawl.getJobs(['delayed', 'waiting', 'prioritized']);
  return jobs.filter((j) => j.id?.startsWith('repeat:')).map((j) => j.data.sourceKey as string).sort();
}

const summary = async () => (await allSchedulers(ctx)).map((s) => ({ key: s.key, every: s.every ?? null, pattern: s.pattern ?? null, tz: s.tz ?? null })).sort((a, b) => a.key.localeCompare(b.key));

describe('sync (no workers running)', () => {
  const a = () => fixtureDef(site, 'sync-a', { schedule: { every: '1h' } });
  const b = () => fixtureDef(site, 'sync-b', { schedule: { cron: '0 */6 * * *' } });
  const c = () => fixtureDef(site, 'sync-c'); // no schedule

  it('creates one scheduler per scheduled source, even when syncs run at the same time', async () => {
    await Promise.all(Array.from({ length: 6 }, () => syncFromDefs(ctx, [a(), b(), c()])));
    expect(await summary()).toEqual([
      { key: 'sync-a', every: 3_600_000, pattern: null, tz: null },
      { key: 'sync-b', every: null, pattern: '0 */6 * * *', tz: 'Asia/Tehran' },
    ]);
    expect(await pendingScheduledJobs()).toEqual(['sync-a', 'sync-b']);
    const again = await syncFromDefs(ctx, [a(), b(), c()]);
    expect(again.schedules).toMatchObject({ created: [], updated: [], removed: [], unchanged: ['sync-a', 'sync-b'] });
    expect(await pendingScheduledJobs()).toEqual(['sync-a', 'sync-b']);
  });

  it('a changed schedule is updated in place, a removed one is removed, a source dropped from the file loses its scheduler', async () => {
    const r = await syncFromDefs(ctx, [fixtureDef(site, 'sync-a', { schedule: { every: '2h' } }), fixtureDef(site, 'sync-b'), c()]);
    expect(r.schedules).toMatchObject({ created: [], updated: ['sync-a'], removed: ['sync-b'] });
    expect(await summary()).toEqual([{ key: 'sync-a', every: 7_200_000, pattern: null, tz: null }]);
    expect(await pendingScheduledJobs()).toEqual(['sync-a']);

    const r2 = await syncFromDefs(ctx, [b(), c()]);
    expect(r2.disabled).toContain('sync-a');
    expect(r2.schedules).toMatchObject({ created: ['sync-b'], removed: ['sync-a'] });
    expect(await summary()).toEqual([{ key: 'sync-b', every: null, pattern: '0 */6 * * *', tz: 'Asia/Tehran' }]);
    expect((await ctx.db.source.findUnique({ where: { key: 'sync-a' } }))!.enabled).toBe(false);

    const r3 = await syncFromDefs(ctx, [fixtureDef(site, 'sync-b', { enabled: false, schedule: { cron: '0 */6 * * *' } }), c()]);
    expect(r3.schedules.removed).toEqual(['sync-b']);
    expect(await summary()).toEqual([]);
    expect(await pendingScheduledJobs()).toEqual([]);
  });

  it('pause removes the scheduler and sync leaves it off; resume brings it back', async () => {
    await syncFromDefs(ctx, [a(), b(), c()]);
    const p = await pause(ctx, 'sync-a');
    expect(p).toMatchObject({ source: 'sync-a', state: 'paused', paused: true, nextRunAt: null });
    expect((await summary()).map((s) => s.key)).toEqual(['sync-b']);
    const r = await syncFromDefs(ctx, [a(), b(), c()]);
    expect(r.schedules.paused).toEqual(['sync-a']);
    expect((await summary()).map((s) => s.key)).toEqual(['sync-b']);
    expect(await pendingScheduledJobs()).toEqual(['sync-b']);

    const list = await listSchedules(ctx);
    expect(list.filter((s) => s.source.startsWith('sync-')).map((s) => [s.source, s.state, s.every ?? s.cron])).toEqual([
      ['sync-a', 'paused', '1h'],
      ['sync-b', 'active', '0 */6 * * *'],
    ]);

    const back = await resume(ctx, 'sync-a');
    expect(back).toMatchObject({ state: 'active', paused: false });
    expect(back.nextRunAt).not.toBeNull();
    expect(await pendingScheduledJobs()).toEqual(['sync-a', 'sync-b']);
    await expect(pause(ctx, 'sync-c')).rejects.toMatchObject({ status: 409 });
    await expect(pause(ctx, 'nope')).rejects.toBeInstanceOf(ScheduleError);
  });

  it('schedulers are re-created by the start-up sync after Redis lost the prefix', async () => {
    await syncFromDefs(ctx, [a(), b(), c()]);
    const keys = await ctx.redis.keys(`${ctx.config.NEWSPIPE_QUEUE_PREFIX}:*`);
    await ctx.redis.del(...keys);
    expect(await summary()).toEqual([]);
    const r = await syncFromDefs(ctx, [a(), b(), c()]);
    expect(r.schedules.created.sort()).toEqual(['sync-a', 'sync-b']);
    expect((await summary()).map((s) => s.key)).toEqual(['sync-a', 'sync-b']);
    expect(await pendingScheduledJobs()).toEqual(['sync-a', 'sync-b']);
    // Leave nothing scheduled for the tests below.
    await syncFromDefs(ctx, [c()]);
    expect(await summary()).toEqual([]);
  });
});

describe('with workers', () => {
  let workers: WorkerSet;
  beforeAll(() => {
    workers = startWorkers(ctx);
  });
  afterAll(async () => {
    await workers?.close();
  });

  it('a schedule fires on time, again and again, and each firing is a CrawlRun', async () => {
    const def = fixtureDef(site, 'tick', { schedule: { every: '2s' } });
    await declare(ctx, def);
    const t0 = Date.now();
    await syncFromDefs(ctx, [def]);
    // An `every` scheduler first fires one interval after it is created, then every 2 s.
    const runs = await until('three scheduled runs', async () => {
      const rows = await listCrawlRuns(ctx.db, { source: 'tick' });
      return rows.length >= 3 ? rows : null;
    }, 12_000);
    const starts = runs.map((r) => r.startedAt.getTime()).sort((x, y) => x - y);
    expect(runs.every((r) => r.trigger === 'schedule')).toBe(true);
    expect(starts[0] - t0).toBeGreaterThan(1500);
    expect(starts[0] - t0).toBeLessThan(3500);
    expect(starts[1] - starts[0]).toBeGreaterThan(1500);
    expect(starts[1] - starts[0]).toBeLessThan(3500);
    expect(starts[2] - starts[1]).toBeGreaterThan(1500);
    expect(starts[2] - starts[1]).toBeLessThan(3500);
    await pause(ctx, 'tick');
    const first = await runEnded(ctx, runs[runs.length - 1].id);
    expect(first).toMatchObject({ status: 'finished', new: 12, failed: 0 });
    const all = await listCrawlRuns(ctx.db, { source: 'tick' });
    expect(all.filter((r) => r.status !== 'skipped').reduce((n, r) => n + r.new, 0)).toBeLessThanOrEqual(12);
  });

  it('at start, a scheduled source that missed its run (never ran, or longer ago than its interval) runs now, once', async () => {
    const def = fixtureDef(site, 'due', { schedule: { every: '1h' } });
    const cron = fixtureDef(site, 'due-cron', { schedule: { cron: '0 0 1 1 *', tz: 'UTC' } }); // yearly
    await declare(ctx, def, cron);
    await syncFromDefs(ctx, [def, cron]);
    const first = await catchUpDueRuns(ctx);
    expect(first.map((r) => r.source)).toEqual(['due', 'due-cron']);
    const rows = await Promise.all(first.map((r) => runEnded(ctx, r.runId)));
    expect(rows.map((r) => [r.source?.key, r.trigger, r.status])).toEqual([['due', 'schedule', 'finished'], ['due-cron', 'schedule', 'finished']]);
    // Just ran: nothing is due.
    expect(await catchUpDueRuns(ctx)).toEqual([]);
    // An hour later the `every: 1h` source is due again; the yearly one is not (unless New Year passed).
    const later = await catchUpDueRuns(ctx, Date.now() + 3_600_000 + 1000);
    expect(later.map((r) => r.source)).toContain('due');
    await Promise.all(later.map((r) => runEnded(ctx, r.runId)));
    await syncFromDefs(ctx, []);
  });

  it('overlapping triggers make one run; the others are recorded as skipped', async () => {
    const def = fixtureDef(slow, 'overlap');
    await declare(ctx, def);
    const triggers = await Promise.all([runNow(ctx, 'overlap'), runNow(ctx, 'overlap', 'api'), runNow(ctx, 'overlap', 'dashboard')]);
    const rows = await Promise.all(triggers.map((t) => runEnded(ctx, t.runId)));
    const ran = rows.filter((r) => r.status !== 'skipped');
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ status: 'finished', new: 12, failed: 0 });
    for (const r of rows.filter((x) => x.status === 'skipped')) expect(r.error).toContain(`run ${ran[0].id} of "overlap" is still in progress`);
    for (let i = 0; i < 12; i++) expect(slow.stats.count(slow.articlePath(i))).toBe(1);

    // Once it ended, the next trigger runs (and finds nothing new).
    const next = await runEnded(ctx, (await runNow(ctx, 'overlap')).runId);
    expect(next).toMatchObject({ status: 'finished', new: 0 });
  });

  it('a schedule firing while a run is going is skipped, not queued behind it', async () => {
    // A site of its own: conditional GET state is per URL, and another source fetched `slow`.
    const slow2 = await createFixtureSite({ articles: 12, pageSize: 10, targetPageBytes: 0, latencyMs: 250 });
    onTestFinished(() => slow2.close());
    const def = fixtureDef(slow2, 'overlap2', { schedule: { every: '1s' } });
    await declare(ctx, def);
    await syncFromDefs(ctx, [def]);
    const rows = await until('a run and skipped firings', async () => {
      const r = await listCrawlRuns(ctx.db, { source: 'overlap2' });
      return r.some((x) => x.status === 'finished') && r.some((x) => x.status === 'skipped') ? r : null;
    }, 15_000);
    await syncFromDefs(ctx, []);
    const started = rows.filter((r) => r.status !== 'skipped').sort((x, y) => x.startedAt.getTime() - y.startedAt.getTime());
    // Runs never overlap: each started after the previous one finished.
    for (let i = 1; i < started.length; i++) expect(started[i].startedAt.getTime()).toBeGreaterThanOrEqual(started[i - 1].finishedAt?.getTime() ?? Infinity);
    for (const r of rows.filter((x) => x.status === 'skipped')) expect(r).toMatchObject({ trigger: 'schedule', new: 0 });
    for (let i = 0; i < 12; i++) expect(slow2.stats.count(slow2.articlePath(i))).toBe(1);
    expect(await allSchedulers(ctx)).toEqual([]);
  });
});
