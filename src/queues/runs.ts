// Counters of one CLI run (a `load` or `crawl` invocation), kept in Redis so the command can
// show progress while workers in any process do the work.
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export type RunCounter = 'total' | 'new' | 'updated' | 'unchanged' | 'failed' | 'skipped' | 'fetched' | 'notModified' | 'queued' | 'pending' | 'listings' | 'claimed';
export type RunCounts = Record<RunCounter, number>;

const TTL_SECONDS = 7 * 24 * 3600;
const MAX_FAILURES_KEPT = 1000;
/** A held run's owner key outlives its last heartbeat by this long. */
const OWNER_TTL_MS = 30_000;
const HEARTBEAT_MS = 5_000;

/** The run's counters vanished from Redis (it restarted without persistence, or was flushed). */
export class RunStateLostError extends Error {
  constructor(readonly runId: string) {
    super(`Redis lost the state of run ${runId} (restarted without persistence, or flushed): its queued jobs and counters are gone`);
    this.name = 'RunStateLostError';
  }
}

/**
 * A run that a process waits on (a CLI crawl, load or reparse). While the process lives it
 * keeps the run's owner key fresh; once the key expires, other runs may take over the URLs
 * this one claimed (see the frontier). The `owned` field on the counters tells a lost run
 * (no field: Redis lost its data) from one that has only counted nothing yet.
 */
export class RunHold {
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly redis: Redis,
    private readonly counters: string,
    private readonly heldSet: string,
    readonly runId: string,
  ) {}

  async start(): Promise<this> {
    await this.redis.multi().hset(this.counters, 'owned', 1).expire(this.counters, TTL_SECONDS).sadd(this.heldSet, this.runId).exec();
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => {}), HEARTBEAT_MS);
    this.timer.unref();
    return this;
  }

  private async beat() {
    await this.redis.set(`${this.counters}:owner`, `${hostname()}:${process.pid}`, 'PX', OWNER_TTL_MS);
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis.multi().del(`${this.counters}:owner`).srem(this.heldSet, this.runId).exec().catch(() => {});
  }
}

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

  /** Marks the run as waited on by this process, until `release()`. */
  hold(runId: string): Promise<RunHold> {
    return new RunHold(this.redis, this.key(runId), this.heldSet, runId).start();
  }

  private get heldSet() {
    return `${this.prefix}:held-runs`;
  }

  /** Held runs whose owner is alive, other than `except`. */
  async liveHolds(except?: string): Promise<string[]> {
    const ids = (await this.redis.smembers(this.heldSet)).filter((id) => id !== except);
    if (!ids.length) return [];
    const alive = await this.redis.mget(...ids.map((id) => `${this.key(id)}:owner`));
    return ids.filter((_, i) => alive[i] !== null);
  }

  /**
   * Ends the holds of processes on this machine that died without releasing them (kill -9), so
   * that their URLs can be taken over at once rather than after the owner key expires. Returns
   * the runs found abandoned.
   */
  async releaseDeadHolds(): Promise<string[]> {
    const dead: string[] = [];
    for (const runId of await this.redis.smembers(this.heldSet)) {
      const owner = await this.redis.get(`${this.key(runId)}:owner`);
      const [host, pid] = owner ? [owner.slice(0, owner.lastIndexOf(':')), Number(owner.slice(owner.lastIndexOf(':') + 1))] : ['', 0];
      if (owner && (host !== hostname() || processAlive(pid))) continue;
      await this.redis.multi().del(`${this.key(runId)}:owner`).srem(this.heldSet, runId).exec();
      dead.push(runId);
    }
    return dead;
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

  /** The run's counters; `held` says whether the run's hold mark is there (see RunHold). */
  async counts(runId: string): Promise<RunCounts & { held: boolean }> {
    const raw = await this.redis.hgetall(this.key(runId));
    const n = (f: RunCounter) => Number(raw[f] ?? 0);
    return {
      total: n('total'), new: n('new'), updated: n('updated'), unchanged: n('unchanged'),
      failed: n('failed'), skipped: n('skipped'), fetched: n('fetched'), notModified: n('notModified'),
      queued: n('queued'), pending: n('pending'), listings: n('listings'), claimed: n('claimed'), held: raw.owned === '1',
    };
  }

  async failures(runId: string, limit = 50): Promise<string[]> {
    return this.redis.lrange(`${this.key(runId)}:failures`, 0, limit - 1);
  }
}

/**
 * Resolves when `done(counts)` holds, calling `onTick` about every `intervalMs`. For a held run,
 * throws RunStateLostError when Redis no longer has its counters.
 */
export async function waitForRun(
  tracker: RunTracker,
  runId: string,
  done: (c: RunCounts) => boolean,
  onTick: (c: RunCounts) => void = () => {},
  intervalMs = 200,
  hold?: RunHold,
): Promise<RunCounts> {
  for (;;) {
    const c = await tracker.counts(runId);
    if (hold && !c.held) throw new RunStateLostError(runId);
    onTick(c);
    if (done(c)) return c;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
