import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostLimiter } from '../../src/fetch/index.js';
import { deleteByPrefix, sleep } from './helpers.js';

const prefix = `test:fetch:${randomBytes(6).toString('hex')}:polite:`;
let a: Redis;
let b: Redis;

beforeAll(() => {
  // Two connections stand in for two worker processes.
  a = new Redis({ host: '127.0.0.1', port: 6379 });
  b = new Redis({ host: '127.0.0.1', port: 6379 });
});

afterAll(async () => {
  await deleteByPrefix(a, prefix);
  await a.quit();
  await b.quit();
});

describe('host limiter', () => {
  it('never exceeds maxConcurrent across two connections (20 parallel loops)', async () => {
    const opts = { prefix, maxConcurrent: 2, minDelayMs: 0, leaseMs: 10_000, busyWaitMs: 3 };
    const la = createHostLimiter(a, opts);
    const lb = createHostLimiter(b, opts);
    const host = 'busy.example';
    let inFlight = 0;
    let maxSeen = 0;
    let done = 0;
    const loop = async (limiter: typeof la) => {
      for (let i = 0; i < 5; i++) {
        const r = await limiter.acquire(host);
        if (!r.ok) throw new Error('acquire gave up');
        inFlight++;
        maxSeen = Math.max(maxSeen, inFlight);
        await sleep(2 + Math.random() * 4);
        inFlight--; // before release, so an overlap would be counted
        expect(await limiter.release(host, r.token)).toBe(true);
        done++;
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => loop(i % 2 === 0 ? la : lb)));
    expect(done).toBe(100);
    expect(maxSeen).toBe(2);
    expect(await la.inFlight(host)).toBe(0);
  });

  it('refuses with waitMs (not an error) when busy, and release frees the slot', async () => {
    const l = createHostLimiter(a, { prefix, maxConcurrent: 1, minDelayMs: 0, busyWaitMs: 500, busyJitter: 0 });
    const host = 'one.example';
    const first = await l.tryAcquire(host);
    expect(first.ok).toBe(true);
    const second = await l.tryAcquire(host);
    expect(second).toEqual({ ok: false, waitMs: 500, reason: 'concurrency' });
    if (first.ok) expect(await l.release(host, first.token)).toBe(true);
    expect((await l.tryAcquire(host)).ok).toBe(true);
  });

  it('minDelayMs 100 spaces request starts by >= ~100 ms across connections', async () => {
    const opts = { prefix, maxConcurrent: 10, minDelayMs: 100, leaseMs: 10_000 };
    const limiters = [createHostLimiter(a, opts), createHostLimiter(b, opts)];
    const host = 'slow.example';
    const starts: number[] = []; // Redis server clock
    const seen: number[] = []; // this process's clock
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const l = limiters[i % 2];
        const r = await l.acquire(host);
        if (!r.ok) throw new Error('acquire gave up');
        starts.push(r.startedAt);
        seen.push(performance.now());
        await l.release(host, r.token);
      }),
    );
    const gapsOf = (xs: number[]) => {
      const sorted = [...xs].sort((x, y) => x - y);
      return sorted.slice(1).map((t, i) => t - sorted[i]);
    };
    const gaps = gapsOf(starts);
    expect(gaps).toHaveLength(5);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(100);
    expect(Math.max(...gaps)).toBeLessThan(400);
    // As observed by the callers: the same, give or take reply latency and event-loop jitter.
    for (const g of gapsOf(seen)) expect(g).toBeGreaterThanOrEqual(80);
  });

  it('a delay refusal reports the exact remaining wait', async () => {
    const l = createHostLimiter(a, { prefix, maxConcurrent: 5, minDelayMs: 300 });
    const host = 'exact.example';
    expect((await l.tryAcquire(host)).ok).toBe(true);
    const r = await l.tryAcquire(host);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('delay');
      expect(r.waitMs).toBeGreaterThan(250);
      expect(r.waitMs).toBeLessThanOrEqual(300);
    }
  });

  it('reclaims expired leases (a crashed worker does not hold a slot forever)', async () => {
    const l = createHostLimiter(a, { prefix, maxConcurrent: 1, minDelayMs: 0, leaseMs: 150, busyWaitMs: 10_000, busyJitter: 0 });
    const host = 'crash.example';
    const crashed = await l.tryAcquire(host); // never released
    expect(crashed.ok).toBe(true);
    const refused = await l.tryAcquire(host);
    expect(refused.ok).toBe(false);
    // The hint never exceeds the time until the held lease expires.
    if (!refused.ok) expect(refused.waitMs).toBeLessThanOrEqual(150);
    await sleep(200);
    expect(await l.inFlight(host)).toBe(0);
    const after = await l.tryAcquire(host);
    expect(after.ok).toBe(true);
    if (crashed.ok) expect(await l.release(host, crashed.token)).toBe(false); // too late, reported
  });

  it('extend keeps the lease of a long fetch alive', async () => {
    const l = createHostLimiter(a, { prefix, maxConcurrent: 1, minDelayMs: 0, leaseMs: 150 });
    const host = 'long.example';
    const r = await l.tryAcquire(host);
    if (!r.ok) throw new Error('expected a slot');
    await sleep(100);
    expect(await l.extend(host, r.token)).toBe(true);
    await sleep(100);
    expect((await l.tryAcquire(host)).ok).toBe(false); // still held thanks to extend
    expect(await l.release(host, r.token)).toBe(true);
    expect(await l.extend(host, r.token)).toBe(false);
  });

  it('per-call crawl-delay raises the min delay; per-host overrides replace defaults', async () => {
    const l = createHostLimiter(a, {
      prefix,
      maxConcurrent: 4,
      minDelayMs: 10,
      overrides: { 'partner.example': { maxConcurrent: 8, minDelayMs: 0 } },
    });
    expect(l.limitsFor('site.example', { minDelayMs: 2000 })).toMatchObject({ minDelayMs: 2000, maxConcurrent: 4 });
    expect(l.limitsFor('site.example', { minDelayMs: 1 }).minDelayMs).toBe(10); // cannot lower
    expect(l.limitsFor('site.example', { maxConcurrent: 1 }).maxConcurrent).toBe(1);
    expect(l.limitsFor('site.example', { maxConcurrent: 100 }).maxConcurrent).toBe(4); // cannot raise
    expect(l.limitsFor('PARTNER.example.')).toMatchObject({ maxConcurrent: 8, minDelayMs: 0 });

    const host = 'crawl-delay.example';
    expect((await l.tryAcquire(host, { minDelayMs: 1000 })).ok).toBe(true);
    const r = await l.tryAcquire(host, { minDelayMs: 1000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.waitMs).toBeGreaterThan(900);
    // A caller that does not know the crawl-delay is only bound by its own 10 ms.
    await sleep(20);
    expect((await l.tryAcquire(host)).ok).toBe(true);
  });

  it('uses hash-tagged keys under the prefix and expires them', async () => {
    const l = createHostLimiter(a, { prefix, maxConcurrent: 1, minDelayMs: 50, leaseMs: 5000 });
    expect(l.keys('News.Example')).toEqual({ slots: `${prefix}{news.example}:slots`, last: `${prefix}{news.example}:last` });
    const r = await l.tryAcquire('ttl.example');
    expect(r.ok).toBe(true);
    const k = l.keys('ttl.example');
    expect(await a.pttl(k.slots)).toBeGreaterThan(0);
    expect(await a.pttl(k.last)).toBeGreaterThan(0);
  });

  it('falls back from EVALSHA to EVAL when the server lacks the script', async () => {
    // Real Redis underneath; only EVALSHA is made to answer NOSCRIPT, as after a SCRIPT FLUSH or
    // a failover (not flushing the shared server's script cache for real).
    let evals = 0;
    const noScriptCache = {
      evalsha: async () => {
        throw new Error('NOSCRIPT No matching script. Please use EVAL.');
      },
      eval: (...args: Parameters<Redis['eval']>) => {
        evals++;
        return b.eval(...args);
      },
    } as unknown as Pick<Redis, 'evalsha' | 'eval'>;
    const l = createHostLimiter(noScriptCache, { prefix, maxConcurrent: 1, minDelayMs: 0 });
    const r = await l.tryAcquire('flush.example');
    expect(r.ok).toBe(true);
    if (r.ok) expect(await l.release('flush.example', r.token)).toBe(true);
    expect(evals).toBe(2);
  });
});
