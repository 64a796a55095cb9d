// The Prisma client over the pg driver adapter (no native engine; see prisma.config.ts).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Config } from '../config.js';

export type Db = InstanceType<typeof PrismaClient>;
export { Prisma } from '../generated/prisma/client.js';

export function createDb(config: Pick<Config, 'DATABASE_URL' | 'NEWSPIPE_DB_POOL_SIZE'>): Db {
  const adapter = new PrismaPg({
    connectionString: config.DATABASE_URL,
    max: config.NEWSPIPE_DB_POOL_SIZE,
    connectionTimeoutMillis: 10_000,
  });
  return new PrismaClient({ adapter });
}
