import type { Command } from 'commander';
import { CliError, EXIT_INCOMPLETE, parseIntOption, Progress, requireSource, withContext } from '../shared.js';
import { listSchedules, pause, resume, runNow, ScheduleError, type ScheduleInfo } from '../../schedule/service.js';
import { getCrawlRun, listCrawlRuns, type CrawlRunWithSource } from '../../store/runs.js';
import { startWorkers } from '../../runtime/workers.js';
import { QUEUE } from '../../queues/jobs.js';
import type { AppContext } from '../../runtime/context.js';

const orCli = async <T>(p: Promise<T>): Promise<T> => {
  try {
    return await p;
  } catch (err) {
    throw err instanceof ScheduleError ? new CliError(err.message) : err;
  }
};

function when(s: ScheduleInfo): string {
  if (s.every) return `every ${s.every}`;
  if (s.cron) return `cron "${s.cron}"${s.tz ? ` ${s.tz}` : ''}`;
  return '-';
}

function runLine(r: CrawlRunWithSource): string {
  const took = r.finishedAt ? `${((r.finishedAt.getTime() - r.startedAt.getTime()) / 1000).toFixed(1)} s` : 'running';
  const counts = r.status === 'skipped' ? '' : `discovered ${r.discovered}, new ${r.new}, updated ${r.updated}, unchanged ${r.unchanged}, failed ${r.failed}, known ${r.known}, rechecked ${r.rechecked}`;
  return `${r.id}  ${(r.source?.key ?? '-').padEnd(16)} ${r.trigger.padEnd(9)} ${r.status.padEnd(8)} ${r.startedAt.toISOString()}  ${took.padEnd(9)} ${counts}${r.error ? `  (${r.error})` : ''}`;
}

async function waitForCrawlRun(ctx: AppContext, runId: string, timeoutMs = 24 * 3600_000): Promise<CrawlRunWithSource> {
  const progress = new Progress('run');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await getCrawlRun(ctx.db, runId);
    if (row && row.status !== 'running') {
      progress.done(row.status);
      return row;
    }
    const c = await ctx.runs.counts(runId);
    progress.update(row ? `${c.pending} pending | fetched ${c.fetched}, new ${c.new}, updated ${c.updated}, unchanged ${c.unchanged}, failed ${c.failed}` : 'waiting for a crawl worker');
    if (Date.now() > until) throw new CliError(`run ${runId} did not finish in time`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export function register(program: Command) {
  const cmd = program.command('schedule').description('crawl schedules of the sources (see `schedule:` in the sources file)');
  cmd
    .command('list')
    .description('each scheduled source: its schedule, state, next and last run')
    .action(async () => {
      await withContext(async (ctx) => {
        const rows = await listSchedules(ctx);
        for (const s of rows) {
          const last = s.lastRun ? `last ${s.lastRun.runId} ${s.lastRun.status} at ${s.lastRun.startedAt}${s.lastRun.counts ? ` (${s.lastRun.counts.new} new, ${s.lastRun.counts.updated} updated, ${s.lastRun.counts.failed} failed)` : ''}` : 'never run';
          console.log(`${s.source.padEnd(20)} ${when(s).padEnd(30)} ${s.state.padEnd(8)} ${s.enabled ? '' : '(source disabled) '}next ${s.nextRunAt ?? '-'}  ${last}`);
        }
        if (!rows.length) console.log('no schedules; add `schedule: { every: 30m }` to a source and run `newspipe sources sync`');
      });
    });
  cmd
    .command('run')
    .description('run a source now, once (its entry points, new stories, re-checks), whatever its schedule')
    .argument('<source>', 'source key')
    .option('--wait', 'wait for the run to end and print its counts')
    .option('--local', 'work the run in this process (crawl, fetch and parse workers) instead of running workers; implies --wait')
    .action(async (source: string, opts: { wait?: boolean; local?: boolean }) => {
      await withContext(async (ctx) => {
        await requireSource(ctx, source);
        const workers = opts.local ? startWorkers(ctx, [QUEUE.crawl, QUEUE.fetch, QUEUE.parse]) : null;
        try {
          const r = await orCli(runNow(ctx, source, 'manual'));
          console.log(`run ${r.runId} queued (job ${r.jobId})${r.inProgress ? `; run ${r.inProgress} of ${source} is in progress, so this one will be skipped` : ''}`);
          if (opts.wait || opts.local) {
            const row = await waitForCrawlRun(ctx, r.runId);
            console.log(runLine(row));
            if (row.status === 'failed') throw new CliError(`run ${r.runId} failed: ${row.error ?? 'see the log'}`, EXIT_INCOMPLETE);
          }
        } finally {
          await workers?.close();
        }
      });
    });
  cmd
    .command('pause')
    .description('stop the source\'s schedule (remembered: a sync does not restart it) until `schedule resume`')
    .argument('<source>', 'source key')
    .action(async (source: string) => {
      await withContext(async (ctx) => {
        await requireSource(ctx, source);
        const s = await orCli(pause(ctx, source));
        console.log(`${s.source}: paused (${when(s)})`);
      });
    });
  cmd
    .command('resume')
    .description('restart a paused schedule')
    .argument('<source>', 'source key')
    .action(async (source: string) => {
      await withContext(async (ctx) => {
        await requireSource(ctx, source);
        const s = await orCli(resume(ctx, source));
        console.log(`${s.source}: ${s.state}${s.nextRunAt ? `, next run ${s.nextRunAt}` : ''} (${when(s)})`);
      });
    });
  cmd
    .command('runs')
    .description('recent crawl runs, newest first')
    .option('--source <key>', 'only this source')
    .option('--limit <n>', 'how many', parseIntOption('limit'), 20)
    .action(async (opts: { source?: string; limit: number }) => {
      await withContext(async (ctx) => {
        const rows = await listCrawlRuns(ctx.db, { source: opts.source, limit: opts.limit });
        for (const r of rows) console.log(runLine(r));
        if (!rows.length) console.log('no crawl runs');
      });
    });
}
