import { describe, expect, it } from 'vitest';
import { classify, createRetryPolicy, FetchError, parseRetryAfter } from '../../src/fetch/index.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  it('delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('HTTP-date, never negative', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
  });
  it('garbage and absence', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});

describe('classify', () => {
  it('uses FetchError flags', () => {
    expect(classify(new FetchError('http-status', 'x', { status: 404, retryable: false }))).toEqual({
      retryable: false,
      code: 'http-status',
      status: 404,
    });
    expect(classify(new FetchError('http-status', 'x', { status: 429, retryable: true, retryAfterMs: 5000 }))).toMatchObject({
      retryable: true,
      retryAfterMs: 5000,
    });
    expect(classify(new FetchError('timeout', 'x')).retryable).toBe(true);
    expect(classify(new FetchError('too-large', 'x')).retryable).toBe(false);
  });
  it('raw network errors are retryable, anything else is not', () => {
    expect(classify(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toEqual({ retryable: true, code: 'ECONNRESET' });
    expect(classify(new TypeError('x is undefined'))).toEqual({ retryable: false, code: 'unknown' });
    expect(classify('string thrown')).toEqual({ retryable: false, code: 'unknown' });
  });
});

describe('createRetryPolicy', () => {
  it('full jitter: delay is uniform in [0, min(max, base * 2^(n-1)))', () => {
    const hi = createRetryPolicy({ baseMs: 1000, maxMs: 10_000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6].map((n) => hi.backoffMs(n))).toEqual([999, 1999, 3999, 7999, 9999, 9999]);
    const lo = createRetryPolicy({ random: () => 0 });
    expect(lo.backoffMs(3)).toBe(0);
    const real = createRetryPolicy({ baseMs: 100, maxMs: 1000 });
    for (let i = 0; i < 200; i++) {
      const d = real.backoffMs(3);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(400);
    }
  });

  it('Retry-After wins when larger, is clamped, and loses when smaller', () => {
    const p = createRetryPolicy({ baseMs: 1000, maxRetryAfterMs: 60_000, random: () => 0.5 });
    const err = (ms: number) => new FetchError('http-status', 'x', { status: 429, retryable: true, retryAfterMs: ms });
    expect(p.decide(err(30_000), 1)).toMatchObject({ retry: true, delayMs: 30_000 });
    expect(p.decide(err(3_600_000), 1).delayMs).toBe(60_000);
    expect(p.decide(err(10), 3).delayMs).toBe(2000); // backoff 0.5 * 4000
  });

  it('stops on non-retryable errors and after maxAttempts', () => {
    const p = createRetryPolicy({ maxAttempts: 3 });
    expect(p.decide(new FetchError('http-status', '404', { status: 404 }), 1).retry).toBe(false);
    expect(p.decide(new FetchError('timeout', 't'), 2).retry).toBe(true);
    expect(p.decide(new FetchError('timeout', 't'), 3).retry).toBe(false);
  });
});
