// robots.txt per origin (scheme + host + port, RFC 9309 §2.3), fetched once and cached:
// in-process LRU first, then optionally Redis so every worker process shares one copy and a
// site sees one robots.txt request per TTL, not one per process.
//
// Status policy (RFC 9309 §2.3.1, same as Google):
//   2xx                      -> parse the rules
//   4xx (except 429)         -> no robots.txt: everything allowed
//   >5 redirects / loop      -> treated as 4xx (RFC allows it)
//   5xx, 429, network error  -> "unavailable": everything DISALLOWED, but only for
//                               `unavailableTtlMs` (default 5 min), and reported as temporary
//                               so the page fetch fails *retryable*. If we still have a good
//                               copy younger than `staleTtlMs` (default 24 h) we keep using it
//                               instead (a flaky robots.txt must not stop a site we know).
// We chose "disallow temporarily" over "allow": a site whose robots.txt errors is often a site
// in trouble, and crawling it anyway is exactly what the robots spec asks crawlers not to do.

import robotsParserModule from 'robots-parser';
import type { Redis } from 'ioredis';
import { FetchError } from './errors.js';
import { TtlLru } from './lru.js';

/** The parts of robots-parser we use (its bundled typings do not work under NodeNext). */
interface RobotRules {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
// Under NodeNext the CJS `module.exports = fn` is the default import at runtime, but TS types
// it as `{ default: fn }`; accept both shapes.
const robotsParser = ((robotsParserModule as unknown as { default?: unknown }).default ??
  robotsParserModule) as unknown as (url: string, contents: string) => RobotRules;

export interface RobotsTextResponse {
  status: number;
  text: string;
}

/**
 * Fetch a URL as text, any status, following redirects. Throws on network failure.
 * `HttpClient.fetchText` fits.
 */
export type RobotsFetchText = (url: string) => Promise<RobotsTextResponse>;

/** The Redis commands used; an ioredis `Redis` (or Cluster) fits. */
export type RobotsRedis = Pick<Redis, 'get' | 'set' | 'del'>;

export interface RobotsCacheOptions {
  fetchText: RobotsFetchText;
  /**
   * Our product token as robots.txt groups name it, e.g. 'NewspipeBot'. A full User-Agent
   * string works too: matching uses the part before the first '/'.
   */
  userAgent: string;
  /** Share parsed-source text across processes. */
  redis?: RobotsRedis;
  /** Redis key prefix. Default 'newspipe:robots:'. */
  prefix?: string;
  /** How long a fetched robots.txt is trusted. Default 1 h. */
  ttlMs?: number;
  /** How long an "unavailable" (5xx/network) verdict lasts before re-fetching. Default 5 min. */
  unavailableTtlMs?: number;
  /** How long a good copy may be used when re-fetching fails. Default 24 h. */
  staleTtlMs?: number;
  /** In-process entries. Default 10 000 origins. */
  maxEntries?: number;
  /** Crawl-delay values above this are clamped (a site asking for 1 day between hits). Default 60 s. */
  maxCrawlDelayMs?: number;
  now?: () => number;
}

export type RobotsStatus = 'rules' | 'allow-all' | 'unavailable';

/** What is cached (JSON in Redis). */
interface StoredRobots {
  status: RobotsStatus;
  /** robots.txt body when status is 'rules'. */
  text?: string;
  /** HTTP status or error code that produced this entry. */
  cause: string;
  fetchedAt: number;
  /** Fresh until then. */
  expiresAt: number;
  /** Usable as a fallback until then (only for 'rules'/'allow-all'). */
  staleUntil: number;
}

interface Entry extends StoredRobots {
  rules?: RobotRules;
}

export interface RobotsVerdict {
  allowed: boolean;
  /** true when the "no" comes from robots.txt being unavailable (retry later), not from rules. */
  temporary: boolean;
  status: RobotsStatus;
  /** Why robots.txt is unavailable: its HTTP status, or `code: message` of the failed fetch. */
  cause?: string;
  crawlDelayMs?: number;
}

export interface RobotsInfo {
  origin: string;
  status: RobotsStatus;
  cause: string;
  fetchedAt: number;
  expiresAt: number;
  sitemaps: string[];
}

export interface RobotsCache {
  /** Allowed? Plus whether a refusal is temporary and the crawl delay. Fits HttpClient's `robots` option. */
  check(url: string): Promise<RobotsVerdict>;
  isAllowed(url: string): Promise<boolean>;
  /** Crawl-delay for our user agent in ms (clamped), undefined when none. */
  crawlDelayMs(url: string): Promise<number | undefined>;
  info(url: string): Promise<RobotsInfo>;
  /** Forget one origin (memory and Redis). */
  invalidate(url: string): Promise<void>;
  /** Forget everything in this process. */
  clear(): void;
}

function productToken(ua: string): string {
  const m = /compatible;\s*([^/;)\s]+)/i.exec(ua);
  return (m ? m[1] : ua.split('/')[0]).trim() || '*';
}

export function createRobotsCache(options: RobotsCacheOptions): RobotsCache {
  const ttlMs = options.ttlMs ?? 3600_000;
  const unavailableTtlMs = options.unavailableTtlMs ?? 5 * 60_000;
  const staleTtlMs = Math.max(options.staleTtlMs ?? 24 * 3600_000, ttlMs);
  const maxCrawlDelayMs = options.maxCrawlDelayMs ?? 60_000;
  const prefix = options.prefix ?? 'newspipe:robots:';
  const now = options.now ?? Date.now;
  const ua = productToken(options.userAgent);
  const memory = new TtlLru<Entry>(options.maxEntries ?? 10_000, now);
  // Concurrent checks for one origin share one fetch ("fetched once").
  const inflight = new Map<string, Promise<Entry>>();

  const originOf = (url: string): string => {
    try {
      return new URL(url).origin;
    } catch {
      throw new FetchError('invalid-url', `not a valid URL: ${url}`, { url });
    }
  };

  const hydrate = (s: StoredRobots, origin: string): Entry =>
    s.status === 'rules' ? { ...s, rules: robotsParser(`${origin}/robots.txt`, s.text ?? '') } : { ...s };

  const remember = (origin: string, e: Entry) => memory.set(origin, e, Math.max(1, e.staleUntil - now()));

  async function readShared(origin: string): Promise<StoredRobots | null> {
    if (!options.redis) return null;
    try {
      const raw = await options.redis.get(prefix + origin);
      return raw ? (JSON.parse(raw) as StoredRobots) : null;
    } catch {
      return null; // Redis is an optimisation here; fall back to fetching.
    }
  }

  async function writeShared(origin: string, s: StoredRobots): Promise<void> {
    if (!options.redis) return;
    const { status, text, cause, fetchedAt, expiresAt, staleUntil } = s;
    try {
      await options.redis.set(
        prefix + origin,
        JSON.stringify({ status, text, cause, fetchedAt, expiresAt, staleUntil }),
        'PX',
        Math.max(1, staleUntil - now()),
      );
    } catch {
      /* see readShared */
    }
  }

  async function download(origin: string): Promise<{ status: RobotsStatus; text?: string; cause: string }> {
    try {
      const res = await options.fetchText(`${origin}/robots.txt`);
      if (res.status >= 200 && res.status < 300) return { status: 'rules', text: res.text, cause: String(res.status) };
      if (res.status === 429 || res.status >= 500) return { status: 'unavailable', cause: String(res.status) };
      // 4xx, and a 3xx that could not be followed: "no robots.txt".
      return { status: 'allow-all', cause: String(res.status) };
    } catch (err) {
      if (err instanceof FetchError && (err.code === 'too-many-redirects' || err.code === 'redirect-loop')) {
        return { status: 'allow-all', cause: err.code };
      }
      // The host itself may not be reached: that is the page's answer too, and it will not change.
      if (err instanceof FetchError && err.code === 'blocked-address') throw err;
      const code = err instanceof FetchError ? err.code : ((err as { code?: string }).code ?? 'error');
      // The reason travels to the page's failure: "connection refused" says more than "unavailable".
      return { status: 'unavailable', cause: `${code}: ${(err as Error)?.message ?? String(err)}` };
    }
  }

  async function load(origin: string, stale: Entry | undefined): Promise<Entry> {
    const shared = await readShared(origin);
    const t = now();
    if (shared && shared.expiresAt > t) {
      const e = hydrate(shared, origin);
      remember(origin, e);
      return e;
    }
    // Best fallback if the fetch fails: our stale copy or the shared one, whichever is newer.
    const fallbackSource = [stale, shared]
      .filter((s): s is StoredRobots => !!s && s.status !== 'unavailable' && s.staleUntil > t)
      .sort((a, b) => b.fetchedAt - a.fetchedAt)[0];

    const got = await download(origin);
    const at = now();
    let entry: Entry;
    if (got.status !== 'unavailable') {
      entry = hydrate(
        { status: got.status, text: got.text, cause: got.cause, fetchedAt: at, expiresAt: at + ttlMs, staleUntil: at + staleTtlMs },
        origin,
      );
    } else if (fallbackSource) {
      // Keep the last good rules; look again after the short "unavailable" interval.
      entry = hydrate({ ...fallbackSource, expiresAt: at + unavailableTtlMs }, origin);
    } else {
      entry = { status: 'unavailable', cause: got.cause, fetchedAt: at, expiresAt: at + unavailableTtlMs, staleUntil: at + unavailableTtlMs };
    }
    remember(origin, entry);
    await writeShared(origin, entry);
    return entry;
  }

  async function entryFor(url: string): Promise<{ origin: string; entry: Entry }> {
    const origin = originOf(url);
    // The LRU keeps entries until staleUntil (fallback copies); freshness is expiresAt.
    const cached = memory.peek(origin);
    if (cached?.fresh && cached.value.expiresAt > now()) return { origin, entry: cached.value };
    let p = inflight.get(origin);
    if (!p) {
      p = load(origin, cached?.fresh ? cached.value : undefined).finally(() => inflight.delete(origin));
      inflight.set(origin, p);
    }
    return { origin, entry: await p };
  }

  function delayOf(e: Entry): number | undefined {
    const s = e.rules?.getCrawlDelay(ua);
    if (s === undefined || !Number.isFinite(s) || s <= 0) return undefined;
    return Math.min(Math.round(s * 1000), maxCrawlDelayMs);
  }

  async function check(url: string): Promise<RobotsVerdict> {
    const { entry } = await entryFor(url);
    if (entry.status === 'unavailable') return { allowed: false, temporary: true, status: entry.status, cause: entry.cause };
    if (entry.status === 'allow-all') return { allowed: true, temporary: false, status: entry.status };
    // robots-parser answers undefined for URLs of another origin; cannot happen (keyed by origin).
    const allowed = entry.rules?.isAllowed(url, ua) ?? true;
    const crawlDelayMs = delayOf(entry);
    return { allowed, temporary: false, status: entry.status, ...(crawlDelayMs !== undefined ? { crawlDelayMs } : {}) };
  }

  return {
    check,
    isAllowed: async (url) => (await check(url)).allowed,
    crawlDelayMs: async (url) => delayOf((await entryFor(url)).entry),
    async info(url) {
      const { origin, entry } = await entryFor(url);
      return {
        origin,
        status: entry.status,
        cause: entry.cause,
        fetchedAt: entry.fetchedAt,
        expiresAt: entry.expiresAt,
        sitemaps: entry.rules?.getSitemaps() ?? [],
      };
    },
    async invalidate(url) {
      const origin = originOf(url);
      memory.delete(origin);
      if (options.redis) {
        try {
          await options.redis.del(prefix + origin);
        } catch {
          /* best effort */
        }
      }
    },
    clear: () => memory.clear(),
  };
}
