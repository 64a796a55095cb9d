// What every command shares: configuration, the logger, the app context, one-line failures.
import { loadConfig, type Config } from '../config.js';
import { createLogger, setLogger, type Logger } from '../log.js';
import { closeContext, createContext, type AppContext } from '../runtime/context.js';
import { preflight } from '../runtime/preflight.js';

/** An error whose message is the whole story: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export function setup(): { config: Config; log: Logger } {
  const config = loadConfig();
  const pretty = config.NEWSPIPE_PRETTY_LOGS ?? Boolean(process.stderr.isTTY);
  const log = createLogger({ level: config.LOG_LEVEL, pretty });
  setLogger(log);
  return { config, log };
}

/** Runs `fn` with a full context after checking that Postgres and Redis answer. */
export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const { config, log } = setup();
  await preflight(config);
  const ctx = createContext(config, log);
  try {
    return await fn(ctx);
  } finally {
    await closeContext(ctx);
  }
}

/** Resolves when SIGTERM or SIGINT arrives. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** A progress line: redrawn in place on a terminal, a line every few seconds otherwise. */
export class Progress {
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(private readonly label: string, private readonly everyMs = 2000) {}

  update(text: string, force = false) {
    const now = Date.now();
    if (this.tty) {
      process.stderr.write(`\r\x1b[K${this.label} ${text}`);
    } else if (force || now - this.last >= this.everyMs) {
      process.stderr.write(`${this.label} ${text}\n`);
      this.last = now;
    }
  }

  done(text: string) {
    if (this.tty) process.stderr.write(`\r\x1b[K`);
    this.update(text, true);
    if (this.tty) process.stderr.write('\n');
  }
}

export function parseIntOption(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be a whole number, got "${v}"`);
    return n;
  };
}
