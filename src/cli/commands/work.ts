import type { Command } from 'commander';
import { CliError } from '../shared.js';
import { runWorkers } from '../../runtime/run-workers.js';
import { ALL_QUEUES, type QueueName } from '../../queues/jobs.js';

export function register(program: Command) {
  program
    .command('work')
    .description('run the workers until SIGTERM or SIGINT, then finish or return running jobs and exit')
    .option('--queues <names>', `comma-separated queues to work on (${ALL_QUEUES.join(', ')})`, ALL_QUEUES.join(','))
    .option('--shutdown-timeout <ms>', 'how long running jobs may take to finish on shutdown', '30000')
    .action(async (opts: { queues: string; shutdownTimeout: string }) => {
      const queues = opts.queues.split(',').map((s) => s.trim()) as QueueName[];
      const unknown = queues.filter((q) => !ALL_QUEUES.includes(q));
      if (unknown.length) throw new CliError(`unknown queue ${unknown.join(', ')}; known: ${ALL_QUEUES.join(', ')}`);
      await runWorkers(queues, { shutdownTimeoutMs: Number(opts.shutdownTimeout) });
    });
}
