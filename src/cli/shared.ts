// What every command shares: configuration, the logger, the app context, one-line failures.
import { loadConfig, type Config } from '../config.js';
import { createLogger, setLogger, type Logger } from '../log.js';
import { closeContext, createContext, type AppContext } from '../runtime/context.js';
import { preflight } from '../runtime/preflight.js';
import { terminal } from '../terminal.js';

/** Exit code of a run that ended without doing its work (all of it failed, or its queue state was lost). */
export const EXIT_INCOMPLETE = 2;

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

/**
 * A progress line: one live line on a terminal (log lines go above it), a line every few
 * seconds otherwise. Given how many items are done out of how many, it adds the rate and ETA.
 */
export class Progress {
  private last = 0;
  private readonly started = Date.now();
  private readonly tty = terminal.tty;
  constructor(private readonly label: string, private readonly unit = 'items', private readonly everyMs = 2000) {}

  update(text: string, done?: number, total?: number, force = false) {
    const line = `${this.label} ${text}${done !== undefined ? this.pace(done, total) : ''}`;
    const now = Date.now();
    if (this.tty) terminal.set(line);
    else if (force || now - this.last >= this.everyMs) {
      process.stderr.write(`${line}\n`);
      this.last = now;
    }
  }

  /** The last line, with the counts, stays. */
  done(text: string) {
    const secs = (Date.now() - this.started) / 1000;
    const line = `${this.label} ${text} in ${secs.toFixed(1)} s`;
    if (this.tty) terminal.end(line);
    else process.stderr.write(`${line}\n`);
  }

  private pace(done: number, total?: number): string {
    const secs = (Date.now() - this.started) / 1000;
    if (secs < 1 || done <= 0) return '';
    const rate = done / secs;
    const eta = total !== undefined && total > done ? ` | ETA ${formatSecs((total - done) / rate)}` : '';
    return ` | ${rate.toFixed(rate < 10 ? 1 : 0)} ${this.unit}/s${eta}`;
  }
}

function formatSecs(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A whole-number option of at least `min` (1 unless said: zero pages or workers make no sense). */
export function parseIntOption(name: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (v: string) => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new CliError(`--${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got "${v}"`);
    }
    return n;
  };
}

/** Refuses a source key that is not in the database, as every command does. */
export async function requireSource(ctx: AppContext, key: string | undefined): Promise<void> {
  if (key && !(await ctx.sources.byKeyOrNull(key))) throw new CliError(`unknown source "${key}"; see \`newspipe sources list\``);
}
