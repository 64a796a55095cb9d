// Read side shared by the JSON API and the dashboard pages.
import type { AppContext } from '../runtime/context.js';
import { Prisma } from '../store/db.js';
import { articleTotals, countArticles, listArticles, type ArticleFilter, type ArticleRecord, toArticleRecord } from '../store/queries.js';
import type { QueueName } from '../queues/jobs.js';
import type { RunCounts } from '../queues/runs.js';
import type { CrawlRunInfo, CrawlRunService, ScheduleInfo, ScheduleService } from './schedules.js';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface Services {
  schedules: ScheduleService;
  crawlRuns: CrawlRunService;
}

export async function queueCounts(ctx: AppContext): Promise<Record<string, Record<JobState, number> & { isPaused: boolean }>> {
  const out: Record<string, Record<JobState, number> & { isPaused: boolean }> = {};
  for (const [name, q] of Object.entries(ctx.queues) as [QueueName, (typeof ctx.queues)[QueueName]][]) {
    const [c, isPaused] = await Promise.all([q.getJobCounts(...JOB_STATES), q.isPaused()]);
    out[name] = { ...(Object.fromEntries(JOB_STATES.map((s) => [s, c[s] ?? 0])) as Record<JobState, number>), isPaused };
  }
  return out;
}

export async function searchArticles(ctx: AppContext, f: ArticleFilter): Promise<{ total: number; items: ArticleRecord[] }> {
  const [total, items] = await Promise.all([countArticles(ctx.db, f), listArticles(ctx.db, f)]);
  return { total, items };
}

export interface ArticleDetail extends ArticleRecord {
  modifiedAt: string | null;
  pageId: number | null;
  revisions: { revision: number; title: string; lead: string | null; body: string; contentHash: string; seenAt: string; replacedAt: string; pageId: number | null }[];
  links: { kind: 'related' | 'featured'; position: number; title: string; url: string | null; snippet: string | null; date: string | null }[];
  pages: { id: number; status: string; origin: string; url: string | null; path: string | null; httpStatus: number | null; outcome: string | null; error: string | null; runId: string | null; createdAt: string }[];
}

export async function getArticle(ctx: AppContext, source: string, storyCode: string): Promise<ArticleDetail | null> {
  const r = await ctx.db.article.findFirst({
    where: { storyCode, source: { key: source } },
    include: {
      source: { select: { key: true, id: true } },
      links: { orderBy: [{ kind: 'asc' }, { position: 'asc' }] },
      revisions: { orderBy: { revision: 'desc' } },
    },
  });
  if (!r) return null;
  const pages = await ctx.db.page.findMany({
    where: { sourceId: r.source.id, OR: [{ storyCode }, ...(r.pageId ? [{ id: r.pageId }] : [])] },
    orderBy: { id: 'desc' },
    take: 50,
  });
  const links = r.links.map((l) => ({
    kind: l.kind, position: l.position, title: l.title, url: l.url, snippet: l.snippet, date: l.date ? l.date.toISOString().slice(0, 10) : null,
  }));
  return {
    ...toArticleRecord(r),
    modifiedAt: r.modifiedAt?.toISOString() ?? null,
    pageId: r.pageId,
    links,
    revisions: r.revisions.map((v) => ({
      revision: v.revision, title: v.title, lead: v.lead, body: v.body, contentHash: v.contentHash,
      seenAt: v.seenAt.toISOString(), replacedAt: v.replacedAt.toISOString(), pageId: v.pageId,
    })),
    pages: pages.map((p) => ({
      id: p.id, status: p.status, origin: p.origin, url: p.url, path: p.path, httpStatus: p.httpStatus, outcome: p.outcome,
      error: p.error, runId: p.runId, createdAt: p.createdAt.toISOString(),
    })),
  };
}

export interface SourceOverview {
  key: string;
  name: string;
  baseUrl: string | null;
  parserProfile: string;
  timezone: string;
  language: string | null;
  enabled: boolean;
  articles: number;
  lastArticleAt: string | null;
  lastPageAt: string | null;
  lastRun: { runId: string; at: string | null; status: string | null } | null;
  schedule: ScheduleInfo | null;
}

export async function listSources(ctx: AppContext, services: Services): Promise<SourceOverview[]> {
  const [sources, counts, lastArticles, lastPages, schedules, runs] = await Promise.all([
    ctx.db.source.findMany({ orderBy: { key: 'asc' } }),
    ctx.db.article.groupBy({ by: ['sourceId'], _count: { _all: true } }),
    ctx.db.article.groupBy({ by: ['sourceId'], _max: { lastSeenAt: true } }),
    ctx.db.page.groupBy({ by: ['sourceId'], _max: { id: true, createdAt: true } }),
    services.schedules.listSchedules().catch((err: Error) => {
      ctx.log.warn({ err: err.message }, 'listing schedules failed');
      return [] as ScheduleInfo[];
    }),
    services.crawlRuns.listCrawlRuns({ limit: 200 }),
  ]);
  const count = new Map(counts.map((c) => [c.sourceId, c._count._all]));
  const lastArticle = new Map(lastArticles.map((c) => [c.sourceId, c._max.lastSeenAt]));
  const lastPage = new Map(lastPages.map((c) => [c.sourceId, c._max]));
  const lastPageIds = lastPages.map((p) => p._max.id).filter((id): id is number => id != null);
  const lastPageRuns = new Map(
    (await ctx.db.page.findMany({ where: { id: { in: lastPageIds } }, select: { sourceId: true, runId: true, createdAt: true } })).map((p) => [p.sourceId, p]),
  );
  const schedule = new Map(schedules.map((s) => [s.source, s]));
  const lastCrawlRun = new Map<string, CrawlRunInfo>();
  for (const r of runs) if (r.source && !lastCrawlRun.has(r.source)) lastCrawlRun.set(r.source, r);
  return sources.map((s) => {
    const cr = lastCrawlRun.get(s.key);
    const lp = lastPageRuns.get(s.id);
    return {
      key: s.key,
      name: s.name,
      baseUrl: s.baseUrl,
      parserProfile: s.parserProfile,
      timezone: s.timezone,
      language: s.language,
      enabled: s.enabled,
      articles: count.get(s.id) ?? 0,
      lastArticleAt: lastArticle.get(s.id)?.toISOString() ?? null,
      lastPageAt: lastPage.get(s.id)?.createdAt?.toISOString() ?? null,
      // The newer of the last recorded crawl and the last run seen through its pages (a load).
      lastRun:
        lp?.runId && lp.runId !== cr?.runId && (!cr?.startedAt || lp.createdAt.toISOString() > cr.startedAt)
          ? { runId: lp.runId, at: lp.createdAt.toISOString(), status: null }
          : cr
            ? { runId: cr.runId, at: cr.startedAt, status: cr.status }
            : null,
      schedule: schedule.get(s.key) ?? null,
    };
  });
}

export async function stats(ctx: AppContext) {
  const [queues, totals, failedPages] = await Promise.all([
    queueCounts(ctx),
    articleTotals(ctx.db),
    ctx.db.page.count({ where: { status: 'failed' } }),
  ]);
  return { prefix: ctx.config.NEWSPIPE_QUEUE_PREFIX, queues, ...totals, failedPages };
}

// ---------------------------------------------------------------------------------------------
// Runs: the Redis counters of a run, its CrawlRun row when the scheduler records one, and its
// pages. Runs without a CrawlRun row are found through the pages they brought in (last 7 days).

/** A run's state in one word, the same in the API, the dashboard and `newspipe schedule runs`. */
export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'skipped';

/** The CrawlRun row's status when there is one; otherwise what the Redis counters say. */
export function runStatusOf(rowStatus: string | null | undefined, c: RunCounts): RunStatus {
  if (rowStatus) return rowStatus as RunStatus;
  return c.pending > 0 ? 'running' : 'finished';
}

export interface RunSummary {
  runId: string;
  source: string | null;
  trigger: string | null;
  status: RunStatus;
  startedAt: string | null;
  finishedAt: string | null;
  lastActivityAt: string | null;
  pages: number | null;
  counts: RunCounts;
}

const RECENT_RUN_DAYS = 7;

export async function listRuns(ctx: AppContext, services: Services, f: { source?: string; limit: number; offset: number }): Promise<RunSummary[]> {
  const crawlRuns = await services.crawlRuns.listCrawlRuns({ source: f.source, limit: f.limit, offset: f.offset });
  const known = new Set(crawlRuns.map((r) => r.runId));
  // Runs seen only through their pages (no CrawlRun row): newest activity first.
  const since = new Date(Date.now() - RECENT_RUN_DAYS * 24 * 3600 * 1000);
  const sourceFilter = f.source ? Prisma.sql`AND s.key = ${f.source}` : Prisma.empty;
  const pageRuns = await ctx.db.$queryRaw<{ runId: string; source: string | null; first: Date; last: Date; pages: bigint }[]>`
    SELECT p."runId" AS "runId", min(s.key) AS source, min(p."createdAt") AS first, max(p."createdAt") AS last, count(*) AS pages
    FROM "Page" p LEFT JOIN "Source" s ON s.id = p."sourceId"
    WHERE p."runId" IS NOT NULL AND p."createdAt" >= ${since} ${sourceFilter}
    GROUP BY p."runId"
    ORDER BY max(p."createdAt") DESC
    LIMIT ${f.limit} OFFSET ${f.offset}`;
  const pageRunBy = new Map(pageRuns.map((r) => [r.runId, r]));
  const rows: (Omit<RunSummary, 'counts' | 'status'> & { status: string | null })[] = [
    ...crawlRuns.map((r) => {
      const p = pageRunBy.get(r.runId);
      return {
        runId: r.runId, source: r.source, trigger: r.trigger, status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt,
        lastActivityAt: p?.last.toISOString() ?? null, pages: p ? Number(p.pages) : null,
      };
    }),
    ...pageRuns
      .filter((r) => !known.has(r.runId))
      .map((r) => ({
        runId: r.runId, source: r.source, trigger: null, status: null, startedAt: r.first.toISOString(), finishedAt: null,
        lastActivityAt: r.last.toISOString(), pages: Number(r.pages),
      })),
  ];
  rows.sort((a, b) => (b.lastActivityAt ?? b.startedAt ?? '').localeCompare(a.lastActivityAt ?? a.startedAt ?? ''));
  const limited = rows.slice(0, f.limit);
  const counts = await Promise.all(limited.map((r) => ctx.runs.counts(r.runId)));
  return limited.map((r, i) => ({ ...r, status: runStatusOf(r.status, counts[i]), counts: counts[i] }));
}

export interface RunDetail {
  runId: string;
  status: RunStatus;
  source: string | null;
  counts: RunCounts;
  /** pending <= 0 after something was queued or counted. */
  done: boolean;
  failures: string[];
  pages: Record<string, number>;
  crawlRun: CrawlRunInfo | null;
}

export async function getRun(ctx: AppContext, services: Services, runId: string): Promise<RunDetail | null> {
  const [counts, failures, pages, crawlRun] = await Promise.all([
    ctx.runs.counts(runId),
    ctx.runs.failures(runId, 200),
    ctx.db.page.groupBy({ by: ['status'], where: { runId }, _count: { _all: true } }),
    services.crawlRuns.getCrawlRun(runId).catch(() => null),
  ]);
  const anyCount = Object.values(counts).some((n) => typeof n === 'number' && n !== 0);
  if (!anyCount && pages.length === 0 && !crawlRun) {
    // A run asked for ("run now") but not started by a worker yet.
    const job = await ctx.queues.crawl.getJob(`run-${runId}`);
    if (!job || (await job.getState()) === 'unknown') return null;
    const source = (job.data as { sourceKey?: unknown }).sourceKey;
    return { runId, status: 'queued', source: typeof source === 'string' ? source : null, counts, done: false, failures, pages: {}, crawlRun: null };
  }
  return {
    runId,
    status: runStatusOf(crawlRun?.status, counts),
    source: crawlRun?.source ?? null,
    counts,
    done: counts.pending <= 0 && anyCount,
    failures,
    pages: Object.fromEntries(pages.map((p) => [p.status, p._count._all])),
    crawlRun,
  };
}

// ---------------------------------------------------------------------------------------------
// Failed pages, grouped by the start of their error (the part before the first ":", e.g.
// "http-status 404" or "no-body"). Every failed Page row is listed: a URL that failed three
// times shows three rows.

export interface FailureGroup {
  prefix: string;
  pages: number;
  urls: number;
  last: string;
}

/** The group of failures without an error text (the SQL in failureGroups spells it too). */
const NO_REASON = '(no reason recorded)';

export function errorPrefix(error: string | null): string {
  if (!error) return NO_REASON;
  const i = error.indexOf(':');
  return (i > 0 ? error.slice(0, i) : error).slice(0, 80).trim();
}

export async function failureGroups(ctx: AppContext, source?: string): Promise<FailureGroup[]> {
  const sourceFilter = source ? Prisma.sql`AND p."sourceId" = (SELECT id FROM "Source" WHERE key = ${source})` : Prisma.empty;
  const rows = await ctx.db.$queryRaw<{ prefix: string; pages: bigint; urls: bigint; last: Date }[]>`
    SELECT CASE WHEN p.error IS NULL THEN '(no reason recorded)'
                WHEN position(':' in p.error) > 1 THEN btrim(left(split_part(p.error, ':', 1), 80))
                ELSE btrim(left(p.error, 80)) END AS prefix,
           count(*) AS pages, count(DISTINCT coalesce(p.url, p.path)) AS urls, max(p."createdAt") AS last
    FROM "Page" p
    WHERE p.status = 'failed' ${sourceFilter}
    GROUP BY 1
    ORDER BY count(*) DESC, 1`;
  return rows.map((r) => ({ prefix: r.prefix, pages: Number(r.pages), urls: Number(r.urls), last: r.last.toISOString() }));
}

export interface FailedPage {
  id: number;
  origin: string;
  url: string | null;
  path: string | null;
  source: string | null;
  httpStatus: number | null;
  error: string | null;
  prefix: string;
  runId: string | null;
  createdAt: string;
  /** How many failed rows this URL (or path) has in all. */
  failuresOfUrl: number;
}

export async function failedPages(
  ctx: AppContext,
  f: { prefix?: string; source?: string; url?: string; limit: number; offset: number },
): Promise<{ total: number; items: FailedPage[] }> {
  const conds = [Prisma.sql`p.status = 'failed'`];
  if (f.source) conds.push(Prisma.sql`s.key = ${f.source}`);
  if (f.url) conds.push(Prisma.sql`(p.url = ${f.url} OR p.path = ${f.url})`);
  if (f.prefix) {
    // A group name ("http-status 404") or the start of one ("http-status"), in any case.
    conds.push(
      f.prefix === NO_REASON
        ? Prisma.sql`p.error IS NULL`
        : Prisma.sql`starts_with(lower(p.error), lower(${f.prefix.trim()}))`,
    );
  }
  const where = Prisma.join(conds, ' AND ');
  const [[{ n }], rows] = await Promise.all([
    ctx.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Page" p LEFT JOIN "Source" s ON s.id = p."sourceId" WHERE ${where}`,
    ctx.db.$queryRaw<{ id: number; origin: string; url: string | null; path: string | null; source: string | null; httpStatus: number | null; error: string | null; runId: string | null; createdAt: Date }[]>`
      SELECT p.id, p.origin::text AS origin, p.url, p.path, s.key AS source, p."httpStatus" AS "httpStatus", p.error, p."runId" AS "runId", p."createdAt" AS "createdAt"
      FROM "Page" p LEFT JOIN "Source" s ON s.id = p."sourceId"
      WHERE ${where}
      ORDER BY p."createdAt" DESC, p.id DESC
      LIMIT ${f.limit} OFFSET ${f.offset}`,
  ]);
  // Failures per URL, over all failed rows (not just this page of results).
  const urls = [...new Set(rows.map((r) => r.url).filter((u): u is string => !!u))];
  const paths = [...new Set(rows.map((r) => r.path).filter((u): u is string => !!u))];
  const [byUrl, byPath] = await Promise.all([
    urls.length ? ctx.db.page.groupBy({ by: ['url'], where: { status: 'failed', url: { in: urls } }, _count: { _all: true } }) : [],
    paths.length ? ctx.db.page.groupBy({ by: ['path'], where: { status: 'failed', path: { in: paths } }, _count: { _all: true } }) : [],
  ]);
  const perUrl = new Map<string, number>([
    ...byUrl.map((r) => [r.url!, r._count._all] as [string, number]),
    ...byPath.map((r) => [r.path!, r._count._all] as [string, number]),
  ]);
  return {
    total: Number(n),
    items: rows.map((r) => ({
      ...r,
      prefix: errorPrefix(r.error),
      createdAt: r.createdAt.toISOString(),
      failuresOfUrl: perUrl.get(r.url ?? r.path ?? '') ?? 1,
    })),
  };
}
