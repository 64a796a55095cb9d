// The `newspipe` command. One file per command under commands/.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { CliError } from './shared.js';
import { ServiceUnavailableError } from '../runtime/preflight.js';
import { SourcesFileError } from '../sources/catalog.js';
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
    .showHelpAfterError()
    .exitOverride();
  for (const m of [migrate, work, load, crawl, articles, parse, reparse, stats, sources, schedule, start, serve]) m.register(program);
  return program;
}

/** Errors we expect (bad input, services down) are one line; anything else is a bug: full stack. */
function oneLine(err: unknown): string | null {
  if (err instanceof CliError || err instanceof ServiceUnavailableError || err instanceof SourcesFileError) return err.message;
  if (err instanceof ConfigError) return err.message;
  return null;
}

export async function main(argv = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    const msg = oneLine(err);
    process.stderr.write(`newspipe: ${msg ?? (err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    process.exitCode = (err as CliError).exitCode ?? 1;
  }
}
