import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT_INCOMPLETE, parseIntOption, Progress, requireSource, withContext } from '../shared.js';
import { seedRun, type SubmitResult } from '../../frontier/frontier.js';
import { InvalidUrlError, normalizeUrl } from '../../frontier/normalize.js';
import { newRunId, RunStateLostError, waitForRun, type RunCounts } from '../../queues/runs.js';
import { runTotalsFromPages } from '../../store/runs.js';
import { finalizeRun } from '../../schedule/finalize.js';
import { recordRun } from '../../schedule/service.js';
import { startWorkers } from '../../runtime/workers.js';
import { QUEUE, type CrawlScope } from '../../queues/jobs.js';
import type { AppContext } from '../../runtime/context.js';

interface CrawlOptions {
  file?: string;
  source?: string;
  depth: number;
  maxPages?: number;
  concurrency?: number;
  processes?: number;
  refresh?: boolean;
  crossSite?: boolean;
}

async function collectUrls(urls: string[], file?: string): Promise<string[]> {
  const all = [...urls];
  if (file) {
    const text = await readFile(file, 'utf8').catch((err) => {
      throw new CliError(`--file ${file}: ${(err as Error).message}`);
    });
    all.push(...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
  }
  if (all.length === 0) throw new CliError('no URLs given');
  return all.map((u) => {
    try {
      return normalizeUrl(u);
    } catch (err) {
      if (err instanceof InvalidUrlError) throw new CliError(`${u}: ${err.message}`);
      throw err;
    }
  });
}

async function seed(ctx: AppContext, urls: string[], opts: CrawlOptions, runId?: string) {
  await requireSource(ctx, opts.source);
  const scope: CrawlScope = { maxDepth: opts.depth, maxPages: opts.maxPages, refresh: opts.refresh, crossSite: opts.crossSite };
  return seedRun(ctx, urls, { scope, sourceKey: opts.source, runId });
}

function describeSubmit(r: SubmitResult): string {
  const parts = [`${r.queued} queued`];
  if (r.known) parts.push(`${r.known} already stored`);
  if (r.duplicate) parts.push(`${r.duplicate} already queued`);
  if (r.claimed) parts.push(`${r.claimed} being fetched by another running crawl`);
  if (r.outOfScope) parts.push(`${r.outOfScope} out of scope`);
  if (r.invalid) parts.push(`${r.invalid} invalid`);
  return parts.join(', ');
}

export function totals(c: RunCounts): string {
  return `fetched ${c.fetched}, new ${c.new}, updated ${c.updated}, unchanged ${c.unchanged}, skipped as known ${c.skipped}, failed ${c.failed}`;
}

const common = (cmd: Command) =>
  cmd
    .option('--source <key>', 'source of the URLs (default: by host; unknown hosts get a generic source)')
    .option('--depth <n>', 'follow links this many hops from the given URLs (listing pagination does not count)', parseIntOption('depth', 0), 2)
    .option('--max-pages <n>', 'queue at most this many URLs in this run', parseIntOption('max-pages'))
    .option('--refresh', 'fetch stories that are already stored')
    .option('--cross-site', 'follow links to other sites too');

export function register(program: Command) {
  common(
    program
      .command('enqueue')
      .description('queue URLs for running workers (`newspipe work`) to fetch')
      .argument('[url...]', 'URLs to fetch')
      .option('--file <path>', 'file with one URL per line'),
  ).action(async (urls: string[], opts: CrawlOptions) => {
    const list = await collectUrls(urls, opts.file);
    await withContext(async (ctx) => {
      const { runId, result } = await seed(ctx, list, opts);
      console.log(`run ${runId}: ${describeSubmit(result)}`);
    });
  });

  common(
    program
      .command('crawl')
      .description('fetch URLs and what they lead to, in this process, until the queues are empty; then print totals')
      .argument('<url...>', 'start URLs (listing pages or articles)')
      .option('--concurrency <n>', 'fetches at once in each process', parseIntOption('concurrency'))
      .option('--processes <n>', 'worker processes (this one and n-1 `newspipe work` helpers: parsing is CPU-bound)', parseIntOption('processes'), 1),
  ).action(async (urls: string[], opts: CrawlOptions) => {
    const list = await collectUrls(urls);
    if (opts.concurrency) process.env.NEWSPIPE_FETCH_CONCURRENCY = String(opts.concurrency);
    await withContext(async (ctx) => {
      if (opts.concurrency) ctx.config.NEWSPIPE_FETCH_CONCURRENCY = opts.concurrency;
      await requireSource(ctx, opts.source);
      const dead = await ctx.runs.releaseDeadHolds();
      for (const id of dead) await finalizeRun(ctx, id, { status: 'failed', error: 'the crawl process died before the run ended' });
      if (dead.length) ctx.log.info({ runs: dead }, `taking over from ${dead.length} crawl(s) whose process died`);
      const runId = newRunId();
      // Held while this process waits: if it dies, a later crawl takes over the URLs it claimed.
      const hold = await ctx.runs.hold(runId);
      const workers = startWorkers(ctx, [QUEUE.fetch, QUEUE.parse]);
      const helpers = spawnHelpers(Math.max(0, (opts.processes ?? 1) - 1));
      const progress = new Progress('crawl', 'pages');
      let last: RunCounts | undefined;
      const started = Date.now();
      let outcome: { counts: RunCounts; result: SubmitResult } | RunStateLostError | undefined;
      try {
        const { result } = await seed(ctx, list, opts, runId);
        await recordRun(ctx, { runId, source: opts.source ?? null, trigger: 'cli' });
        ctx.log.info({ runId }, `crawl started: ${describeSubmit(result)}`);
        const counts = await waitForRun(
          ctx.runs,
          runId,
          (c) => c.pending <= 0,
          (c) => {
            last = c;
            const reached = c.fetched + c.notModified + c.skipped + c.failed;
            progress.update(`${c.pending} pending | ${totals(c)}`, reached, reached + Math.max(0, c.pending));
          },
          250,
          hold,
        ).catch((err) => {
          if (err instanceof RunStateLostError) return err;
          throw err;
        });
        outcome = counts instanceof RunStateLostError ? counts : { counts, result };
      } finally {
        const ended = outcome !== undefined && !(outcome instanceof RunStateLostError);
        progress.done(`${ended ? 'done' : 'stopped'}${last ? `: ${totals(last)}` : ''}`);
        await Promise.all([workers.close(ended ? undefined : 2000), stopHelpers(helpers), hold.release()]);
      }
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (outcome instanceof RunStateLostError) {
        await finalizeRun(ctx, runId, { status: 'failed', error: outcome.message });
        const t = await runTotalsFromPages(ctx.db, runId);
        console.log(`crawl ${runId} stopped after ${secs} s: ${outcome.message}. Stored so far (from Postgres): fetched ${t.fetched}, new ${t.new}, updated ${t.updated}, unchanged ${t.unchanged}, not modified ${t.notModified}, failed ${t.failed}`);
        throw new CliError('the crawl cannot finish without its queue state; run the same crawl again with --refresh to fetch what is missing (stored stories are kept, none stored twice)', EXIT_INCOMPLETE);
      }
      const { counts, result } = outcome;
      // Workers end it when its last URL finishes; this covers a run with nothing to fetch.
      await finalizeRun(ctx, runId, { counts });
      console.log(`crawl ${runId} finished in ${secs} s: ${totals(counts)}`);
      for (const f of await ctx.runs.failures(runId, 20)) console.log(`  failed: ${f}`);
      if (counts.claimed) console.log(`  ${counts.claimed} URL(s) left to another running crawl, which is fetching them`);
      if (counts.fetched === 0) {
        const others = await ctx.runs.liveHolds(runId);
        if (others.length) console.log(`  note: ${others.length} other crawl(s) running now (${others.join(', ')}) may be fetching these sites' stories`);
      }
      const reached = counts.fetched + counts.notModified + counts.skipped + result.known;
      if (reached === 0 && counts.claimed > 0) {
        throw new CliError(`another running crawl holds ${counts.claimed === 1 ? 'this URL' : `these ${counts.claimed} URLs`}; this one had nothing left to fetch`, EXIT_INCOMPLETE);
      }
      if (reached === 0 && counts.failed > 0) throw new CliError(`nothing was fetched: all ${counts.failed} URL(s) failed`, EXIT_INCOMPLETE);
    });
  });
}

/** Extra worker processes on the same queues (same environment, so the same prefix and database). */
function spawnHelpers(n: number): ChildProcess[] {
  const bin = fileURLToPath(new URL('../../../../bin/newspipe.js', import.meta.url));
  return Array.from({ length: n }, () =>
    spawn(process.execPath, [...process.execArgv, bin, 'work', '--queues', `${QUEUE.fetch},${QUEUE.parse}`], { env: process.env, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
}

async function stopHelpers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}
