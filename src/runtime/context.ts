// Everything a job handler or a command needs, created once per process.
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createDb, type Db } from '../store/db.js';
import { SourceCache } from '../store/sources.js';
import { closeQueues, createQueues, createRedis, type Queues } from '../queues/connection.js';
import { RunTracker } from '../queues/runs.js';
import { JobSigner } from '../queues/trust.js';

export interface AppContext {
  config: Config;
  log: Logger;
  db: Db;
  /** Shared connection for queues and counters (not for blocking worker commands). */
  redis: Redis;
  queues: Queues;
  runs: RunTracker;
  sources: SourceCache;
  /** Marks the jobs newspipe itself queues (queues/trust.ts). */
  signer: JobSigner;
}

export function createContext(config: Config, log: Logger): AppContext {
  const db = createDb(config);
  const redis = createRedis(config);
  redis.on('error', (err) => log.debug({ err: err.message }, 'redis connection error'));
  const queues = createQueues(redis, config.NEWSPIPE_QUEUE_PREFIX);
  return {
    config,
    log,
    db,
    redis,
    queues,
    runs: new RunTracker(redis, config.NEWSPIPE_QUEUE_PREFIX),
    sources: new SourceCache(db),
    signer: new JobSigner(redis, config.NEWSPIPE_QUEUE_PREFIX),
  };
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await closeQueues(ctx.queues).catch(() => {});
  await ctx.redis.quit().catch(() => ctx.redis.disconnect());
  await ctx.db.$disconnect().catch(() => {});
}
