// Redis connections and queues, all under one configurable prefix.
import { Redis, type RedisOptions } from 'ioredis';
import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Config } from '../config.js';
import { ALL_QUEUES, type QueueName } from './jobs.js';

/** A connection for BullMQ. Workers need maxRetriesPerRequest null (blocking commands). */
export function createRedis(config: Pick<Config, 'REDIS_URL'>, opts: RedisOptions = {}): Redis {
  return new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...opts,
  });
}

export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  // Completed jobs go after an hour (the DB keeps the record); failed ones stay a week so the
  // dashboard can show why.
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

export type Queues = Record<QueueName, Queue>;

export function createQueues(connection: Redis, prefix: string): Queues {
  const out = {} as Queues;
  for (const name of ALL_QUEUES) {
    out[name] = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  }
  return out;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
