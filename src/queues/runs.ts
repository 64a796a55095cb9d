// Counters of one CLI run (a `load` or `crawl` invocation), kept in Redis so the command can
// show progress while workers in any process do the work.
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

export type RunCounter = 'total' | 'new' | 'updated' | 'unchanged' | 'failed' | 'skipped' | 'fetched' | 'notModified' | 'queued' | 'pending' | 'listings';
export type RunCounts = Record<RunCounter, number>;

const TTL_SECONDS = 7 * 24 * 3600;
const MAX_FAILURES_KEPT = 1000;

export function newRunId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16);
}

export class RunTracker {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(runId: string) {
    return `${this.prefix}:run:${runId}`;
  }

  async add(runId: string, counter: RunCounter, by = 1): Promise<void> {
    await this.redis.multi().hincrby(this.key(runId), counter, by).expire(this.key(runId), TTL_SECONDS).exec();
  }

  /** Counts several counters at once (e.g. `{ new: 1, pending: -1 }`). */
  async addMany(runId: string, by: Partial<Record<RunCounter, number>>): Promise<void> {
    const m = this.redis.multi();
    for (const [f, n] of Object.entries(by)) if (n) m.hincrby(this.key(runId), f, n);
    await m.expire(this.key(runId), TTL_SECONDS).exec();
  }

  async fail(runId: string, what: string, reason: string, also: Partial<Record<RunCounter, number>> = {}): Promise<void> {
    const k = this.key(runId);
    const m = this.redis.multi();
    for (const [f, n] of Object.entries(also)) if (n) m.hincrby(k, f, n);
    await m
      .hincrby(k, 'failed', 1)
      .expire(k, TTL_SECONDS)
      .rpush(`${k}:failures`, `${what}: ${reason}`)
      .ltrim(`${k}:failures`, 0, MAX_FAILURES_KEPT - 1)
      .expire(`${k}:failures`, TTL_SECONDS)
      .exec();
  }

  async counts(runId: string): Promise<RunCounts> {
    const raw = await this.redis.hgetall(this.key(runId));
    const n = (f: RunCounter) => Number(raw[f] ?? 0);
    return {
      total: n('total'), new: n('new'), updated: n('updated'), unchanged: n('unchanged'),
      failed: n('failed'), skipped: n('skipped'), fetched: n('fetched'), notModified: n('notModified'),
      queued: n('queued'), pending: n('pending'), listings: n('listings'),
    };
  }

  async failures(runId: string, limit = 50): Promise<string[]> {
    return this.redis.lrange(`${this.key(runId)}:failures`, 0, limit - 1);
  }
}

/** Resolves when `done(counts)` holds, calling `onTick` about every `intervalMs`. */
export async function waitForRun(
  tracker: RunTracker,
  runId: string,
  done: (c: RunCounts) => boolean,
  onTick: (c: RunCounts) => void = () => {},
  intervalMs = 200,
): Promise<RunCounts> {
  for (;;) {
    const c = await tracker.counts(runId);
    onTick(c);
    if (done(c)) return c;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
