// The one error type the fetch stage throws. Workers decide "retry later" vs "give up" from
// `retryable` alone, so every failure path must land here with that flag set deliberately.

export type FetchErrorCode =
  /** Connect, headers, body or total deadline passed. */
  | 'timeout'
  /** TCP/TLS connection refused, reset or closed early. */
  | 'connect'
  /** Name did not resolve. */
  | 'dns'
  /** Raw (compressed) body above `maxBodyBytes`. */
  | 'too-large'
  /** Decompressed body above `maxDecodedBytes` (compression bomb or just huge). */
  | 'decoded-too-large'
  /** Corrupt gzip/deflate/brotli data or a Content-Encoding we cannot decode. */
  | 'bad-encoding'
  | 'too-many-redirects'
  | 'redirect-loop'
  /** Not HTML/XML: we never download or parse it. */
  | 'unsupported-content-type'
  /** Any non-2xx, non-3xx, non-304 answer (see `status`). */
  | 'http-status'
  /** Unparseable, non-http(s), over-long or credential-bearing URL; or a redirect without usable Location. */
  | 'invalid-url'
  /** Host is or resolves to a private/loopback/... address. */
  | 'blocked-address'
  /** robots.txt says no (or could not be fetched: then retryable). */
  | 'robots-disallowed'
  /** 2xx with no body. */
  | 'empty'
  /** The caller's AbortSignal fired (e.g. worker shutting down). */
  | 'aborted';

export interface FetchErrorInit {
  status?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  url?: string;
  cause?: unknown;
}

/**
 * Default retryability per code. Overridable per instance because a few codes depend on
 * context (e.g. 'http-status' 404 vs 503, 'robots-disallowed' rules vs robots.txt outage).
 */
const RETRYABLE_BY_DEFAULT: Record<FetchErrorCode, boolean> = {
  timeout: true,
  connect: true,
  // DNS failures are often transient (resolver hiccup, EAI_AGAIN); the retry policy caps attempts.
  dns: true,
  'too-large': false,
  'decoded-too-large': false,
  'bad-encoding': false,
  'too-many-redirects': false,
  'redirect-loop': false,
  'unsupported-content-type': false,
  'http-status': false,
  'invalid-url': false,
  'blocked-address': false,
  'robots-disallowed': false,
  empty: false,
  aborted: true,
};

export class FetchError extends Error {
  readonly code: FetchErrorCode;
  readonly status?: number;
  readonly retryable: boolean;
  /** Server-requested wait (Retry-After), already converted to milliseconds from now. */
  readonly retryAfterMs?: number;
  /** The URL being fetched when it failed (the hop, for redirect chains). */
  readonly url?: string;

  constructor(code: FetchErrorCode, message: string, init: FetchErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FetchError';
    this.code = code;
    if (init.status !== undefined) this.status = init.status;
    this.retryable = init.retryable ?? RETRYABLE_BY_DEFAULT[code];
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.url !== undefined) this.url = init.url;
  }
}

export function isFetchError(err: unknown): err is FetchError {
  return err instanceof FetchError;
}

/** HTTP statuses worth another try later: timeouts, throttling, server trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}
