// pino JSON logs; pretty only when stderr is a terminal (or NEWSPIPE_PRETTY_LOGS=1).
import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { terminal } from './terminal.js';

export type { Logger };

let root: Logger | undefined;

export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const pretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  if (pretty) return pino({ level }, { write: (line: string) => terminal.above(prettyLine(line)) });
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: 2, sync: false }));
}

// One line per record on a terminal: time, level, queue and job, message, url, then the rest.
const prettyLine = (() => {
  const format = prettyFactory({
    colorize: Boolean(process.stderr.isTTY),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,queue,jobId,url,source',
    messageFormat: '{if queue}{queue}#{jobId} {end}{msg}{if url} {url}{end}{if source} [{source}]{end}',
  });
  return (line: string) => format(line);
})();

/** The process-wide logger; set once by the CLI, created on first use otherwise. */
export function logger(): Logger {
  root ??= createLogger();
  return root;
}

export function setLogger(l: Logger): void {
  root = l;
}

/** The child logger every job handler uses: job id, url and source on each line. */
export function jobLogger(base: Logger, job: { id?: string | null; queue: string }, fields: { url?: string | null; path?: string | null; source?: string | null }): Logger {
  return base.child({ queue: job.queue, jobId: job.id, url: fields.url ?? fields.path ?? undefined, source: fields.source ?? undefined });
}
