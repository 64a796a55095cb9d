// What the scheduler and a crawl run need from a Source row: its declaration (the `config`
// column, written by the sync) read back with defaults, and the schedule as BullMQ repeat options.
import { sourceSchema, type EntryPoint, type ScheduleDef, type SourceDef } from './schema.js';
import { formatDuration, parseDuration } from './duration.js';

export const DEFAULT_RECHECK = { windowMs: 48 * 3_600_000, limit: 200 };
export const DEFAULT_RUN_TIMEOUT_MS = 2 * 3_600_000;

export interface CrawlSettings {
  entryPoints: EntryPoint[];
  schedule: ScheduleDef | null;
  recheck: { windowMs: number; limit: number };
  runTimeoutMs: number;
  maxPagesPerRun?: number;
}

interface RowLike {
  key: string;
  timezone?: string;
  config?: unknown;
}

/** The declaration stored with the row, validated again (rows written by hand may lack defaults). */
export function sourceDefOf(row: RowLike): SourceDef | null {
  const r = sourceSchema.safeParse(row.config ?? null);
  return r.success ? r.data : null;
}

export function crawlSettings(row: RowLike): CrawlSettings {
  const def = sourceDefOf(row);
  return {
    entryPoints: def?.entryPoints ?? [],
    schedule: def?.schedule ?? null,
    recheck: {
      windowMs: def?.recheck ? (parseDuration(def.recheck.window) ?? DEFAULT_RECHECK.windowMs) : DEFAULT_RECHECK.windowMs,
      limit: def?.recheck?.limit ?? DEFAULT_RECHECK.limit,
    },
    runTimeoutMs: (def?.runTimeout && parseDuration(def.runTimeout)) || DEFAULT_RUN_TIMEOUT_MS,
    maxPagesPerRun: def?.maxPagesPerRun,
  };
}

/** BullMQ repeat options of a schedule: `{ every: ms }` or `{ pattern, tz }` (tz: the schedule's, else the source's). */
export function repeatOptions(schedule: ScheduleDef, sourceTimezone = 'UTC'): { every: number } | { pattern: string; tz: string } {
  if (schedule.every !== undefined) return { every: parseDuration(schedule.every)! };
  return { pattern: schedule.cron!.trim(), tz: schedule.tz ?? sourceTimezone };
}

/** `every 15m` or `cron "0 * * * *" (Asia/Tehran)`. */
export function describeRepeat(r: { every?: number | null; pattern?: string | null; tz?: string | null }): string {
  if (r.every) return `every ${formatDuration(r.every)}`;
  if (r.pattern) return `cron "${r.pattern}"${r.tz ? ` (${r.tz})` : ''}`;
  return '-';
}
