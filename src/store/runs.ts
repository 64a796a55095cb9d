// CrawlRun rows: one per crawl of a source (scheduled, manual, API), with its final counts.
import type { Db } from './db.js';

export type CrawlRunRow = Awaited<ReturnType<Db['crawlRun']['findUniqueOrThrow']>>;
export type CrawlRunStatus = CrawlRunRow['status'];
export type CrawlRunWithSource = CrawlRunRow & { source: { key: string } | null };

/** The counts a run ends with (copied from its Redis counters). */
export interface CrawlRunCounts {
  discovered: number;
  new: number;
  updated: number;
  unchanged: number;
  failed: number;
  known: number;
  fetched: number;
  notModified: number;
  listings: number;
}

export const COUNT_FIELDS: (keyof CrawlRunCounts | 'rechecked')[] = [
  'discovered', 'new', 'updated', 'unchanged', 'failed', 'known', 'fetched', 'notModified', 'listings', 'rechecked',
];

/** Starts a run (idempotent: a retried job finds its row). */
export async function createCrawlRun(
  db: Db,
  run: { id: string; sourceId: number | null; trigger: string; jobId?: string | null },
): Promise<CrawlRunRow> {
  return db.crawlRun.upsert({
    where: { id: run.id },
    create: { id: run.id, sourceId: run.sourceId, trigger: run.trigger, jobId: run.jobId ?? null, status: 'running' },
    update: {},
  });
}

/** A trigger that did not start a run because another run of the source was still going. */
export async function recordSkippedRun(
  db: Db,
  run: { id: string; sourceId: number | null; trigger: string; jobId?: string | null; reason: string },
): Promise<CrawlRunRow> {
  const now = new Date();
  return db.crawlRun.upsert({
    where: { id: run.id },
    create: { id: run.id, sourceId: run.sourceId, trigger: run.trigger, jobId: run.jobId ?? null, status: 'skipped', startedAt: now, finishedAt: now, error: run.reason },
    update: {},
  });
}

/**
 * Ends a running run with its counts. Only the first caller wins (several processes may see the
 * run's last URL finish): returns false when the run was not running any more.
 */
export async function finishCrawlRun(
  db: Db,
  id: string,
  end: { status: Exclude<CrawlRunStatus, 'running'>; counts?: Partial<CrawlRunCounts>; error?: string | null },
): Promise<boolean> {
  const res = await db.crawlRun.updateMany({
    where: { id, status: 'running' },
    data: { ...(end.counts ?? {}), status: end.status, error: end.error ?? null, finishedAt: new Date() },
  });
  if (res.count === 0) return false;
  // A crawl of URLs without --source belongs to a source when all its pages do: it is then that
  // source's last run like a scheduled one.
  await db.$executeRaw`
    UPDATE "CrawlRun" r SET "sourceId" = p.sid
    FROM (SELECT min("sourceId") AS sid FROM "Page" WHERE "runId" = ${id} HAVING count(DISTINCT "sourceId") = 1 AND count(*) = count("sourceId")) p
    WHERE r.id = ${id} AND r."sourceId" IS NULL`;
  return true;
}

export async function setRechecked(db: Db, id: string, rechecked: number): Promise<void> {
  await db.crawlRun.updateMany({ where: { id }, data: { rechecked } });
}

export async function runningCrawlRuns(db: Db): Promise<CrawlRunWithSource[]> {
  return db.crawlRun.findMany({ where: { status: 'running' }, include: { source: { select: { key: true } } }, orderBy: { startedAt: 'asc' } });
}

export interface CrawlRunFilter {
  source?: string;
  status?: CrawlRunStatus;
  limit?: number;
  offset?: number;
}

/** Newest first. */
export async function listCrawlRuns(db: Db, filter: CrawlRunFilter = {}): Promise<CrawlRunWithSource[]> {
  return db.crawlRun.findMany({
    where: {
      ...(filter.source ? { source: { key: filter.source } } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    },
    include: { source: { select: { key: true } } },
    orderBy: [{ startedAt: 'desc' }, { id: 'asc' }],
    take: Math.min(Math.max(filter.limit ?? 50, 1), 1000),
    skip: filter.offset ?? 0,
  });
}

export async function getCrawlRun(db: Db, id: string): Promise<CrawlRunWithSource | null> {
  return db.crawlRun.findUnique({ where: { id }, include: { source: { select: { key: true } } } });
}

/** The latest run of each source that started one (skipped triggers left out), by source id. */
export async function lastCrawlRuns(db: Db): Promise<Map<number, CrawlRunRow>> {
  const rows = await db.crawlRun.findMany({
    where: { sourceId: { not: null }, status: { not: 'skipped' } },
    distinct: ['sourceId'],
    orderBy: [{ sourceId: 'asc' }, { startedAt: 'desc' }],
  });
  return new Map(rows.map((r) => [r.sourceId!, r]));
}

/** A row as the API shows it: counts grouped, dates as ISO strings. */
export interface CrawlRunInfo {
  runId: string;
  source: string | null;
  trigger: string | null;
  status: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  counts: Record<string, number> | null;
  error: string | null;
  jobId: string | null;
}

export function crawlRunInfo(r: CrawlRunWithSource): CrawlRunInfo {
  return {
    runId: r.id,
    source: r.source?.key ?? null,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    counts: r.status === 'skipped' ? null : Object.fromEntries(COUNT_FIELDS.map((f) => [f, r[f]])),
    error: r.error,
    jobId: r.jobId,
  };
}

/** What Postgres holds of a run's pages: the totals when Redis lost the run's counters. */
export async function runTotalsFromPages(db: Db, runId: string): Promise<{ fetched: number; new: number; updated: number; unchanged: number; notModified: number; failed: number }> {
  const { rows } = await db.pool.query<Record<string, string>>(
    `SELECT count(*) FILTER (WHERE origin = 'fetch' AND status <> 'failed' AND status <> 'not_modified') AS fetched,
            count(*) FILTER (WHERE outcome = 'new') AS new,
            count(*) FILTER (WHERE outcome = 'updated') AS updated,
            count(*) FILTER (WHERE outcome = 'unchanged' AND status <> 'not_modified') AS unchanged,
            count(*) FILTER (WHERE status = 'not_modified') AS "notModified",
            count(*) FILTER (WHERE status = 'failed') AS failed
       FROM "Page" WHERE "runId" = $1`,
    [runId],
  );
  const r = rows[0] ?? {};
  const n = (k: string) => Number(r[k] ?? 0);
  return { fetched: n('fetched'), new: n('new'), updated: n('updated'), unchanged: n('unchanged'), notModified: n('notModified'), failed: n('failed') };
}
