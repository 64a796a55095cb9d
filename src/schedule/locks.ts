// Redis state of crawl runs, under the queue prefix:
//   <prefix>:crawl:lock:<source>   the run of the source in progress (value: run id; TTL: the
//                                  source's run timeout + 10 min) - two runs never overlap
//   <prefix>:crawl:run:<runId>     a running CrawlRun's state (JSON; TTL likewise); gone = the
//                                  run's Redis state was lost (flush, restart without persistence)
//   <prefix>:crawl:seed:<runId>    `open` while the run job queues its entry points, then `closed`
//   <prefix>:crawl:sync            mutex of the schedule sync (one sync at a time)
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AppContext } from '../runtime/context.js';

export const LOCK_MARGIN_MS = 10 * 60_000;

export function crawlKeys(ctx: Pick<AppContext, 'config'>) {
  const p = ctx.config.NEWSPIPE_QUEUE_PREFIX;
  return {
    lock: (source: string) => `${p}:crawl:lock:${source}`,
    state: (runId: string) => `${p}:crawl:run:${runId}`,
    seed: (runId: string) => `${p}:crawl:seed:${runId}`,
    sync: `${p}:crawl:sync`,
  };
}

export interface RunState {
  source: string | null;
  startedAt: number;
  timeoutMs: number;
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const TAKEOVER = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end`;

/** Deletes `key` if it still holds `value`. */
export async function releaseIfHeld(redis: Redis, key: string, value: string): Promise<boolean> {
  return Number(await redis.eval(RELEASE, 1, key, value)) === 1;
}

/** Replaces `key`'s value `from` by `to` (a stale lock taken over), atomically. */
export async function takeOver(redis: Redis, key: string, from: string, to: string, ttlMs: number): Promise<boolean> {
  return Number(await redis.eval(TAKEOVER, 1, key, from, to, String(ttlMs))) === 1;
}

/** Runs `fn` holding a short Redis mutex; waits for it up to `waitMs`. */
export async function withMutex<T>(redis: Redis, key: string, fn: () => Promise<T>, opts: { ttlMs?: number; waitMs?: number } = {}): Promise<T> {
  const token = randomUUID();
  const ttl = opts.ttlMs ?? 60_000;
  const until = Date.now() + (opts.waitMs ?? 30_000);
  while (!(await redis.set(key, token, 'PX', ttl, 'NX'))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${key} (another schedule sync is running)`);
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    return await fn();
  } finally {
    await releaseIfHeld(redis, key, token).catch(() => {});
  }
}
