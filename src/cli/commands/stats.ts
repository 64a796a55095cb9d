import type { Command } from 'commander';
import { CliError, withContext } from '../shared.js';
import { articleTotals } from '../../store/queries.js';
import type { QueueName } from '../../queues/jobs.js';

export function register(program: Command) {
  program
    .command('stats')
    .description('queue counts and article totals')
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: { format: string }) => {
      if (!['json', 'table'].includes(opts.format)) throw new CliError(`--format must be table or json, got "${opts.format}"`);
      await withContext(async (ctx) => {
        const queues: Record<string, Record<string, number>> = {};
        for (const [name, q] of Object.entries(ctx.queues) as [QueueName, (typeof ctx.queues)[QueueName]][]) {
          queues[name] = await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children');
        }
        const totals = await articleTotals(ctx.db);
        const data = { prefix: ctx.config.NEWSPIPE_QUEUE_PREFIX, queues, ...totals };
        if (opts.format === 'json') {
          console.log(JSON.stringify(data, null, 2));
          return;
        }
        console.log(`queues (prefix ${data.prefix}):`);
        for (const [name, c] of Object.entries(queues)) {
          console.log(`  ${name.padEnd(6)} waiting ${c.waiting + (c.prioritized ?? 0)}  active ${c.active}  delayed ${c.delayed}  completed ${c.completed}  failed ${c.failed}`);
        }
        console.log(`articles: ${totals.articles}`);
        for (const [k, n] of Object.entries(totals.bySource)) console.log(`  ${k.padEnd(20)} ${n}`);
        console.log(`pages: ${Object.entries(totals.pages).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'}`);
      });
    });
}
