// What the API and the dashboard need from the scheduler (src/schedule/) and the CrawlRun
// table. The scheduler provides a `ScheduleService` and a `CrawlRunService`
// (`buildServer(ctx, { schedules, crawlRuns })`, as `serve` and `start` do). Without them the
// server reads CrawlRun rows itself, and the default below serves schedules as declared in the
// sources file (no pause/resume) with "run now" as a crawl of the source's entry points.
import type { AppContext } from '../runtime/context.js';
import { seedRun } from '../frontier/frontier.js';
import { HttpError } from './validation.js';
import type { ScheduleInfo } from '../schedule/service.js';
import type { CrawlRunInfo } from '../store/runs.js';

export type { ScheduleInfo, CrawlRunInfo };

export interface ScheduleService {
  listSchedules(): Promise<ScheduleInfo[]>;
  /** Starts a crawl of the source now (also for a paused schedule). Throws HttpError(404) for an unknown source. */
  runNow(source: string): Promise<{ runId: string }>;
  pause(source: string): Promise<ScheduleInfo>;
  resume(source: string): Promise<ScheduleInfo>;
}

export interface CrawlRunService {
  listCrawlRuns(filter?: { source?: string; limit?: number; offset?: number }): Promise<CrawlRunInfo[]>;
  getCrawlRun(runId: string): Promise<CrawlRunInfo | null>;
  /** Optional: record a run the API or dashboard started (before its first job runs). */
  recordRun?(run: { runId: string; source: string | null; trigger: 'api' | 'dashboard'; urls: string[] }): Promise<void>;
}

interface DeclaredSchedule {
  every?: string;
  cron?: string;
  tz?: string;
}

function declaredSchedule(config: unknown): DeclaredSchedule | null {
  if (!config || typeof config !== 'object') return null;
  const s = (config as { schedule?: unknown }).schedule;
  if (!s || typeof s !== 'object') return null;
  const { every, cron, tz } = s as Record<string, unknown>;
  return {
    every: typeof every === 'string' ? every : undefined,
    cron: typeof cron === 'string' ? cron : undefined,
    tz: typeof tz === 'string' ? tz : undefined,
  };
}

function entryPointUrls(config: unknown): string[] {
  const eps = (config as { entryPoints?: unknown } | null)?.entryPoints;
  if (!Array.isArray(eps)) return [];
  return eps.map((e) => (e && typeof e === 'object' ? (e as { url?: unknown }).url : undefined)).filter((u): u is string => typeof u === 'string');
}

/** Schedules from the sources file; pause/resume need the scheduler (501 until it is wired). */
export function declaredScheduleService(ctx: AppContext): ScheduleService {
  return {
    async listSchedules() {
      const rows = await ctx.db.source.findMany({ orderBy: { key: 'asc' } });
      return rows.flatMap((r): ScheduleInfo[] => {
        const s = declaredSchedule(r.config);
        if (!s || (!s.every && !s.cron)) return [];
        return [{
          source: r.key, every: s.every ?? null, cron: s.cron ?? null, tz: s.tz ?? null, enabled: r.enabled,
          paused: (r as { paused?: unknown }).paused === true, nextRunAt: null, lastRunId: null, lastRunAt: null, lastRunStatus: null, lastRun: null,
          state: (r as { paused?: unknown }).paused === true ? 'paused' : 'declared',
        }];
      });
    },
    async runNow(source) {
      const row = await ctx.db.source.findUnique({ where: { key: source } });
      if (!row) throw new HttpError(404, `unknown source "${source}"`);
      const urls = entryPointUrls(row.config);
      if (!urls.length) throw new HttpError(409, `source "${source}" declares no entry points to crawl`);
      // Entry points are listings: follow their article links (depth 1), like a scheduled run.
      const { runId } = await seedRun(ctx, urls, { scope: { maxDepth: 1 }, sourceKey: source });
      return { runId };
    },
    async pause() {
      throw new HttpError(501, 'pausing schedules needs the scheduler, which this build does not run yet');
    },
    async resume() {
      throw new HttpError(501, 'resuming schedules needs the scheduler, which this build does not run yet');
    },
  };
}
