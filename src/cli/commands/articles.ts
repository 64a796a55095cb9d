import type { Command } from 'commander';
import { CliError, parseIntOption, requireSource, withContext } from '../shared.js';
import { listArticles } from '../../store/queries.js';

export function register(program: Command) {
  program
    .command('articles')
    .description('print stored articles, newest first')
    .option('--source <key>', 'only this source')
    .option('--since <iso>', 'only articles published at or after this time (ISO 8601)')
    .option('--limit <n>', 'at most this many', parseIntOption('limit'), 100)
    .option('--format <format>', 'jsonl or table', 'table')
    .action(async (opts: { source?: string; since?: string; limit: number; format: string }) => {
      if (!['jsonl', 'table'].includes(opts.format)) throw new CliError(`--format must be jsonl or table, got "${opts.format}"`);
      let since: Date | undefined;
      if (opts.since) {
        since = new Date(opts.since);
        if (Number.isNaN(since.getTime())) throw new CliError(`--since must be an ISO 8601 date or time, got "${opts.since}"`);
      }
      await withContext(async (ctx) => {
        await requireSource(ctx, opts.source);
        const rows = await listArticles(ctx.db, { source: opts.source, since, limit: opts.limit });
        if (opts.format === 'jsonl') {
          for (const r of rows) {
            const { canonicalUrl: _c, firstSeenAt: _f, lastSeenAt: _l, language: _g, ...rest } = r;
            process.stdout.write(JSON.stringify({ ...rest, language: r.language, canonicalUrl: r.canonicalUrl }) + '\n');
          }
          return;
        }
        const line = (cols: string[]) => cols.join('  ');
        console.log(line(['SOURCE'.padEnd(12), 'STORY'.padEnd(10), 'PUBLISHED'.padEnd(20), 'REV', 'WORDS', 'TITLE']));
        for (const r of rows) {
          console.log(
            line([r.source.padEnd(12).slice(0, 12), r.storyCode.padEnd(10).slice(0, 10), (r.publishedAt ?? '-').slice(0, 19).padEnd(20), String(r.revision).padStart(3), String(r.wordCount).padStart(5), r.title.slice(0, 80)]),
          );
        }
        console.log(`${rows.length} article(s)`);
      });
    });
}
