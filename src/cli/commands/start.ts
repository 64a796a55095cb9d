import type { Command } from 'commander';
import path from 'node:path';
import { setup, untilSignal } from '../shared.js';
import { preflight } from '../../runtime/preflight.js';
import { migrate } from '../../store/migrate.js';
import { closeContext, createContext } from '../../runtime/context.js';
import { readSourcesFile } from '../../sources/catalog.js';
import { syncSources } from '../../store/sources.js';
import { enqueueLoad } from '../../load/enqueue.js';
import { startWorkers } from '../../runtime/workers.js';
import { waitForRun } from '../../queues/runs.js';
import { projectRoot } from '../../paths.js';
import { summary } from './load.js';

export function register(program: Command) {
  program
    .command('start')
    .description('the main job (npm start): migrate, sync sources, load seeds/, run the workers until stopped')
    .option('--seeds <dir>', 'folder of saved pages to load at start', path.join(projectRoot(), 'seeds'))
    .option('--sources <file>', 'sources file', path.join(projectRoot(), 'seeds', 'sources.yaml'))
    .action(async (opts: { seeds: string; sources: string }) => {
      const { config, log } = setup();
      await preflight(config);
      await migrate(config.DATABASE_URL);
      log.info('database migrated');
      const ctx = createContext(config, log);
      try {
        const rows = await syncSources(ctx.db, await readSourcesFile(opts.sources));
        log.info({ sources: rows.map((r) => r.key) }, 'sources synced');
        const workers = startWorkers(ctx);
        const run = await enqueueLoad(ctx, [opts.seeds]);
        log.info({ runId: run.runId, files: run.files }, 'seed pages queued');
        void waitForRun(ctx.runs, run.runId, (c) => c.new + c.updated + c.unchanged + c.failed >= run.files).then((c) =>
          log.info({ runId: run.runId }, `seed pages loaded: ${summary(c)}`),
        );
        const sig = await untilSignal();
        log.info({ signal: sig }, 'shutting down');
        await workers.close();
      } finally {
        await closeContext(ctx);
      }
    });
}
