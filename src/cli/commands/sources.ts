import type { Command } from 'commander';
import { withContext } from '../shared.js';
import { DEFAULT_SOURCES_FILE, readSourcesFile } from '../../sources/catalog.js';
import { syncFromDefs } from '../../schedule/sync.js';
import { lastCrawlRuns } from '../../store/runs.js';
import { crawlSettings, describeRepeat, repeatOptions } from '../../sources/settings.js';

const ago = (d: Date) => {
  const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : s < 172_800 ? `${Math.round(s / 3600)}h ago` : `${Math.round(s / 86_400)}d ago`;
};

export function register(program: Command) {
  const cmd = program.command('sources').description('the news sources newspipe knows');
  cmd
    .command('sync')
    .description('validate the sources file, write it to the database and update the crawl schedules')
    .option('--file <path>', 'sources file (YAML or JSON)', DEFAULT_SOURCES_FILE)
    .action(async (opts: { file: string }) => {
      const defs = await readSourcesFile(opts.file);
      await withContext(async (ctx) => {
        const { sources, disabled, schedules: s } = await syncFromDefs(ctx, defs);
        console.log(`synced ${sources.length} source(s): ${sources.map((r) => r.key).join(', ')}`);
        if (disabled.length) console.log(`disabled (no longer in ${opts.file}): ${disabled.join(', ')}`);
        const parts = [
          s.created.length && `created ${s.created.join(', ')}`,
          s.updated.length && `updated ${s.updated.join(', ')}`,
          s.removed.length && `removed ${s.removed.join(', ')}`,
          s.unchanged.length && `unchanged ${s.unchanged.join(', ')}`,
          s.paused.length && `paused ${s.paused.join(', ')}`,
        ].filter(Boolean);
        console.log(`schedules: ${parts.length ? parts.join('; ') : 'none'}`);
      });
    });
  cmd
    .command('list')
    .description('list sources with their schedule, last crawl run and article count')
    .action(async () => {
      await withContext(async (ctx) => {
        const [rows, last] = await Promise.all([
          ctx.db.source.findMany({ orderBy: { key: 'asc' }, include: { _count: { select: { articles: true } } } }),
          lastCrawlRuns(ctx.db),
        ]);
        for (const r of rows) {
          const s = crawlSettings(r);
          const sched = s.schedule ? `${describeRepeat(repeatOptions(s.schedule, r.timezone))}${r.paused ? ' (paused)' : ''}` : 'no schedule';
          const run = last.get(r.id);
          const lastRun = run
            ? `last run ${run.id} ${run.status} ${ago(run.startedAt)}${run.status === 'running' ? '' : ` (${run.new} new, ${run.updated} updated, ${run.failed} failed)`}`
            : 'never run';
          console.log(
            `${r.key.padEnd(20)} ${r.enabled ? 'enabled ' : 'disabled'} ${String(r._count.articles).padStart(7)} articles  ${r.parserProfile.padEnd(10)} ${r.timezone.padEnd(16)} ${sched.padEnd(28)} ${lastRun}  ${r.baseUrl ?? ''}`,
          );
        }
        if (!rows.length) console.log('no sources; run `newspipe sources sync`');
      });
    });
}
