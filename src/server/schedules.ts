// What the API and the dashboard need from the scheduler (src/schedule/) and the CrawlRun
// table. The scheduler provides a `ScheduleService` and a `CrawlRunService`
// (`buildServer(ctx, { schedules, crawlRuns })`); until then the defaults below work from what
// exists: schedules as declared in the sources file (no pause/resume), "run now" as a crawl of
// the source's entry points, and CrawlRun rows when `ctx.db.crawlRun` exists (else none).
import type { AppContext } from '../runtime/context.js';
import { seedRun } from '../frontier/frontier.js';
import { HttpError } from './validation.js';

export interface ScheduleInfo {
  /** Source key; one schedule per source. */
  source: string;
  /** As declared in the sources file: `every: 30m` or `cron` (+ `tz`). */
  every: string | null;
  cron: string | null;
  tz: string | null;
  /** The source is enabled in the sources file. */
  enabled: boolean;
  /** Paused by an operator (a paused schedule does not fire; "run now" still works). */
  paused: boolean;
  /** Next firing (ISO), when the scheduler knows it. */
  nextRunAt: string | null;
  /** The last run the scheduler started for this source. */
  lastRunId: string | null;
  lastRunAt: string | null;
  /**
   * `active`: registered with the scheduler; `paused`; `declared`: in the sources file but not
   * registered (scheduler not running, or source disabled).
   */
  state: 'active' | 'paused' | 'declared';
}

export interface ScheduleService {
  listSchedules(): Promise<ScheduleInfo[]>;
  /** Starts a crawl of the source now (also for a paused schedule). Throws HttpError(404) for an unknown source. */
  runNow(source: string): Promise<{ runId: string }>;
  pause(source: string): Promise<ScheduleInfo>;
  resume(source: string): Promise<ScheduleInfo>;
}

export interface CrawlRunInfo {
  runId: string;
  source: string | null;
  /** What started it: `schedule`, `api`, `cli`, `dashboard`, ... */
  trigger: string | null;
  /** `running`, `finished`, `failed`, `cancelled`, ... */
  status: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Final counters when the run finished (same names as the Redis run counters). */
  counts: Record<string, number> | null;
  error: string | null;
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
          paused: (r as { paused?: unknown }).paused === true, nextRunAt: null, lastRunId: null, lastRunAt: null,
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

type Row = Record<string, unknown>;
const COUNT_COLUMNS = ['discovered', 'new', 'updated', 'unchanged', 'failed', 'known', 'skipped', 'fetched', 'notModified', 'listings', 'rechecked', 'queued'];
const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? null : String(v));
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : null);

/** Maps a CrawlRun row whatever its exact columns (see the expected model in the report / schedules.ts header). */
export function crawlRunFromRow(r: Row, sourceKeys: Map<number, string>): CrawlRunInfo {
  const src = r.source as Row | undefined;
  // Counts as one JSON column, or as one integer column per counter.
  let counts: Record<string, number> | null = r.counts && typeof r.counts === 'object' ? (r.counts as Record<string, number>) : null;
  if (!counts) {
    const cols = COUNT_COLUMNS.filter((k) => typeof r[k] === 'number');
    if (cols.length) counts = Object.fromEntries(cols.map((k) => [k, r[k] as number]));
  }
  return {
    runId: String(r.runId ?? r.id),
    source: str(src?.key) ?? str(r.sourceKey) ?? (typeof r.sourceId === 'number' ? (sourceKeys.get(r.sourceId) ?? null) : null),
    trigger: str(r.trigger),
    status: str(r.status),
    startedAt: iso(r.startedAt ?? r.createdAt),
    finishedAt: iso(r.finishedAt),
    counts,
    error: str(r.error),
  };
}

/** CrawlRun rows through Prisma when the model exists (`ctx.db.crawlRun`), else none. */
export function prismaCrawlRunService(ctx: AppContext): CrawlRunService {
  type Delegate = { findMany(args: unknown): Promise<Row[]>; findFirst(args: unknown): Promise<Row | null> };
  const model = () => (ctx.db as unknown as { crawlRun?: Delegate }).crawlRun;
  let warned = false;
  const failed = (err: unknown) => {
    if (!warned) ctx.log.warn({ err: (err as Error).message }, 'reading CrawlRun rows failed; the model does not have the expected fields');
    warned = true;
  };
  const keys = async () => new Map((await ctx.db.source.findMany({ select: { id: true, key: true } })).map((s) => [s.id, s.key]));
  const idField = async (m: Delegate, runId: string) => {
    for (const where of [{ id: runId }, { runId }]) {
      try {
        const row = await m.findFirst({ where });
        if (row) return row;
      } catch {
        /* that column does not exist */
      }
    }
    return null;
  };
  return {
    async listCrawlRuns(filter = {}) {
      const m = model();
      if (!m?.findMany) return [];
      const sourceKeys = await keys();
      const sourceId = filter.source ? [...sourceKeys].find(([, k]) => k === filter.source)?.[0] : undefined;
      if (filter.source && sourceId === undefined) return [];
      try {
        const rows = await m.findMany({
          where: sourceId !== undefined ? { sourceId } : {},
          orderBy: { startedAt: 'desc' },
          take: filter.limit ?? 50,
          skip: filter.offset ?? 0,
        });
        return rows.map((r) => crawlRunFromRow(r, sourceKeys));
      } catch (err) {
        failed(err);
        return [];
      }
    },
    async getCrawlRun(runId) {
      const m = model();
      if (!m?.findFirst) return null;
      const row = await idField(m, runId);
      return row ? crawlRunFromRow(row, await keys()) : null;
    },
  };
}
