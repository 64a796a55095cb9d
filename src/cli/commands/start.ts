import type { Command } from 'commander';
import path from 'node:path';
import { CliError, setup, untilSignal } from '../shared.js';
import { preflight } from '../../runtime/preflight.js';
import { migrate } from '../../store/migrate.js';
import { closeContext, createContext } from '../../runtime/context.js';
import { readSourcesFile } from '../../sources/catalog.js';
import { catchUpDueRuns, syncFromDefs } from '../../schedule/sync.js';
import { startSweeper } from '../../schedule/finalize.js';
import { enqueueLoad } from '../../load/enqueue.js';
import { startWorkers } from '../../runtime/workers.js';
import { warnWithoutHeapFlags } from '../../runtime/heap-flags.js';
import { waitForRun } from '../../queues/runs.js';
import { projectRoot } from '../../paths.js';
import { summary } from './load.js';
import { serveHttp } from './serve.js';
import { checkServerAccess, ServerConfigError } from '../../server/access-policy.js';

export function register(program: Command) {
  program
    .command('start')
    .description('the main job (npm start): migrate, sync sources, load seeds/, run the workers and the dashboard/API until stopped')
    .option('--seeds <dir>', 'folder of saved pages to load at start', path.join(projectRoot(), 'seeds'))
    .option('--sources <file>', 'sources file', path.join(projectRoot(), 'seeds', 'sources.yaml'))
    .option('--no-serve', 'do not start the dashboard and HTTP API (NEWSPIPE_HTTP_HOST / NEWSPIPE_HTTP_PORT)')
    .action(async (opts: { seeds: string; sources: string; serve: boolean }) => {
      const { config, log } = setup();
      // Refuse a public interface without a token before anything starts.
      if (opts.serve) {
        try {
          checkServerAccess({ host: config.NEWSPIPE_HTTP_HOST, token: config.NEWSPIPE_TOKEN });
        } catch (err) {
          throw err instanceof ServerConfigError ? new CliError(err.message) : err;
        }
      }
      // A typo in the sources file is reported before anything else is done.
      const defs = await readSourcesFile(opts.sources);
      await preflight(config, { postgres: true, redis: true, schema: false });
      await migrate(config.DATABASE_URL);
      log.info('database migrated');
      const ctx = createContext(config, log);
      try {
        // The scheduler: sources and their job schedulers synced from the file (re-created if
        // Redis lost them), then a sweep that ends crawl runs the workers could not.
        const synced = await syncFromDefs(ctx, defs);
        log.info({ sources: synced.sources.map((r) => r.key), disabled: synced.disabled, schedules: synced.schedules }, 'sources synced');
        const sweeper = startSweeper(ctx);
        const workers = startWorkers(ctx);
        warnWithoutHeapFlags(log);
        await catchUpDueRuns(ctx);
        const server = opts.serve ? await serveHttp(ctx, {}).catch(async (err) => {
          await workers.close();
          throw err;
        }) : null;
        const run = await enqueueLoad(ctx, [opts.seeds]);
        log.info({ runId: run.runId, files: run.files }, 'seed pages queued');
        void waitForRun(ctx.runs, run.runId, (c) => c.new + c.updated + c.unchanged + c.failed >= run.files).then((c) =>
          log.info({ runId: run.runId }, `seed pages loaded: ${summary(c)}`),
        );
        const sig = await untilSignal();
        log.info({ signal: sig }, 'shutting down');
        await server?.close();
        await sweeper.stop();
        await workers.close();
      } finally {
        await closeContext(ctx);
      }
    });
}
