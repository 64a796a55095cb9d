// The one place job schedulers are created, changed and removed: the sync (at start, and by
// `newspipe sources sync`). Each enabled, unpaused source with a schedule and entry points gets
// one BullMQ job scheduler on the crawl queue, id = source key; schedulers of other ids are
// removed. Syncs are serialised by a Redis mutex, and a scheduler whose repeat options did not
// change is left alone (its next firing kept), so running the sync again, from any process, is
// harmless. Worker processes never create schedulers.
import type { JobSchedulerJson } from 'bullmq';
import type { AppContext } from '../runtime/context.js';
import type { SourceDef } from '../sources/schema.js';
import { crawlSettings, repeatOptions } from '../sources/settings.js';
import { syncSources, type SourceRow } from '../store/sources.js';
import { QUEUE, type CrawlRunJob } from '../queues/jobs.js';
import { crawlKeys, withMutex } from './locks.js';
import { sweepRuns } from './finalize.js';
import { CronExpressionParser } from 'cron-parser';
import { lastCrawlRuns } from '../store/runs.js';
import { newRunId } from '../queues/runs.js';

export const CRAWL_JOB_NAME = 'crawl-run';

/** Options of every crawl job: no BullMQ retries (a failed start is a failed run), bounded history. */
export const CRAWL_JOB_OPTS = {
  attempts: 1,
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 1000 },
};

export type RepeatOpts = { every: number } | { pattern: string; tz: string };

export interface ScheduleSyncResult {
  created: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
  /** Sources with a schedule that is paused (no scheduler). */
  paused: string[];
}

/** The scheduler a source should have, or null (disabled, paused, no schedule or no entry points). */
export function wantedRepeat(row: Pick<SourceRow, 'key' | 'timezone' | 'config' | 'enabled' | 'paused'>): RepeatOpts | null {
  if (!row.enabled || row.paused) return null;
  const s = crawlSettings(row);
  if (!s.schedule || !s.entryPoints.length) return null;
  return repeatOptions(s.schedule, row.timezone);
}

function sameRepeat(cur: JobSchedulerJson, want: RepeatOpts, key: string): boolean {
  const data = cur.template?.data as Partial<CrawlRunJob> | undefined;
  if (cur.name !== CRAWL_JOB_NAME || data?.sourceKey !== key || data?.trigger !== 'schedule') return false;
  if ('every' in want) return cur.every === want.every && !cur.pattern;
  return cur.pattern === want.pattern && (cur.tz ?? null) === want.tz && !cur.every;
}

/**
 * Creates or replaces the scheduler of one source. An `every` schedule first fires one interval
 * from now (BullMQ would fire at once): creating schedulers is not a reason to crawl; a run
 * that is due is started by `catchUpDueRuns` at start instead.
 */
export async function upsertScheduler(ctx: AppContext, key: string, repeat: RepeatOpts): Promise<void> {
  const opts = 'every' in repeat ? { ...repeat, startDate: Date.now() + repeat.every } : repeat;
  await ctx.queues.crawl.upsertJobScheduler(key, opts, {
    name: CRAWL_JOB_NAME,
    data: { sourceKey: key, trigger: 'schedule' } satisfies CrawlRunJob,
    opts: CRAWL_JOB_OPTS,
  });
}

/**
 * Removes the source's scheduler and the firing it already queued: BullMQ's removeJobScheduler
 * removes the next firing only while it is delayed, not once it is waiting for a worker.
 */
export async function removeScheduler(ctx: AppContext, key: string): Promise<boolean> {
  const removed = await ctx.queues.crawl.removeJobScheduler(key);
  const queued = await ctx.queues.crawl.getJobs(['waiting', 'delayed', 'prioritized']);
  for (const j of queued) {
    if (j.id?.startsWith(`repeat:${key}:`)) await j.remove().catch(() => {});
  }
  return removed;
}

export async function allSchedulers(ctx: AppContext): Promise<JobSchedulerJson[]> {
  return ctx.queues.crawl.getJobSchedulers(0, -1, true);
}

/** Makes the crawl queue's job schedulers match the Source rows. */
export async function syncSchedules(ctx: AppContext): Promise<ScheduleSyncResult> {
  return withMutex(ctx.redis, crawlKeys(ctx).sync, async () => {
    const out: ScheduleSyncResult = { created: [], updated: [], removed: [], unchanged: [], paused: [] };
    const rows = await ctx.db.source.findMany({ orderBy: { key: 'asc' } });
    const wanted = new Map<string, RepeatOpts>();
    for (const r of rows) {
      const w = wantedRepeat(r);
      if (w) wanted.set(r.key, w);
      else if (r.paused && r.enabled && crawlSettings(r).schedule) out.paused.push(r.key);
    }
    const existing = new Map((await allSchedulers(ctx)).map((s) => [s.key, s]));
    for (const [key, want] of wanted) {
      const cur = existing.get(key);
      if (cur && sameRepeat(cur, want, key)) {
        out.unchanged.push(key);
        continue;
      }
      await upsertScheduler(ctx, key, want);
      (cur ? out.updated : out.created).push(key);
    }
    for (const key of existing.keys()) {
      if (wanted.has(key)) continue;
      await removeScheduler(ctx, key);
      out.removed.push(key);
    }
    ctx.log.info({ ...out }, 'schedules synced');
    return out;
  });
}

/**
 * Starts a run now for each scheduled source that missed one: never run, or its last run
 * started longer ago than its interval (cron: before the latest time the expression matched).
 * `start` calls it after the sync, so a schedule survives downtime of the process or of Redis.
 * Returns the run ids queued (a run already going makes the trigger a skipped run).
 */
export async function catchUpDueRuns(ctx: AppContext, now = Date.now()): Promise<{ source: string; runId: string }[]> {
  const rows = await ctx.db.source.findMany({ orderBy: { key: 'asc' } });
  const last = await lastCrawlRuns(ctx.db);
  const out: { source: string; runId: string }[] = [];
  for (const r of rows) {
    const want = wantedRepeat(r);
    if (!want) continue;
    const lastStart = last.get(r.id)?.startedAt.getTime();
    let due: boolean;
    if (lastStart === undefined) due = true;
    else if ('every' in want) due = now - lastStart >= want.every;
    else {
      const prev = CronExpressionParser.parse(want.pattern, { tz: want.tz, currentDate: new Date(now) }).prev().getTime();
      due = prev > lastStart;
    }
    if (!due) continue;
    const runId = newRunId();
    await ctx.queues.crawl.add(CRAWL_JOB_NAME, { sourceKey: r.key, trigger: 'schedule', runId } satisfies CrawlRunJob, { ...CRAWL_JOB_OPTS, jobId: `catchup-${runId}` });
    out.push({ source: r.key, runId });
  }
  if (out.length) ctx.log.info({ runs: out }, 'scheduled runs that were due started');
  return out;
}

export interface SyncResult {
  sources: SourceRow[];
  /** Sources declared by an earlier sync that are no longer in the file: now disabled. */
  disabled: string[];
  schedules: ScheduleSyncResult;
}

/**
 * The sources file is the truth: write its sources, disable the ones it no longer declares
 * (rows created for undeclared hosts, without a declaration, are left alone), then make the
 * schedulers match. Also ends crawl runs whose Redis state is gone (e.g. after a Redis restart).
 */
export async function syncFromDefs(ctx: AppContext, defs: SourceDef[]): Promise<SyncResult> {
  const sources = await syncSources(ctx.db, defs);
  const keys = defs.map((d) => d.key);
  const gone = await ctx.db.source.findMany({ where: { key: { notIn: keys }, enabled: true }, select: { key: true, config: true } });
  const disabled = gone.filter((g) => g.config != null).map((g) => g.key);
  if (disabled.length) await ctx.db.source.updateMany({ where: { key: { in: disabled } }, data: { enabled: false } });
  const schedules = await syncSchedules(ctx);
  await sweepRuns(ctx).catch((err) => ctx.log.warn({ err: (err as Error).message }, 'sweeping crawl runs failed'));
  return { sources, disabled, schedules };
}
