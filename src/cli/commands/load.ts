import type { Command } from 'commander';
import { CliError, EXIT_INCOMPLETE, Progress, requireSource, withContext } from '../shared.js';
import { enqueueLoad } from '../../load/enqueue.js';
import { newRunId, RunStateLostError, waitForRun, type RunCounts } from '../../queues/runs.js';
import { runTotalsFromPages } from '../../store/runs.js';
import { startWorkers } from '../../runtime/workers.js';
import { QUEUE } from '../../queues/jobs.js';
import { LoadPathError } from '../../load/files.js';

const processed = (c: RunCounts) => c.new + c.updated + c.unchanged + c.failed;

export function summary(c: RunCounts): string {
  return `${c.new} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.failed} failed`;
}

export function register(program: Command) {
  program
    .command('load')
    .description('load saved pages (.txt text dumps, .html) from files or folders into the database')
    .argument('<path...>', 'files or folders of saved pages')
    .option('--source <key>', 'source the pages belong to (default: islamtimes for text dumps, by URL host for HTML)')
    .option('--enqueue-only', 'queue the files and exit; running workers (`newspipe work`) do the rest')
    .action(async (paths: string[], opts: { source?: string; enqueueOnly?: boolean }) => {
      await withContext(async (ctx) => {
        await requireSource(ctx, opts.source);
        const runId = newRunId();
        const hold = opts.enqueueOnly ? null : await ctx.runs.hold(runId);
        try {
          let run;
          try {
            run = await enqueueLoad(ctx, paths, { sourceKey: opts.source, runId });
          } catch (err) {
            if (err instanceof LoadPathError) throw new CliError(err.message);
            throw err;
          }
          if (run.files === 0) throw new CliError(`no .txt or .html files under ${paths.join(', ')}`);
          if (!hold) {
            console.log(`queued ${run.files} file(s) as run ${run.runId}`);
            return;
          }
          const workers = startWorkers(ctx, [QUEUE.load, QUEUE.parse]);
          const progress = new Progress('load', 'files');
          let counts: RunCounts;
          let last: RunCounts | undefined;
          try {
            counts = await waitForRun(ctx.runs, run.runId, (c) => processed(c) >= run.files, (c) => {
              last = c;
              progress.update(`${processed(c)}/${run.files} files (${summary(c)})`, processed(c), run.files);
            }, 200, hold);
          } catch (err) {
            progress.done(`stopped${last ? ` at ${processed(last)}/${run.files} files (${summary(last)})` : ''}`);
            await workers.close(2000);
            if (err instanceof RunStateLostError) {
              const t = await runTotalsFromPages(ctx.db, runId);
              throw new CliError(`${err.message}; stored so far (from Postgres): ${t.new} new, ${t.updated} updated, ${t.unchanged} unchanged, ${t.failed} failed. Load the same paths again: stored pages come back unchanged, none twice`, EXIT_INCOMPLETE);
            }
            throw err;
          }
          progress.done(`${run.files}/${run.files} files (${summary(counts)})`);
          await workers.close();
          console.log(`loaded ${run.files} file(s): ${summary(counts)}`);
          if (counts.failed === run.files) process.exitCode = EXIT_INCOMPLETE;
          for (const f of await ctx.runs.failures(run.runId, 20)) console.log(`  failed: ${f}`);
        } finally {
          await hold?.release();
        }
      });
    });
}
