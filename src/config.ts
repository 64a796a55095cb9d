// Configuration from the environment, validated once at start with one clear line per bad value.
import { z } from 'zod';

/** A whole number from `min` to `max` given as text; every refusal states the range. */
export const intFrom = (min: number, max: number) => {
  const range = `must be a whole number from ${min} to ${max}`;
  // The schema-level message applies only to text that is not a number: zod would otherwise
  // use it for the range checks too.
  return z.coerce
    .number({ error: (iss) => (iss.code === 'invalid_type' ? range : undefined) })
    .int(range)
    .min(min, range)
    .max(max, range);
};

const urlWith = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`);

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

export const DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024;
/**
 * Highest NEWSPIPE_MAX_PAGE_BYTES accepted: the smallest size cap of the parsers (the islamtimes
 * profile's 10 Mi characters), so that a page the configured limit lets in is never refused by a
 * parser for its size, whatever the limit is set to.
 */
export const MAX_PAGE_BYTES_CEILING = 10 * 1024 * 1024;

/** Former names still read when the current one is not set: current name -> former name. */
const FORMER_NAMES: Record<string, string> = {
  NEWSPIPE_MAX_PAGE_BYTES: 'NEWSPIPE_MAX_FILE_BYTES',
};

export const configSchema = z.object({
  DATABASE_URL: urlWith(['postgresql:', 'postgres:']).default('postgresql://postgres@127.0.0.1:5432/newspipe'),
  REDIS_URL: urlWith(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /** Prefix of every BullMQ key, so several instances can share one Redis. May hold a {hash tag}. */
  NEWSPIPE_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}.-]{1,64}$/, 'must be 1-64 characters of letters, digits, _ . - { }')
    .default('newspipe'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Jobs processed at once per worker process, per queue. */
  NEWSPIPE_PARSE_CONCURRENCY: intFrom(1, 256).default(4),
  NEWSPIPE_LOAD_CONCURRENCY: intFrom(1, 256).default(4),
  NEWSPIPE_FETCH_CONCURRENCY: intFrom(1, 1024).default(16),
  /** Postgres connections per process. */
  NEWSPIPE_DB_POOL_SIZE: intFrom(1, 200).default(5),
  /**
   * How long a worker's hold on a running job lasts without renewal (renewed every half of it).
   * A job whose worker died is retried once its lock has expired and a stall check (every
   * NEWSPIPE_STALLED_INTERVAL_MS, by any worker) finds it.
   */
  NEWSPIPE_LOCK_DURATION_MS: intFrom(1000, 3_600_000).default(60_000),
  NEWSPIPE_STALLED_INTERVAL_MS: intFrom(500, 3_600_000).default(30_000),
  /** Folders `load` jobs may read from when they come from the queue (comma separated); empty = the job's own root. */
  NEWSPIPE_LOAD_ROOTS: z.string().default(''),
  NEWSPIPE_USER_AGENT: z.string().min(1).default('NewspipeBot/0.1 (+https://github.com/newspipe/newspipe)'),
  /** Per-host politeness for hosts whose source does not set its own (all processes together). */
  NEWSPIPE_HOST_MAX_CONCURRENT: intFrom(1, 256).default(2),
  NEWSPIPE_HOST_MIN_DELAY_MS: intFrom(0, 3_600_000).default(1000),
  /** Let URLs submitted from outside (the API) reach private, loopback and link-local addresses. */
  NEWSPIPE_ALLOW_PRIVATE_URLS: bool.default(false),
  NEWSPIPE_FETCH_TIMEOUT_MS: intFrom(1000, 600_000).default(30_000),
  /** Compressed bytes a fetch may download; the decoded page is held to NEWSPIPE_MAX_PAGE_BYTES. */
  NEWSPIPE_MAX_BODY_BYTES: intFrom(1024, 1 << 30).default(10 * 1024 * 1024),
  /** Attempts per URL for retryable failures (network, 5xx, 429). */
  NEWSPIPE_FETCH_ATTEMPTS: intFrom(1, 20).default(5),
  NEWSPIPE_RETRY_BASE_MS: intFrom(10, 600_000).default(1000),
  /**
   * Largest page, in bytes as stored (decoded): a loaded file, a fetched body, what the parser
   * takes. Checked before anything is read further or archived. Also read as NEWSPIPE_MAX_FILE_BYTES.
   */
  NEWSPIPE_MAX_PAGE_BYTES: intFrom(1024, MAX_PAGE_BYTES_CEILING).default(DEFAULT_MAX_PAGE_BYTES),
  NEWSPIPE_PRETTY_LOGS: bool.optional(),
  /** Dashboard and HTTP API (`newspipe serve`, `npm start`): interface and port. */
  NEWSPIPE_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  NEWSPIPE_HTTP_PORT: intFrom(0, 65535).default(3000),
  /**
   * Token for the dashboard and API (Authorization: Bearer, or ?token= once in a browser).
   * Required when the server listens on anything but loopback; when set, required everywhere but /healthz.
   */
  // Checked by the server (length, characters) so that a bad value is never echoed in an error.
  NEWSPIPE_TOKEN: z.string().optional(),
  /**
   * What the queue board (/admin/queues) may change: `safe` (retry, promote, remove jobs; pause
   * and resume queues), `none` (look only) or `all` (bull-board's every action, adding jobs and
   * editing their data included; such jobs still run with an API-submitted URL's limits).
   */
  NEWSPIPE_BOARD_WRITE: z.enum(['none', 'safe', 'all']).default('safe'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  // The variable each value came from, so an error names the one the user set.
  const setAs: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const name = [key, FORMER_NAMES[key]].find((n) => n !== undefined && env[n] !== undefined && env[n] !== '');
    if (name !== undefined) {
      input[key] = env[name]!;
      setAs[key] = name;
    }
  }
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const key = String(i.path[0]);
        return `${[setAs[key] ?? key, ...i.path.slice(1)].join('.')}=${JSON.stringify(input[key] ?? '')} ${i.message}`;
      }),
    );
  }
  return result.data;
}

/** The database name in a Postgres URL (for "create if missing"). */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
}
