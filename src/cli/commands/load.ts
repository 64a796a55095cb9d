import type { Command } from 'commander';
import { CliError, Progress, withContext } from '../shared.js';
import { enqueueLoad } from '../../load/enqueue.js';
import { waitForRun, type RunCounts } from '../../queues/runs.js';
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
        if (opts.source && !(await ctx.sources.byKeyOrNull(opts.source))) {
          throw new CliError(`unknown source "${opts.source}"; see \`newspipe sources list\``);
        }
        let run;
        try {
          run = await enqueueLoad(ctx, paths, { sourceKey: opts.source });
        } catch (err) {
          if (err instanceof LoadPathError) throw new CliError(err.message);
          throw err;
        }
        if (run.files === 0) throw new CliError(`no .txt or .html files under ${paths.join(', ')}`);
        if (opts.enqueueOnly) {
          console.log(`queued ${run.files} file(s) as run ${run.runId}`);
          return;
        }
        const workers = startWorkers(ctx, [QUEUE.load, QUEUE.parse]);
        const progress = new Progress('load');
        const counts = await waitForRun(ctx.runs, run.runId, (c) => processed(c) >= run.files, (c) =>
          progress.update(`${processed(c)}/${run.files} files (${summary(c)})`),
        );
        progress.done(`${run.files}/${run.files} files`);
        await workers.close();
        console.log(`loaded ${run.files} file(s): ${summary(counts)}`);
        for (const f of await ctx.runs.failures(run.runId, 20)) console.log(`  failed: ${f}`);
      });
    });
}
