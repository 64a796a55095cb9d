import type { Command } from 'commander';
import { CliError, Progress, withContext } from '../shared.js';
import { enqueueParse } from '../../jobs/load-job.js';
import { newRunId, waitForRun } from '../../queues/runs.js';
import { startWorkers } from '../../runtime/workers.js';
import { QUEUE } from '../../queues/jobs.js';
import { summary } from './load.js';

export function register(program: Command) {
  program
    .command('reparse')
    .description('parse stored pages again (after a parser fix), without fetching; the latest page of each URL or file')
    .option('--source <key>', 'only pages of this source')
    .action(async (opts: { source?: string }) => {
      await withContext(async (ctx) => {
        let sourceId: number | undefined;
        if (opts.source) {
          const s = await ctx.sources.byKeyOrNull(opts.source);
          if (!s) throw new CliError(`unknown source "${opts.source}"`);
          sourceId = s.id;
        }
        // Latest archived page per URL (or path) that was an article page, not a listing.
        const rows = await ctx.db.$queryRawUnsafe<{ id: number }[]>(
          `SELECT DISTINCT ON (COALESCE(url, path)) id FROM "Page"
            WHERE "contentHash" IS NOT NULL AND (outcome IS NULL OR outcome <> 'listing')
              ${sourceId != null ? 'AND "sourceId" = $1' : ''}
            ORDER BY COALESCE(url, path), id DESC`,
          ...(sourceId != null ? [sourceId] : []),
        );
        if (!rows.length) throw new CliError('no stored pages to parse');
        const runId = newRunId();
        await ctx.runs.add(runId, 'total', rows.length);
        const workers = startWorkers(ctx, [QUEUE.parse]);
        for (const r of rows) await enqueueParse(ctx, { pageId: r.id, runId, reparse: true, sourceKey: opts.source });
        const progress = new Progress('reparse', 'pages');
        const done = (c: { new: number; updated: number; unchanged: number; failed: number; listings: number }) => c.new + c.updated + c.unchanged + c.failed + c.listings;
        const counts = await waitForRun(ctx.runs, runId, (c) => done(c) >= rows.length, (c) => progress.update(`${done(c)}/${rows.length} pages (${summary(c)})`, done(c), rows.length));
        progress.done(`${rows.length}/${rows.length} pages (${summary(counts)})`);
        await workers.close();
        console.log(`reparsed ${rows.length} page(s): ${summary(counts)}`);
      });
    });
}
