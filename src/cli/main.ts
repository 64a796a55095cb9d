// The `newspipe` command. One file per command under commands/.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { CliError } from './shared.js';
import { ServiceUnavailableError } from '../runtime/preflight.js';
import { SourcesFileError } from '../sources/catalog.js';
import { LoadPathError } from '../load/files.js';
import * as articles from './commands/articles.js';
import * as crawl from './commands/crawl.js';
import * as load from './commands/load.js';
import * as migrate from './commands/migrate.js';
import * as parse from './commands/parse.js';
import * as reparse from './commands/reparse.js';
import * as schedule from './commands/schedule.js';
import * as serve from './commands/serve.js';
import * as sources from './commands/sources.js';
import * as start from './commands/start.js';
import * as stats from './commands/stats.js';
import * as work from './commands/work.js';

export function buildProgram(): Command {
  const program = new Command('newspipe')
    .description('news scraping and ingestion: fetch or load pages, parse articles, dedupe by story code, store in Postgres')
    .version('0.1.0')
    .option('--verbose', 'on failure, show the stack trace as well as the one-line reason')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 the work was done; 1 bad arguments or configuration, or Postgres/Redis unreachable\n' +
        '(one line on stderr); 2 the run did not get its work done (every URL or file failed, a failed\n' +
        'scheduled run, queue state lost, URLs held by another crawl).',
    );
  for (const m of [migrate, work, load, crawl, articles, parse, reparse, stats, sources, schedule, start, serve]) m.register(program);
  return program;
}

/** Errors we expect (bad input, services down) are their message; `null` for anything else. */
function expected(err: unknown): string | null {
  if (err instanceof CliError || err instanceof ServiceUnavailableError || err instanceof SourcesFileError) return err.message;
  if (err instanceof ConfigError || err instanceof LoadPathError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.syscall && e.path && (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR' || e.code === 'ENOTDIR')) {
    const why = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a folder', ENOTDIR: 'not a folder' }[e.code];
    return `${e.path}: ${why}`;
  }
  return null;
}

/** Every failure is one line on stderr; the stack only with --verbose or LOG_LEVEL=debug/trace. */
export function describeFailure(err: unknown, verbose: boolean): string {
  const known = expected(err);
  if (known !== null) return known.split('\n')[0];
  if (verbose && err instanceof Error && err.stack) return err.stack;
  const message = err instanceof Error ? err.message : String(err);
  // Prisma puts the useful line last ("Database `x` does not exist on the database server").
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.length > 1 && /^Invalid `/.test(lines[0]) ? lines[lines.length - 1] : (lines[0] ?? 'failed');
  return `${line} (run with --verbose for details)`;
}

export async function main(argv = process.argv): Promise<void> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose') || /^(debug|trace)$/i.test(process.env.LOG_LEVEL ?? '');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`newspipe: ${describeFailure(err, verbose)}\n`);
    process.exitCode = (err as CliError).exitCode ?? 1;
  }
}
