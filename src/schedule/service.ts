// What the CLI (`newspipe schedule ...`), the HTTP API and the dashboard call: list schedules,
// run a source now, pause and resume its schedule; and the CrawlRun history.
//
//   listSchedules(ctx)                       -> ScheduleInfo[]
//   getSchedule(ctx, key)                    -> ScheduleInfo (throws ScheduleError 404)
//   runNow(ctx, key, trigger = 'manual')     -> { runId, jobId, inProgress } (404 unknown, 409 no entry points)
//   pause(ctx, key) / resume(ctx, key)       -> ScheduleInfo (404 unknown, 409 no schedule)
//   scheduleService(ctx, { trigger })        -> the same as an object (src/server's ScheduleService)
//   crawlRunService(ctx)                     -> listCrawlRuns / getCrawlRun / recordRun (src/server's CrawlRunService)
import type { AppContext } from '../runtime/context.js';
import { newRunId } from '../queues/runs.js';
import type { CrawlRunJob } from '../queues/jobs.js';
import { crawlSettings } from '../sources/settings.js';
import type { SourceRow } from '../store/sources.js';
import { createCrawlRun, crawlRunInfo, getCrawlRun, lastCrawlRuns, listCrawlRuns, type CrawlRunFilter, type CrawlRunInfo, type CrawlRunRow } from '../store/runs.js';
import { allSchedulers, CRAWL_JOB_NAME, CRAWL_JOB_OPTS, removeScheduler, upsertScheduler, wantedRepeat } from './sync.js';
import { crawlKeys, withMutex, type RunState } from './locks.js';
import { DEFAULT_RUN_TIMEOUT_MS } from '../sources/settings.js';
import { formatDuration } from '../sources/duration.js';

/** A request the service refuses; `status` is the HTTP status that fits (404 unknown source, 409 not possible). */
export class ScheduleError extends Error {
  constructor(message: string, readonly status: 404 | 409) {
    super(message);
    this.name = 'ScheduleError';
  }
}

export interface ScheduleInfo {
  /** Source key; one schedule per source (the job scheduler's id). */
  source: string;
  /** As declared in the sources file: `every: 30m`, or `cron` with `tz` (default: the source's timezone). */
  every: string | null;
  cron: string | null;
  tz: string | null;
  /** The source is enabled in the sources file. */
  enabled: boolean;
  /** Paused by an operator: no scheduler until resumed ("run now" still works). */
  paused: boolean;
  /** `active`: a job scheduler exists; `paused`; `declared`: in the file but not scheduled (disabled, or not synced). */
  state: 'active' | 'paused' | 'declared';
  /** Next firing (ISO), from the job scheduler. */
  nextRunAt: string | null;
  /** The source's latest run (any trigger; skipped triggers left out). */
  lastRunId: string | null;
  lastRunAt: string | null;
  lastRunStatus: string | null;
  lastRun: CrawlRunInfo | null;
}

function info(row: SourceRow | null, key: string, sched: { next?: number | null; every?: number; pattern?: string; tz?: string } | undefined, last: CrawlRunRow | undefined): ScheduleInfo {
  const s = row ? crawlSettings(row).schedule : null;
  const lastInfo = last ? crawlRunInfo({ ...last, source: { key } }) : null;
  return {
    source: key,
    every: s?.every ?? (s ? null : sched?.every ? formatDuration(sched.every) : null),
    cron: s?.cron ?? (s ? null : (sched?.pattern ?? null)),
    tz: s?.cron ? (s.tz ?? row?.timezone ?? null) : s ? null : (sched?.tz ?? null),
    enabled: row?.enabled ?? false,
    paused: row?.paused ?? false,
    state: sched ? 'active' : row?.paused ? 'paused' : 'declared',
    nextRunAt: sched?.next ? new Date(sched.next).toISOString() : null,
    lastRunId: last?.id ?? null,
    lastRunAt: last?.startedAt.toISOString() ?? null,
    lastRunStatus: last?.status ?? null,
    lastRun: lastInfo,
  };
}

/** Every source with a schedule in the file, plus any job scheduler without one (left from an old file until the next sync). */
export async function listSchedules(ctx: AppContext): Promise<ScheduleInfo[]> {
  const [rows, scheds, last] = await Promise.all([
    ctx.db.source.findMany({ orderBy: { key: 'asc' } }),
    allSchedulers(ctx),
    lastCrawlRuns(ctx.db),
  ]);
  const byKey = new Map(scheds.map((s) => [s.key, s]));
  const out: ScheduleInfo[] = [];
  for (const r of rows) {
    if (!crawlSettings(r).schedule && !byKey.has(r.key)) continue;
    out.push(info(r, r.key, byKey.get(r.key), last.get(r.id)));
    byKey.delete(r.key);
  }
  for (const [key, s] of byKey) out.push(info(null, key, s, undefined));
  return out.sort((a, b) => a.source.localeCompare(b.source));
}

async function sourceOrThrow(ctx: AppContext, key: string): Promise<SourceRow> {
  const row = await ctx.db.source.findUnique({ where: { key } });
  if (!row) throw new ScheduleError(`unknown source "${key}"; see \`newspipe sources list\``, 404);
  return row;
}

export async function getSchedule(ctx: AppContext, key: string): Promise<ScheduleInfo> {
  const row = await sourceOrThrow(ctx, key);
  const [sched, last] = await Promise.all([ctx.queues.crawl.getJobScheduler(key), lastCrawlRuns(ctx.db)]);
  return info(row, key, sched ?? undefined, last.get(row.id));
}

/**
 * Queues a run of the source now, once (also when its schedule is paused or it has none). If a
 * run of the source is in progress, this trigger will be recorded as a skipped run: see
 * `inProgress`.
 */
export async function runNow(ctx: AppContext, key: string, trigger = 'manual'): Promise<{ runId: string; jobId: string; inProgress: string | null }> {
  const row = await sourceOrThrow(ctx, key);
  if (!crawlSettings(row).entryPoints.length) throw new ScheduleError(`source "${key}" declares no entry points to crawl`, 409);
  const runId = newRunId();
  const jobId = `run-${runId}`;
  const inProgress = await ctx.redis.get(crawlKeys(ctx).lock(key));
  await ctx.queues.crawl.add(CRAWL_JOB_NAME, { sourceKey: key, trigger, runId } satisfies CrawlRunJob, { ...CRAWL_JOB_OPTS, jobId });
  return { runId, jobId, inProgress };
}

/** Removes the source's scheduler and remembers it is paused (Source.paused), so a sync leaves it off. */
export async function pause(ctx: AppContext, key: string): Promise<ScheduleInfo> {
  const row = await sourceOrThrow(ctx, key);
  if (!crawlSettings(row).schedule) throw new ScheduleError(`source "${key}" has no schedule`, 409);
  await withMutex(ctx.redis, crawlKeys(ctx).sync, async () => {
    await ctx.db.source.update({ where: { key }, data: { paused: true } });
    await removeScheduler(ctx, key);
  });
  ctx.log.info({ source: key }, 'schedule paused');
  return getSchedule(ctx, key);
}

/** Clears the pause and re-creates the scheduler (if the source is enabled). */
export async function resume(ctx: AppContext, key: string): Promise<ScheduleInfo> {
  const row = await sourceOrThrow(ctx, key);
  if (!crawlSettings(row).schedule) throw new ScheduleError(`source "${key}" has no schedule`, 409);
  await withMutex(ctx.redis, crawlKeys(ctx).sync, async () => {
    const updated = await ctx.db.source.update({ where: { key }, data: { paused: false } });
    const want = wantedRepeat(updated);
    if (want) await upsertScheduler(ctx, key, want);
  });
  ctx.log.info({ source: key }, 'schedule resumed');
  return getSchedule(ctx, key);
}

/** The functions above as one object, for `buildServer(ctx, { schedules })`. */
export function scheduleService(ctx: AppContext, opts: { trigger?: string } = {}) {
  return {
    listSchedules: () => listSchedules(ctx),
    runNow: (source: string) => runNow(ctx, source, opts.trigger ?? 'api'),
    pause: (source: string) => pause(ctx, source),
    resume: (source: string) => resume(ctx, source),
  };
}

/**
 * Records a run started outside the scheduler (e.g. an API crawl through `seedRun`), so it gets
 * a CrawlRun row that ends with its counts like a scheduled run. Call it right after seeding.
 */
export async function recordRun(ctx: AppContext, run: { runId: string; source: string | null; trigger: string }): Promise<void> {
  const row = run.source ? await ctx.db.source.findUnique({ where: { key: run.source } }) : null;
  const state: RunState = { source: run.source, startedAt: Date.now(), timeoutMs: row ? crawlSettings(row).runTimeoutMs : DEFAULT_RUN_TIMEOUT_MS };
  await ctx.redis.set(crawlKeys(ctx).state(run.runId), JSON.stringify(state), 'PX', state.timeoutMs + 10 * 60_000);
  await createCrawlRun(ctx.db, { id: run.runId, sourceId: row?.id ?? null, trigger: run.trigger });
}

/** CrawlRun history, for `buildServer(ctx, { crawlRuns })`. */
export function crawlRunService(ctx: AppContext) {
  return {
    async listCrawlRuns(filter: CrawlRunFilter = {}): Promise<CrawlRunInfo[]> {
      return (await listCrawlRuns(ctx.db, filter)).map(crawlRunInfo);
    },
    async getCrawlRun(runId: string): Promise<CrawlRunInfo | null> {
      const r = await getCrawlRun(ctx.db, runId);
      return r ? crawlRunInfo(r) : null;
    },
    async recordRun(run: { runId: string; source: string | null; trigger: string; urls?: string[] }): Promise<void> {
      await recordRun(ctx, run);
    },
  };
}
