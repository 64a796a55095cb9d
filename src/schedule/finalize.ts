// Ending crawl runs. A run is done when its Redis `pending` counter reaches 0: every queued URL
// holds 1 until it is finished (fetch failure, 304, parsed), links found on a page are counted
// before the page is finished, and the run job holds 1 while it queues the entry points. So the
// worker (in any process) whose `finishUrl` brings `pending` to 0 ends the run: it copies the
// counters into the CrawlRun row (a conditional update: only one process wins) and releases
// the source's run lock. A sweep (the scheduler, every few seconds, and at start) ends what
// that missed: runs whose last URL finished while a process died between the two steps, runs
// past their timeout, and runs whose Redis state was lost.
import type { AppContext } from '../runtime/context.js';
import type { RunCounts } from '../queues/runs.js';
import { finishCrawlRun, getCrawlRun, runningCrawlRuns, type CrawlRunCounts, type CrawlRunStatus } from '../store/runs.js';
import { crawlKeys, releaseIfHeld, type RunState } from './locks.js';
import { formatDuration } from '../sources/duration.js';

export function countsOf(c: RunCounts): CrawlRunCounts {
  return {
    discovered: c.total, new: c.new, updated: c.updated, unchanged: c.unchanged, failed: c.failed,
    known: c.skipped, fetched: c.fetched, notModified: c.notModified, listings: c.listings,
  };
}

/** Called after a URL of the run is finished: ends the run if nothing is pending any more. */
export async function onRunDrained(ctx: AppContext, runId: string): Promise<void> {
  try {
    const c = await ctx.runs.counts(runId);
    if (c.pending > 0) return;
    await finalizeRun(ctx, runId, { counts: c });
  } catch (err) {
    // The sweep ends the run later; the URL itself is done.
    ctx.log.warn({ runId, err: (err as Error).message }, 'ending the crawl run failed; the scheduler sweep will retry');
  }
}

/**
 * Ends a running CrawlRun with its counters. A run that fetched nothing at all but had failures
 * (every entry point down) is `failed`. Returns false if the run was not running (or has no row).
 */
export async function finalizeRun(
  ctx: AppContext,
  runId: string,
  opts: { counts?: RunCounts; status?: Exclude<CrawlRunStatus, 'running'>; error?: string } = {},
): Promise<boolean> {
  const c = opts.counts ?? (await ctx.runs.counts(runId));
  let status = opts.status;
  let error = opts.error ?? null;
  if (!status) {
    const nothingFetched = c.fetched + c.notModified === 0 && c.failed > 0;
    status = nothingFetched ? 'failed' : 'finished';
    if (nothingFetched && !error) error = `nothing could be fetched: ${(await ctx.runs.failures(runId, 3)).join('; ')}`;
  }
  const ended = await finishCrawlRun(ctx.db, runId, { status, counts: countsOf(c), error });
  if (!ended) return false;
  const k = crawlKeys(ctx);
  const row = await getCrawlRun(ctx.db, runId);
  if (row?.source) await releaseIfHeld(ctx.redis, k.lock(row.source.key), runId);
  await ctx.redis.del(k.state(runId), k.seed(runId));
  ctx.log.info(
    { runId, source: row?.source?.key, status, new: c.new, updated: c.updated, unchanged: c.unchanged, failed: c.failed, discovered: c.total, error },
    'crawl run ended',
  );
  return true;
}

/**
 * Ends what the drain hook missed. Each running row: Redis state gone -> failed (state lost);
 * nothing pending -> ended normally; past its timeout -> failed (timed out). Idempotent, safe to
 * run in several processes at once. Returns the run ids it ended.
 */
export async function sweepRuns(ctx: AppContext, now = Date.now()): Promise<string[]> {
  const ended: string[] = [];
  const k = crawlKeys(ctx);
  for (const row of await runningCrawlRuns(ctx.db)) {
    // A run being set up (its entry points being queued, or an API run being recorded) is left alone.
    if (now - row.startedAt.getTime() < 5_000) continue;
    const raw = await ctx.redis.get(k.state(row.id));
    const c = await ctx.runs.counts(row.id);
    let done = false;
    if (!raw) {
      done = await finalizeRun(ctx, row.id, {
        counts: c,
        status: 'failed',
        error: 'the run\'s state in Redis was lost (Redis flushed or restarted, or the run outlived its timeout); its counts may be incomplete',
      });
    } else if (c.pending <= 0) {
      done = await finalizeRun(ctx, row.id, { counts: c });
    } else {
      const state = JSON.parse(raw) as RunState;
      if (now - state.startedAt > state.timeoutMs) {
        done = await finalizeRun(ctx, row.id, {
          counts: c,
          status: 'failed',
          error: `timed out after ${formatDuration(state.timeoutMs)} with ${c.pending} URL(s) still pending`,
        });
        // finalizeRun released the lock; queued URLs still finish but count for nobody.
      }
    }
    if (done) ended.push(row.id);
  }
  return ended;
}

/** Sweeps every `everyMs` until stopped (the scheduler process runs one). */
export function startSweeper(ctx: AppContext, everyMs = 15_000): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return; // the last sweep is still going
    running = sweepRuns(ctx)
      .catch((err) => ctx.log.warn({ err: (err as Error).message }, 'sweeping crawl runs failed'))
      .finally(() => (running = null));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
