// One pg pool per process, shared by the Prisma client (schema-typed queries for the read side
// and rare writes) and the hot paths, which use plain SQL: Prisma's query compiler costs several
// milliseconds of CPU per page, more than parsing the page does.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Config } from '../config.js';

export type Db = InstanceType<typeof PrismaClient> & { pool: pg.Pool };
export { Prisma } from '../generated/prisma/client.js';

export function createDb(config: Pick<Config, 'DATABASE_URL' | 'NEWSPIPE_DB_POOL_SIZE'>): Db {
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.NEWSPIPE_DB_POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // A dropped connection must not crash the process; the next query gets a new one.
  pool.on('error', () => {});
  // The pool's listener covers idle clients only. A checked-out client whose connection breaks
  // (Postgres restarted, a network blip) emits 'error' on itself, and pg-pool, the adapter and
  // transactions listen only part of the time: a reset between two statements of a transaction,
  // or a second error after a failed query, would be unhandled and crash the worker (seen in
  // test/reliability/postgres-outage.test.ts). The query using the client fails on its own (its
  // job is retried) and the pool drops the client, so the event needs no handling here.
  pool.on('connect', (client) => client.on('error', () => {}));
  const client = new PrismaClient({ adapter: new PrismaPg(pool) }) as Db;
  Object.defineProperty(client, 'pool', { value: pool, enumerable: false });
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    await disconnect();
    await pool.end().catch(() => {});
  };
  return client;
}
