// Crawl queue handler: one job = one run of a source (a job scheduler fired, or "run now").
// It takes the source's run lock (two runs of a source never overlap; a trigger that finds
// a run going is recorded as a skipped run), opens the CrawlRun row, queues the entry points
// (listing pages, feeds, sitemaps) through the frontier and re-checks recent stories with
// conditional GET. The fetch and parse workers do the rest; the run ends when its last URL is
// finished (schedule/finalize.ts).
import { createHash } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import type { AppContext } from '../runtime/context.js';
import type { CrawlRunJob, CrawlScope } from '../queues/jobs.js';
import { submitUrls, urlHash, type Candidate } from '../frontier/frontier.js';
import { tryNormalizeUrl } from '../frontier/normalize.js';
import { crawlSettings, type CrawlSettings } from '../sources/settings.js';
import { createCrawlRun, getCrawlRun, recordSkippedRun, setRechecked } from '../store/runs.js';
import { crawlKeys, LOCK_MARGIN_MS, takeOver, type RunState } from '../schedule/locks.js';
import { finalizeRun, onRunDrained } from '../schedule/finalize.js';
import type { SourceRow } from '../store/sources.js';
import { jobLogger, type Logger } from '../log.js';

export interface CrawlRunResult {
  runId: string;
  status: 'started' | 'skipped' | 'resumed' | 'ended';
  /** Why a trigger was skipped. */
  reason?: string;
  queued?: number;
  rechecks?: number;
}

/** A scheduled firing's run id comes from its job id, so a retried job continues the same run. */
export function runIdForJob(job: Pick<Job<CrawlRunJob>, 'id' | 'data'>): string {
  if (job.data.runId) return job.data.runId;
  return createHash('sha1').update(String(job.id)).digest('hex').slice(0, 16);
}

export async function handleCrawlRunJob(ctx: AppContext, job: Job<CrawlRunJob>): Promise<CrawlRunResult> {
  const { sourceKey, trigger } = job.data;
  const runId = runIdForJob(job);
  const log = jobLogger(ctx.log, { id: job.id, queue: 'crawl' }, { source: sourceKey }).child({ runId, trigger });
  const source = await ctx.db.source.findUnique({ where: { key: sourceKey } });
  const skip = async (reason: string): Promise<CrawlRunResult> => {
    await recordSkippedRun(ctx.db, { id: runId, sourceId: source?.id ?? null, trigger, jobId: job.id ?? null, reason });
    log.info({ reason }, 'crawl run skipped');
    return { runId, status: 'skipped', reason };
  };
  if (!source) return skip(`unknown source "${sourceKey}"`);
  if (trigger === 'schedule' && (!source.enabled || source.paused)) return skip(`source "${sourceKey}" is ${source.paused ? 'paused' : 'disabled'}`);
  const settings = crawlSettings(source);
  if (!settings.entryPoints.length) return skip(`source "${sourceKey}" declares no entry points`);
  if (trigger === 'schedule' && !settings.schedule) return skip(`source "${sourceKey}" has no schedule any more`);

  // 1. The source's run lock.
  const k = crawlKeys(ctx);
  const ttl = settings.runTimeoutMs + LOCK_MARGIN_MS;
  let resumed = false;
  if (!(await ctx.redis.set(k.lock(sourceKey), runId, 'PX', ttl, 'NX'))) {
    const holder = await ctx.redis.get(k.lock(sourceKey));
    if (holder === runId) resumed = true; // this job again (a retry after a stall)
    else if (holder && (await isAlive(ctx, holder, sourceKey, ttl))) return skip(`run ${holder} of "${sourceKey}" is still in progress`);
    else if (!(holder ? await takeOver(ctx.redis, k.lock(sourceKey), holder, runId, ttl) : await ctx.redis.set(k.lock(sourceKey), runId, 'PX', ttl, 'NX'))) {
      return skip(`another run of "${sourceKey}" started at the same time`);
    } else log.warn({ staleRun: holder }, 'took over a stale run lock');
  }

  // 2. State (before the row: the sweep reads a row without state as lost), then the row.
  const state: RunState = { source: sourceKey, startedAt: Date.now(), timeoutMs: settings.runTimeoutMs };
  if (resumed) await ctx.redis.set(k.state(runId), JSON.stringify(state), 'PX', ttl, 'NX');
  else await ctx.redis.set(k.state(runId), JSON.stringify(state), 'PX', ttl);
  const row = await createCrawlRun(ctx.db, { id: runId, sourceId: source.id, trigger, jobId: job.id ?? null });
  if (row.status !== 'running') return { runId, status: 'ended' };

  // 3. Queue the entry points and the re-checks, holding one `pending` so the run cannot end
  //    before everything is queued.
  const seed = await ctx.redis.set(k.seed(runId), 'open', 'PX', ttl, 'NX');
  if (!seed && (await ctx.redis.get(k.seed(runId))) === 'closed') return { runId, status: 'resumed' };
  if (seed) await ctx.runs.add(runId, 'pending', 1);
  try {
    const queued = await queueEntryPoints(ctx, runId, source, settings);
    const rechecks = await queueRechecks(ctx, runId, source, settings, log);
    if (rechecks) await setRechecked(ctx.db, runId, rechecks);
    log.info({ entryPoints: settings.entryPoints.length, queued, rechecks }, 'crawl run started');
    return { runId, status: resumed ? 'resumed' : 'started', queued, rechecks };
  } catch (err) {
    const reason = `starting the run failed: ${(err as Error).message}`;
    await finalizeRun(ctx, runId, { status: 'failed', error: reason }).catch(() => {});
    log.error({ err: (err as Error).message }, 'crawl run failed to start');
    throw new UnrecoverableError(reason);
  } finally {
    const prev = await ctx.redis.set(k.seed(runId), 'closed', 'PX', ttl, 'GET');
    if (prev === 'open') {
      await ctx.runs.add(runId, 'pending', -1);
      await onRunDrained(ctx, runId);
    }
  }
}

/**
 * Is the run holding the source's lock still going? Yes if its row is running, or if it has no
 * row yet but its state exists or its lock was taken in the last 30 s (it is being set up).
 * No if its row ended (a lock left behind) or nothing of it is left but the lock.
 */
async function isAlive(ctx: AppContext, holder: string, sourceKey: string, ttl: number): Promise<boolean> {
  const k = crawlKeys(ctx);
  const row = await getCrawlRun(ctx.db, holder);
  if (row) return row.status === 'running';
  if (await ctx.redis.exists(k.state(holder))) return true;
  const left = await ctx.redis.pttl(k.lock(sourceKey));
  return left > 0 && ttl - left < 30_000;
}

/** The scope of a run's walk: entry points (depth 0) and the stories they list (depth 1). */
export function runScope(settings: CrawlSettings): CrawlScope {
  return { maxDepth: 1, stopAtKnown: true, ...(settings.maxPagesPerRun ? { maxPages: settings.maxPagesPerRun } : {}) };
}

async function queueEntryPoints(ctx: AppContext, runId: string, source: SourceRow, settings: CrawlSettings): Promise<number> {
  const items: Candidate[] = settings.entryPoints.map((ep) => ({
    url: ep.url,
    depth: 0,
    sourceKey: source.key,
    listing: { page: 1, walk: urlHash(ep.url).slice(0, 12), ...(ep.maxPages ? { maxPages: ep.maxPages } : {}) },
  }));
  // As owner `seed`: a job re-run after a crash queues again what it admitted before.
  const res = await submitUrls(ctx, runId, runScope(settings), items, { owner: 'seed' });
  return res.queued;
}

/**
 * Recent stories (published within the window, or first stored within it when they have no
 * date), newest first, fetched again with conditional GET: a 304 is `unchanged`, a changed
 * page is parsed and a changed title or body becomes a new revision.
 */
async function queueRechecks(ctx: AppContext, runId: string, source: SourceRow, settings: CrawlSettings, log: Logger): Promise<number> {
  const { windowMs, limit } = settings.recheck;
  if (windowMs <= 0 || limit <= 0) return 0;
  const since = new Date(Date.now() - windowMs);
  const rows = await ctx.db.article.findMany({
    where: { sourceId: source.id, OR: [{ publishedAt: { gte: since } }, { publishedAt: null, firstSeenAt: { gte: since } }] },
    orderBy: [{ publishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
    take: limit,
    select: { url: true, canonicalUrl: true },
  });
  const urls = rows.map((r) => tryNormalizeUrl(r.canonicalUrl ?? r.url ?? '')).filter((u): u is string => !!u);
  if (!urls.length) return 0;
  const scope: CrawlScope = { maxDepth: 0, revalidate: true };
  const res = await submitUrls(ctx, runId, scope, urls.map((url) => ({ url, depth: 0, sourceKey: source.key })), { owner: 'recheck' });
  log.debug({ candidates: urls.length, ...res }, 'recent stories queued for re-check');
  return res.queued;
}
