// Per-host politeness that holds across every worker process: at most N requests in flight per
// host and a minimum gap between request starts per host. State lives in Redis and is changed
// only by Lua scripts, so check-and-take is atomic however many processes race.
//
// Lease design: each in-flight request is a member of a sorted set scored by its *expiry time*
// (Redis server clock, so process clocks never matter). Every acquire first drops members whose
// expiry has passed, so a worker that crashed mid-fetch loses its slot after `leaseMs` without
// any sweeper. `leaseMs` must therefore exceed the longest fetch (the http client's
// totalTimeoutMs); long jobs can call `extend`.
//
// The caller is a queue worker: when the host is busy it gets `{ ok: false, waitMs }` and should
// move the job to delayed for waitMs (never fail it). Nothing here blocks, except the optional
// `acquire` convenience loop.
//
// Keys: `${prefix}{host}:slots` (ZSET token -> lease expiry ms) and `${prefix}{host}:last`
// (last start time ms). The `{host}` hash tag keeps both keys of a host in one Redis Cluster
// slot, as multi-key scripts require. (A prefix containing its own `{...}` also works but puts
// every host in one slot.)

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { luaScript, runScript } from '../queues/lua.js';

export interface HostLimits {
  /** Requests in flight at once for the host, across all processes. */
  maxConcurrent: number;
  /** Minimum time between two request starts for the host. */
  minDelayMs: number;
  /** A slot not released within this time is reclaimed. Must exceed the fetch timeout. */
  leaseMs: number;
}

export interface HostLimiterOptions extends Partial<HostLimits> {
  /** Key prefix, e.g. 'newspipe:polite:'. Default 'newspipe:polite:'. */
  prefix?: string;
  /**
   * Suggested wait when all slots are taken. We cannot know when a slot frees up (the
   * earliest lease expiry is only an upper bound), so callers come back after this.
   * Default 1000 ms; never more than the earliest lease expiry.
   */
  busyWaitMs?: number;
  /** Random extra added to busy waits so delayed jobs do not return in lockstep. Default 0.2 (20 %). */
  busyJitter?: number;
  /** Static per-host settings (e.g. a partner site that allows more). They replace the defaults. */
  overrides?: Record<string, Partial<HostLimits>>;
}

/**
 * Per-call limits, e.g. from robots.txt. They can only make things stricter: minDelayMs is
 * max()ed with the configured delay (Crawl-delay raises it), maxConcurrent min()ed.
 */
export interface AcquireOptions {
  minDelayMs?: number;
  maxConcurrent?: number;
  leaseMs?: number;
}

export type AcquireResult =
  | {
      ok: true;
      token: string;
      /** Redis server time (ms) the slot was taken. */
      startedAt: number;
      /** Redis server time (ms) the lease expires. */
      expiresAt: number;
    }
  | { ok: false; waitMs: number; reason: 'concurrency' | 'delay' };

export interface HostLimiter {
  tryAcquire(host: string, opts?: AcquireOptions): Promise<AcquireResult>;
  /** Frees the slot. false when the lease had already expired (the fetch took longer than leaseMs). */
  release(host: string, token: string): Promise<boolean>;
  /** Pushes a lease's expiry to now + leaseMs. false when it is gone. */
  extend(host: string, token: string, leaseMs?: number): Promise<boolean>;
  /** Live (unexpired) leases for the host. */
  inFlight(host: string): Promise<number>;
  /**
   * Convenience for non-queue callers and tests: retries tryAcquire, sleeping waitMs between
   * attempts, until it succeeds, `maxWaitMs` passes (returns the last refusal) or `signal` aborts.
   */
  acquire(host: string, opts?: AcquireOptions & { maxWaitMs?: number; signal?: AbortSignal }): Promise<AcquireResult>;
  /** Redis keys used for a host (for tests and cleanup). */
  keys(host: string): { slots: string; last: string };
  /** The effective limits for a host (defaults < overrides < per-call tightening). */
  limitsFor(host: string, opts?: AcquireOptions): HostLimits;
}

/** Subset of ioredis used. A `Redis` or `Cluster` instance fits. */
export type LimiterRedis = Pick<Redis, 'evalsha' | 'eval'>;

// Server time in ms. redis.replicate_commands() is needed for TIME on Redis < 5 and a no-op later.
const NOW = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// KEYS: slots, last. ARGV: token, maxConcurrent, minDelayMs, leaseMs, busyWaitMs.
// Returns {1, startedAt, leaseExpiry} or {0, waitMs, reason}.
const ACQUIRE_LUA = `${NOW}
local maxConcurrent = tonumber(ARGV[2])
local minDelay = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
local busyWait = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local wait = 0
local reason = 'delay'
if minDelay > 0 then
  local last = tonumber(redis.call('GET', KEYS[2]) or '-1')
  if last >= 0 and last + minDelay > now then wait = last + minDelay - now end
end
if redis.call('ZCARD', KEYS[1]) >= maxConcurrent then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local w = math.max(1, math.min(busyWait, tonumber(first[2]) - now))
  if w >= wait then wait = w; reason = 'concurrency' end
end
if wait > 0 then return {0, wait, reason} end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
redis.call('SET', KEYS[2], now, 'PX', math.max(minDelay * 2, 600000))
return {1, now, now + lease}
`;

// KEYS: slots. ARGV: token, leaseMs. Returns 1 if extended.
const EXTEND_LUA = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 1
`;

// KEYS: slots. ARGV: token. Returns 1 if the token still held a live lease.
const RELEASE_LUA = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZREM', KEYS[1], ARGV[1])
`;

// KEYS: slots.
const COUNT_LUA = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
`;

const SCRIPTS = {
  acquire: luaScript(ACQUIRE_LUA),
  extend: luaScript(EXTEND_LUA),
  release: luaScript(RELEASE_LUA),
  count: luaScript(COUNT_LUA),
};

/** Lower-case, no trailing dot, no port: politeness is per host name. */
export function normalizeHost(hostOrUrl: string): string {
  let host = hostOrUrl.trim();
  if (host.includes('://')) host = new URL(host).hostname;
  return host.toLowerCase().replace(/\.$/, '');
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function createHostLimiter(redis: LimiterRedis, options: HostLimiterOptions = {}): HostLimiter {
  const prefix = options.prefix ?? 'newspipe:polite:';
  const defaults: HostLimits = {
    maxConcurrent: options.maxConcurrent ?? 2,
    minDelayMs: options.minDelayMs ?? 1000,
    leaseMs: options.leaseMs ?? 120_000,
  };
  const busyWaitMs = options.busyWaitMs ?? 1000;
  const busyJitter = options.busyJitter ?? 0.2;
  const overrides = new Map(Object.entries(options.overrides ?? {}).map(([h, l]) => [normalizeHost(h), l]));

  const keys = (host: string) => {
    const h = normalizeHost(host);
    return { slots: `${prefix}{${h}}:slots`, last: `${prefix}{${h}}:last` };
  };

  const limitsFor = (host: string, opts: AcquireOptions = {}): HostLimits => {
    const o = overrides.get(normalizeHost(host)) ?? {};
    const base: HostLimits = { ...defaults, ...o };
    return {
      maxConcurrent: Math.max(1, Math.floor(Math.min(base.maxConcurrent, opts.maxConcurrent ?? Infinity))),
      minDelayMs: Math.max(0, Math.ceil(Math.max(base.minDelayMs, opts.minDelayMs ?? 0))),
      leaseMs: Math.max(1, Math.ceil(opts.leaseMs ?? base.leaseMs)),
    };
  };

  async function tryAcquire(host: string, opts: AcquireOptions = {}): Promise<AcquireResult> {
    const l = limitsFor(host, opts);
    const k = keys(host);
    const token = randomUUID();
    const res = (await runScript(redis, SCRIPTS.acquire, [k.slots, k.last], [token, l.maxConcurrent, l.minDelayMs, l.leaseMs, busyWaitMs])) as [
      number,
      number,
      number | string,
    ];
    if (Number(res[0]) === 1) return { ok: true, token, startedAt: Number(res[1]), expiresAt: Number(res[2]) };
    const reason = res[2] === 'concurrency' ? 'concurrency' : 'delay';
    let waitMs = Number(res[1]);
    // A delay wait is exact (the next allowed start); a concurrency wait is a guess, so spread it.
    if (reason === 'concurrency' && busyJitter > 0) waitMs += Math.floor(Math.random() * waitMs * busyJitter);
    return { ok: false, waitMs, reason };
  }

  return {
    tryAcquire,
    async release(host, token) {
      return Number(await runScript(redis, SCRIPTS.release, [keys(host).slots], [token])) === 1;
    },
    async extend(host, token, leaseMs) {
      const l = limitsFor(host, leaseMs !== undefined ? { leaseMs } : {});
      return Number(await runScript(redis, SCRIPTS.extend, [keys(host).slots], [token, l.leaseMs])) === 1;
    },
    async inFlight(host) {
      return Number(await runScript(redis, SCRIPTS.count, [keys(host).slots], []));
    },
    async acquire(host, opts = {}) {
      const deadline = opts.maxWaitMs !== undefined ? Date.now() + opts.maxWaitMs : Infinity;
      for (;;) {
        const r = await tryAcquire(host, opts);
        if (r.ok) return r;
        const left = deadline - Date.now();
        if (left <= 0) return r;
        await sleep(Math.min(r.waitMs, left), opts.signal);
      }
    },
    keys,
    limitsFor,
  };
}
