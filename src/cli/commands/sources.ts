import type { Command } from 'commander';
import { withContext } from '../shared.js';
import { DEFAULT_SOURCES_FILE, readSourcesFile } from '../../sources/catalog.js';
import { syncSources } from '../../store/sources.js';

export function register(program: Command) {
  const cmd = program.command('sources').description('the news sources newspipe knows');
  cmd
    .command('sync')
    .description('validate the sources file and write it to the database')
    .option('--file <path>', 'sources file (YAML or JSON)', DEFAULT_SOURCES_FILE)
    .action(async (opts: { file: string }) => {
      const defs = await readSourcesFile(opts.file);
      await withContext(async (ctx) => {
        const rows = await syncSources(ctx.db, defs);
        console.log(`synced ${rows.length} source(s): ${rows.map((r) => r.key).join(', ')}`);
      });
    });
  cmd
    .command('list')
    .description('list sources with their article counts')
    .action(async () => {
      await withContext(async (ctx) => {
        const rows = await ctx.db.source.findMany({ orderBy: { key: 'asc' }, include: { _count: { select: { articles: true } } } });
        for (const r of rows) {
          console.log(`${r.key.padEnd(20)} ${r.enabled ? 'enabled ' : 'disabled'} ${String(r._count.articles).padStart(7)} articles  ${r.parserProfile.padEnd(10)} ${r.timezone.padEnd(16)} ${r.baseUrl ?? ''}`);
        }
        if (!rows.length) console.log('no sources; run `newspipe sources sync`');
      });
    });
}
