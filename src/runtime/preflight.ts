// Before work starts: are Postgres and Redis there? If not, say which and how to start it.
import pg from 'pg';
import { Redis } from 'ioredis';
import { databaseName, type Config } from '../config.js';
import { pendingMigrations } from '../store/migrate.js';

export class ServiceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

const where = (u: string) => {
  const url = new URL(u);
  return `${url.hostname}:${url.port || (url.protocol.startsWith('redis') ? 6379 : 5432)}`;
};

/** Postgres answers; with `schema`, the database also exists and has every migration applied. */
export async function checkPostgres(databaseUrl: string, opts: { schema?: boolean } = {}): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  let exists = false;
  try {
    await client.connect();
    exists = Boolean((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(databaseUrl)])).rowCount);
  } catch (err) {
    throw new ServiceUnavailableError(
      `cannot reach PostgreSQL at ${where(databaseUrl)} (${(err as Error).message || (err as { code?: string }).code}); ` +
        'start it with `docker compose up -d postgres` (compose file in this repository) or your local install ' +
        '(e.g. `pg_ctlcluster 15 main start`), or set DATABASE_URL',
    );
  } finally {
    await client.end().catch(() => {});
  }
  if (!opts.schema) return;
  const name = databaseName(databaseUrl);
  if (!exists) throw new ServiceUnavailableError(`database "${name}" does not exist on ${where(databaseUrl)}; create it and its tables with \`newspipe migrate\``);
  const pending = await pendingMigrations(databaseUrl).catch(() => null);
  if (pending === null) throw new ServiceUnavailableError(`database "${name}" has no newspipe tables (or a migration failed); run \`newspipe migrate\``);
  if (pending.length) throw new ServiceUnavailableError(`database "${name}" lacks ${pending.length} migration(s) (${pending.join(', ')}); run \`newspipe migrate\``);
}

export async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  redis.on('error', () => {});
  try {
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      throw new ServiceUnavailableError(
        `cannot reach Redis at ${where(redisUrl)} (${(err as Error).message}); ` +
          'start it with `docker compose up -d redis` or your local install (`redis-server --daemonize yes`), or set REDIS_URL',
      );
    }
    // ioredis reports a failed SELECT only as an 'error' event and goes on in database 0, which
    // may be someone else's: ask for the database once more, where the answer can be seen.
    const db = redis.options.db ?? 0;
    await redis.select(db).catch((err: Error) => {
      throw new ServiceUnavailableError(
        `Redis at ${where(redisUrl)} has no database ${db} (${err.message}); ` +
          'REDIS_URL must name a database index below the server\'s `databases` setting (16 by default)',
      );
    });
  } finally {
    redis.disconnect();
  }
}

/** Checks the services a command needs; `schema` (default true) also wants the tables migrated. */
export async function preflight(config: Config, need: { postgres?: boolean; redis?: boolean; schema?: boolean } = { postgres: true, redis: true }): Promise<void> {
  await Promise.all([
    need.postgres ? checkPostgres(config.DATABASE_URL, { schema: need.schema ?? true }) : undefined,
    need.redis ? checkRedis(config.REDIS_URL) : undefined,
  ]);
}
