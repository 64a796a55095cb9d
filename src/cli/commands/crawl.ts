import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CliError, parseIntOption, Progress, withContext } from '../shared.js';
import { seedRun, type SubmitResult } from '../../frontier/frontier.js';
import { InvalidUrlError, normalizeUrl } from '../../frontier/normalize.js';
import { waitForRun, type RunCounts } from '../../queues/runs.js';
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

async function seed(ctx: AppContext, urls: string[], opts: CrawlOptions) {
  if (opts.source && !(await ctx.sources.byKeyOrNull(opts.source))) throw new CliError(`unknown source "${opts.source}"; see \`newspipe sources list\``);
  const scope: CrawlScope = { maxDepth: opts.depth, maxPages: opts.maxPages, refresh: opts.refresh, crossSite: opts.crossSite };
  return seedRun(ctx, urls, { scope, sourceKey: opts.source });
}

function describeSubmit(r: SubmitResult): string {
  const parts = [`${r.queued} queued`];
  if (r.known) parts.push(`${r.known} already stored`);
  if (r.duplicate) parts.push(`${r.duplicate} already queued`);
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
    .option('--depth <n>', 'follow links this many hops from the given URLs (listing pagination does not count)', parseIntOption('depth'), 2)
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
      const workers = startWorkers(ctx, [QUEUE.fetch, QUEUE.parse]);
      const helpers = spawnHelpers(Math.max(0, (opts.processes ?? 1) - 1));
      const { runId, result } = await seed(ctx, list, opts);
      ctx.log.info({ runId }, `crawl started: ${describeSubmit(result)}`);
      const progress = new Progress('crawl');
      const started = Date.now();
      const counts = await waitForRun(
        ctx.runs,
        runId,
        (c) => c.pending <= 0,
        (c) => progress.update(`${c.pending} pending | ${totals(c)} | ${((c.fetched / Math.max(1, Date.now() - started)) * 1000).toFixed(1)} pages/s`),
        250,
      );
      progress.done('done');
      await Promise.all([workers.close(), stopHelpers(helpers)]);
      console.log(`crawl ${runId} finished in ${((Date.now() - started) / 1000).toFixed(1)} s: ${totals(counts)}`);
      for (const f of await ctx.runs.failures(runId, 20)) console.log(`  failed: ${f}`);
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
