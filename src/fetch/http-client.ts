// One page fetch = one call. Built on an undici Agent (keep-alive pools, bounded connections per
// origin, per-phase timeouts) with redirects followed by hand so every hop goes through the
// address guard and robots gate, and bodies decoded through capped streams (see body.ts).
// Failures are always FetchError with `retryable` set, so the queue layer needs no HTTP knowledge.

import { Agent, request, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { checkUrl, createGuardedLookup, type ResolveAll } from './address-guard.js';
import { abandonBody, parseContentEncoding, readBody } from './body.js';
import { decodeBody, parseContentType, type CharsetSource } from './charset.js';
import { FetchError, isRetryableStatus, type FetchErrorCode } from './errors.js';
import { parseRetryAfter } from './retry.js';

export const DEFAULT_ACCEPT_CONTENT_TYPES: readonly string[] = [
  'text/html',
  'application/xhtml+xml',
  'application/xml',
  'text/xml',
  'application/rss+xml',
  'application/atom+xml',
];

export const DEFAULT_USER_AGENT = 'NewspipeBot/0.1 (+https://github.com/newspipe/newspipe)';

/** Anything that can answer "may we fetch this URL?" (see robots.ts). */
export interface RobotsGate {
  check(url: string): Promise<{
    allowed: boolean;
    /** true when robots.txt itself was unavailable */
    temporary?: boolean;
    /** why it was unavailable: an HTTP status, or `code: message` of the failed fetch */
    cause?: string;
  }>;
}

export interface HttpClientOptions {
  /** Sent as User-Agent. Default DEFAULT_USER_AGENT. */
  userAgent?: string;
  /** TCP+TLS connect. Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * Request sent -> response headers complete. Default 15 s. undici checks this and
   * bodyTimeoutMs on a ~0.5 s tick, so they are ~1 s granular (200 ms fires after ~1 s).
   */
  headersTimeoutMs?: number;
  /** Max silence between body chunks. Default 15 s. */
  bodyTimeoutMs?: number;
  /**
   * Whole fetch, all redirect hops and the body included. The per-phase timeouts cannot catch
   * a server trickling one byte every few seconds; this can. Default 30 s.
   */
  totalTimeoutMs?: number;
  /** Raw (compressed) bytes. Default 10 MB. */
  maxBodyBytes?: number;
  /** Bytes after Content-Encoding is undone; an unencoded body is held to it as received. Default 20 MB. */
  maxDecodedBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Lower-case MIME types fetched and returned; anything else fails 'unsupported-content-type'. */
  acceptContentTypes?: readonly string[];
  /** Accept a 2xx without Content-Type (charset detection still runs). Default true. */
  allowMissingContentType?: boolean;
  /** Max parallel connections per origin in this process. Default 4. */
  connectionsPerOrigin?: number;
  /** Idle keep-alive socket lifetime. Default 10 s. */
  keepAliveTimeoutMs?: number;
  /** Skip the private-address guard (tests, intranet sources). Default false. */
  allowPrivate?: boolean;
  /** Name resolution for the connect-time guard; default dns.lookup. Tests map names here. */
  resolveAll?: ResolveAll;
  /** Max URL length for every hop. Default 2048. */
  maxUrlLength?: number;
  /** When given, every hop (the first URL and each redirect target) must be allowed. */
  robots?: RobotsGate;
  /** Extra request headers (e.g. Accept-Language). */
  headers?: Record<string, string>;
}

export interface FetchPageOptions {
  /** Stored ETag -> If-None-Match. */
  etag?: string | null;
  /** Stored Last-Modified (HTTP-date) -> If-Modified-Since. */
  lastModified?: string | null;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface ResponseHeaders {
  contentType?: string;
  contentEncoding?: string;
  etag?: string;
  lastModified?: string;
  retryAfter?: string;
  contentLanguage?: string;
}

export interface FetchTimings {
  /** Start -> first response headers of the final hop. */
  headersMs: number;
  totalMs: number;
}

interface ResultBase {
  /** HTTP status of the final hop. */
  status: number;
  /** The URL asked for (normalised: fragment removed). */
  url: string;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  /** URLs that answered with a redirect, in order (empty when none). */
  redirects: string[];
  headers: ResponseHeaders;
  timings: FetchTimings;
}

export interface FetchOk extends ResultBase {
  kind: 'ok';
  /** Decoded (decompressed) bytes, not charset-decoded. */
  body: Buffer;
  /** `body` decoded with `charset`. */
  text: string;
  /** Canonical charset used, e.g. 'utf-8', 'windows-1251'. */
  charset: string;
  charsetSource: CharsetSource;
  /** Lower-case MIME type without parameters; '' when the server sent none. */
  contentType: string;
  /** body.length */
  bytes: number;
  /** Bytes received on the wire (compressed). */
  rawBytes: number;
  /** The body as received, when the server sent it gzip-encoded (and nothing else). */
  gzipped?: Buffer;
  /** Non-fatal oddities: unknown charset label, binary-looking body, ... */
  warnings: string[];
}

export interface FetchNotModified extends ResultBase {
  kind: 'not-modified';
}

export type FetchResult = FetchOk | FetchNotModified;

export interface FetchTextOptions {
  signal?: AbortSignal;
  /** Read at most this many decoded bytes; the rest is ignored. Default 512 KiB. */
  maxBytes?: number;
}

/** Any status, any content type; for robots.txt and the like. */
export interface TextResponse {
  status: number;
  url: string;
  finalUrl: string;
  /** '' unless 2xx. */
  text: string;
  truncated: boolean;
}

export interface HttpClient {
  fetchPage(url: string, opts?: FetchPageOptions): Promise<FetchResult>;
  fetchText(url: string, opts?: FetchTextOptions): Promise<TextResponse>;
  /** Closes pooled sockets after in-flight requests finish. */
  close(): Promise<void>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

function pickHeaders(h: IncomingHttpHeaders): ResponseHeaders {
  const out: ResponseHeaders = {};
  const set = (key: keyof ResponseHeaders, name: string) => {
    const v = header(h, name);
    if (v !== undefined) out[key] = v;
  };
  set('contentType', 'content-type');
  set('contentEncoding', 'content-encoding');
  set('etag', 'etag');
  set('lastModified', 'last-modified');
  set('retryAfter', 'retry-after');
  set('contentLanguage', 'content-language');
  return out;
}

/** Leave the socket reusable for small bodies, close it for big/slow ones. Never throws. */
function discard(res: Dispatcher.ResponseData): void {
  res.body.dump({ limit: 64 * 1024 }).catch(() => {});
}

const TLS_PERMANENT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|ALTNAME/;

/**
 * The error for a URL robots.txt did not let through. When robots.txt could not be fetched at
 * all (refused, unresolvable, timed out), the site is unreachable: that is the page's error too.
 */
function robotsRefusal(url: URL, verdict: { temporary?: boolean; cause?: string }): FetchError {
  if (!verdict.temporary) return new FetchError('robots-disallowed', `robots.txt disallows ${url.href}`, { url: url.href, retryable: false });
  const m = /^(connect|dns|timeout): (.*)$/s.exec(verdict.cause ?? '');
  if (m) return new FetchError(m[1] as FetchErrorCode, `${m[2]} (asking for robots.txt before ${url.href})`, { url: url.href });
  const why = verdict.cause && /^\d+$/.test(verdict.cause) ? `answered HTTP ${verdict.cause}` : `unavailable${verdict.cause ? ` (${verdict.cause})` : ''}`;
  return new FetchError('robots-disallowed', `robots.txt for ${url.origin} ${why}; treating as disallowed for now`, { url: url.href, retryable: true });
}

/** Undici/Node error -> FetchError. */
function toFetchError(err: unknown, url: string, ctx: { totalTimeout: AbortSignal; user?: AbortSignal; totalMs: number }): FetchError {
  if (err instanceof FetchError) return err;
  if (ctx.totalTimeout.aborted) {
    return new FetchError('timeout', `total timeout of ${ctx.totalMs} ms exceeded for ${url}`, { url, cause: err });
  }
  if (ctx.user?.aborted) return new FetchError('aborted', `fetch of ${url} aborted by caller`, { url, cause: err });
  const e = (err ?? {}) as { code?: unknown; message?: unknown; cause?: unknown };
  // Undici sometimes wraps the socket error (e.g. our lookup guard's) as `cause`.
  if (e.cause instanceof FetchError) return e.cause;
  const code = typeof e.code === 'string' ? e.code : '';
  const msg = typeof e.message === 'string' ? e.message : String(err);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new FetchError('timeout', `connect timeout for ${url}`, { url, cause: err });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new FetchError('timeout', `no response headers in time from ${url}`, { url, cause: err });
    case 'UND_ERR_BODY_TIMEOUT':
      return new FetchError('timeout', `body stalled (no data within body timeout) from ${url}`, { url, cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return new FetchError('dns', `cannot resolve host of ${url}: ${msg}`, { url, cause: err });
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ECONNABORTED':
    case 'EPIPE':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return new FetchError('connect', `connection failed for ${url}: ${msg}`, { url, cause: err });
  }
  if (TLS_PERMANENT.test(code)) {
    // A broken certificate does not heal in minutes; do not hammer it.
    return new FetchError('connect', `TLS error for ${url}: ${msg}`, { url, cause: err, retryable: false });
  }
  if (code.startsWith('HPE_')) {
    return new FetchError('connect', `malformed HTTP response from ${url}: ${msg}`, { url, cause: err, retryable: false });
  }
  return new FetchError('connect', `request to ${url} failed: ${msg}`, {
    url,
    cause: err,
    // An errno-style code means the network; anything else is most likely our bug.
    retryable: /^E[A-Z]+$/.test(code) || code.startsWith('UND_ERR'),
  });
}

function hasNul(buf: Buffer): boolean {
  return buf.subarray(0, 1024).includes(0);
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const opts = {
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    headersTimeoutMs: options.headersTimeoutMs ?? 15_000,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 15_000,
    totalTimeoutMs: options.totalTimeoutMs ?? 30_000,
    maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
    maxDecodedBytes: options.maxDecodedBytes ?? 20 * 1024 * 1024,
    maxRedirects: options.maxRedirects ?? 5,
    allowMissingContentType: options.allowMissingContentType ?? true,
  };
  const accept = new Set((options.acceptContentTypes ?? DEFAULT_ACCEPT_CONTENT_TYPES).map((t) => t.toLowerCase()));
  const guard = { allowPrivate: options.allowPrivate ?? false, maxUrlLength: options.maxUrlLength };

  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 4,
    pipelining: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs ?? 10_000, 60_000),
    headersTimeout: opts.headersTimeoutMs,
    bodyTimeout: opts.bodyTimeoutMs,
    connect: {
      timeout: opts.connectTimeoutMs,
      // Checked at connect time, i.e. on the address really dialled (see address-guard.ts).
      ...(guard.allowPrivate && !options.resolveAll
        ? {}
        : { lookup: createGuardedLookup({ allowPrivate: guard.allowPrivate, resolveAll: options.resolveAll }) }),
    },
  });

  const baseHeaders: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,application/atom+xml;q=0.9,*/*;q=0.5',
    'accept-encoding': 'gzip, deflate, br',
    ...lowerKeys(options.headers ?? {}),
  };

  interface Hop {
    res: Dispatcher.ResponseData;
    url: URL;
    redirects: string[];
    headersAt: number;
  }

  /** Sends GET to `start`, following redirects by hand. Returns the first non-redirect response. */
  async function follow(
    start: URL,
    headers: Record<string, string>,
    signal: AbortSignal,
    robots: RobotsGate | undefined,
  ): Promise<Hop> {
    const redirects: string[] = [];
    const seen = new Set<string>([start.href]);
    let current = start;
    for (;;) {
      if (robots) {
        const verdict = await robots.check(current.href);
        if (!verdict.allowed) throw robotsRefusal(current, verdict);
      }
      const res = await request(current, {
        dispatcher: agent,
        method: 'GET',
        headers,
        signal,
      });
      const headersAt = performance.now();
      const location = header(res.headers, 'location');
      if (!REDIRECT_STATUSES.has(res.statusCode) || location === undefined) {
        return { res, url: current, redirects, headersAt };
      }
      discard(res);
      redirects.push(current.href);
      if (redirects.length > opts.maxRedirects) {
        throw new FetchError('too-many-redirects', `more than ${opts.maxRedirects} redirects starting at ${start.href}`, {
          url: current.href,
          status: res.statusCode,
        });
      }
      let next: URL;
      try {
        next = new URL(location, current); // relative Locations are resolved against the hop
      } catch {
        throw new FetchError('invalid-url', `unusable redirect Location "${location}" from ${current.href}`, {
          url: current.href,
          status: res.statusCode,
        });
      }
      next = checkUrl(next, guard); // scheme, credentials, literal private IPs, length
      if (seen.has(next.href)) {
        throw new FetchError('redirect-loop', `redirect loop: ${[...redirects, next.href].join(' -> ')}`, {
          url: current.href,
          status: res.statusCode,
        });
      }
      seen.add(next.href);
      current = next;
    }
  }

  /** Runs `fn` under the total timeout + caller signal, mapping every failure to FetchError. */
  async function withDeadline<T>(url: string, userSignal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), opts.totalTimeoutMs);
    const signal = userSignal ? AbortSignal.any([userSignal, deadline.signal]) : deadline.signal;
    try {
      if (userSignal?.aborted) throw new FetchError('aborted', `fetch of ${url} aborted by caller`, { url });
      return await fn(signal);
    } catch (err) {
      throw toFetchError(err, url, { totalTimeout: deadline.signal, user: userSignal, totalMs: opts.totalTimeoutMs });
    } finally {
      clearTimeout(timer);
    }
  }

  async function fetchPage(input: string, fo: FetchPageOptions = {}): Promise<FetchResult> {
    const started = performance.now();
    const start = checkUrl(input, guard);
    const headers = { ...baseHeaders, ...lowerKeys(fo.headers ?? {}) };
    // Validators are sent on every hop: redirects ignore them, the final resource uses them.
    if (fo.etag) headers['if-none-match'] = fo.etag;
    if (fo.lastModified) headers['if-modified-since'] = fo.lastModified;

    return withDeadline(start.href, fo.signal, async (signal) => {
      try {
        return await attempt(start, headers, signal, started);
      } catch (err) {
        if (!(err instanceof FetchError) || err.code !== 'bad-encoding') throw err;
        // Some servers send a corrupt or unknown coding only when offered compression; asking for
        // none often gets the page. Same path as the first try: robots, guard and redirects apply.
        try {
          return await attempt(start, { ...headers, 'accept-encoding': 'identity' }, signal, started);
        } catch (again) {
          // A deadline or the caller's abort must surface as such, not as a permanent failure.
          if (signal.aborted) throw again;
          throw err;
        }
      }
    });
  }

  /** One request (with its redirects) for fetchPage, and the body read and decoded. */
  async function attempt(start: URL, headers: Record<string, string>, signal: AbortSignal, started: number): Promise<FetchResult> {
    const { res, url: final, redirects, headersAt } = await follow(start, headers, signal, options.robots);
    const status = res.statusCode;
    const h = pickHeaders(res.headers);
    const base = {
      status,
      url: start.href,
      finalUrl: final.href,
      redirects,
      headers: h,
    };
    const timings = () => ({ headersMs: Math.round(headersAt - started), totalMs: Math.round(performance.now() - started) });

    if (status === 304) {
      discard(res);
      return { kind: 'not-modified', ...base, timings: timings() } satisfies FetchNotModified;
    }
    if (status < 200 || status > 299) {
      discard(res);
      const retryable = isRetryableStatus(status);
      const retryAfterMs = retryable ? parseRetryAfter(h.retryAfter) : undefined;
      throw new FetchError('http-status', `HTTP ${status} from ${final.href}`, {
        status,
        url: final.href,
        retryable,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    if (status === 204 || status === 205) {
      discard(res);
      throw new FetchError('empty', `HTTP ${status} (no content) from ${final.href}`, { status, url: final.href });
    }

    const contentType = parseContentType(h.contentType).mimeType;
    if (contentType ? !accept.has(contentType) : !opts.allowMissingContentType) {
      // Not downloading what we will not parse (PDFs, images, video...).
      abandonBody(res.body);
      throw new FetchError(
        'unsupported-content-type',
        `${final.href} is ${contentType || 'missing a Content-Type'}, not HTML/XML`,
        { status, url: final.href },
      );
    }
    // Sent unencoded, the bytes on the wire are the page: held to the decoded cap as well, an
    // oversized page fails as too-large with its size (up front when Content-Length gives it).
    const maxRaw = parseContentEncoding(h.contentEncoding).length === 0 ? Math.min(opts.maxBodyBytes, opts.maxDecodedBytes) : opts.maxBodyBytes;
    const declaredLength = Number(header(res.headers, 'content-length'));
    if (Number.isFinite(declaredLength) && declaredLength > maxRaw) {
      abandonBody(res.body);
      throw new FetchError('too-large', `Content-Length ${declaredLength} exceeds ${maxRaw} bytes for ${final.href}`, {
        status,
        url: final.href,
      });
    }

    const read = await readBody(res.body, {
      contentEncoding: h.contentEncoding,
      maxBodyBytes: maxRaw,
      maxDecodedBytes: opts.maxDecodedBytes,
      url: final.href,
    });
    if (read.body.length === 0) {
      throw new FetchError('empty', `empty body (HTTP ${status}) from ${final.href}`, { status, url: final.href });
    }
    const decoded = decodeBody(read.body, h.contentType);
    const warnings = [...decoded.warnings];
    if (decoded.charset !== 'utf-16le' && decoded.charset !== 'utf-16be' && hasNul(read.body)) {
      // Happens with images/PDFs mislabelled as text/html. Decoding does not throw (invalid
      // bytes become U+FFFD); the parser will find no article. Flagged so it shows in logs.
      warnings.push(`body contains NUL bytes; probably binary content served as ${contentType || 'untyped'}`);
    }
    return {
      kind: 'ok',
      ...base,
      body: read.body,
      text: decoded.text,
      charset: decoded.charset,
      charsetSource: decoded.source,
      contentType,
      bytes: read.body.length,
      rawBytes: read.rawBytes,
      ...(read.gzip ? { gzipped: read.gzip } : {}),
      warnings,
      timings: timings(),
    } satisfies FetchOk;
  }

  async function fetchText(input: string, fo: FetchTextOptions = {}): Promise<TextResponse> {
    const start = checkUrl(input, guard);
    const maxBytes = fo.maxBytes ?? 512 * 1024;
    return withDeadline(start.href, fo.signal, async (signal) => {
      const headers = { ...baseHeaders, accept: 'text/plain,*/*;q=0.5' };
      const { res, url: final } = await follow(start, headers, signal, undefined);
      const base = { status: res.statusCode, url: start.href, finalUrl: final.href };
      if (res.statusCode < 200 || res.statusCode > 299) {
        discard(res);
        return { ...base, text: '', truncated: false };
      }
      const read = await readBody(res.body, {
        contentEncoding: header(res.headers, 'content-encoding'),
        maxBodyBytes: Math.min(opts.maxBodyBytes, maxBytes * 4),
        maxDecodedBytes: maxBytes,
        truncate: true,
        url: final.href,
      });
      return { ...base, text: decodeBody(read.body, header(res.headers, 'content-type')).text, truncated: read.truncated };
    });
  }

  return {
    fetchPage,
    fetchText,
    close: () => agent.close(),
  };
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}
