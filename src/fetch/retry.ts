// When to try a failed fetch again, and after how long. Exponential backoff with *full* jitter
// (delay = random(0, min(max, base * 2^n))): after an outage thousands of jobs for one host
// fail together, and full jitter spreads their retries instead of synchronising them.
// A server's Retry-After wins when it asks for longer than our own backoff.

import { FetchError } from './errors.js';

/**
 * Retry-After is either delta-seconds ("120") or an HTTP-date. Returns milliseconds from `now`
 * (never negative), or undefined when absent/unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Math.max(0, Math.round(Number(v) * 1000)); // lenient: "1.5", "-1"
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface RetryClassification {
  retryable: boolean;
  /** FetchError code, a Node errno code (ECONNRESET, ...) or 'unknown'. */
  code: string;
  status?: number;
  retryAfterMs?: number;
}

// Socket-level failures that mean "the network or the peer had a bad moment".
const TRANSIENT_ERRNO = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * Is this worth retrying? FetchErrors carry the answer; raw Node/undici network errors are
 * retryable; anything else (a bug, a parser exception) is not: retrying would fail the same way.
 */
export function classify(err: unknown): RetryClassification {
  if (err instanceof FetchError) {
    const c: RetryClassification = { retryable: err.retryable, code: err.code };
    if (err.status !== undefined) c.status = err.status;
    if (err.retryAfterMs !== undefined) c.retryAfterMs = err.retryAfterMs;
    return c;
  }
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string' && TRANSIENT_ERRNO.has(e.code)) return { retryable: true, code: e.code };
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return { retryable: true, code: 'timeout' };
  }
  return { retryable: false, code: 'unknown' };
}

export interface RetryPolicyOptions {
  /** First backoff ceiling. Default 1 s. */
  baseMs?: number;
  /** Backoff ceiling cap. Default 15 min. */
  maxMs?: number;
  /** Retry-After above this is clamped (a server saying "come back in a week"). Default 6 h. */
  maxRetryAfterMs?: number;
  /** Total attempts including the first. Default 5. */
  maxAttempts?: number;
  /** Injectable for tests; must return [0, 1). */
  random?: () => number;
}

export interface RetryDecision {
  retry: boolean;
  /** Wait before the next attempt; 0 when not retrying. */
  delayMs: number;
  classification: RetryClassification;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  classify(err: unknown): RetryClassification;
  /** Pure backoff for the n-th retry (1-based), without looking at the error. */
  backoffMs(retryNumber: number): number;
  /**
   * `attemptsMade` = attempts already done including the one that just failed (BullMQ's
   * `job.attemptsMade` after the failure).
   */
  decide(err: unknown, attemptsMade: number): RetryDecision;
}

export function createRetryPolicy(opts: RetryPolicyOptions = {}): RetryPolicy {
  const baseMs = opts.baseMs ?? 1000;
  const maxMs = opts.maxMs ?? 15 * 60_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 6 * 3600_000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const random = opts.random ?? Math.random;

  const backoffMs = (retryNumber: number): number => {
    const n = Math.max(1, Math.floor(retryNumber));
    // 2^(n-1) overflows to Infinity long before it matters; min() keeps it finite.
    const ceiling = Math.min(maxMs, baseMs * 2 ** (n - 1));
    return Math.floor(random() * ceiling);
  };

  return {
    maxAttempts,
    classify,
    backoffMs,
    decide(err, attemptsMade) {
      const classification = classify(err);
      if (!classification.retryable || attemptsMade >= maxAttempts) {
        return { retry: false, delayMs: 0, classification };
      }
      let delayMs = backoffMs(attemptsMade);
      if (classification.retryAfterMs !== undefined) {
        delayMs = Math.max(delayMs, Math.min(classification.retryAfterMs, maxRetryAfterMs));
      }
      return { retry: true, delayMs, classification };
    },
  };
}
