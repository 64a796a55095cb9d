// A deterministic fixture news site in the Islam Times style, served by node:http on
// 127.0.0.1 for tests and benchmarks. See README.md in this folder.

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { SiteModel, VARIANTS, type ExpectedArticle, type PageVariant } from './model.js';
import {
  listingInfo, listingPath, renderArticle, renderListing, renderMenu, renderNotFound, renderPrivate, renderRss,
  renderSitemapChunk, renderSitemapIndex, type RenderSite,
} from './render.js';

export type { ExpectedArticle, PageVariant } from './model.js';

/** What the server does for a path listed in `errors`. */
export type ErrorBehaviour =
  /** Always answer with this status. */
  | number
  | '404' | '410' | '500'
  /** One 500, then the normal page. */
  | '500-then-ok'
  /** One 429 with `Retry-After: 1`, then the normal page. */
  | '429'
  /** path -> path?loop=1 -> path -> ... (302s). */
  | 'redirect-loop'
  /** Close the connection without answering. */
  | 'reset'
  /** Never answer (until close()). */
  | 'hang'
  | { kind: 'status'; status: number; /** failing responses before serving normally; default: forever */ times?: number; retryAfter?: number | string; headers?: Record<string, string> }
  | { kind: 'redirect'; to: string; status?: 301 | 302 | 303 | 307 | 308; times?: number }
  | { kind: 'redirect-loop'; status?: 301 | 302 | 307 | 308 }
  | { kind: 'reset'; times?: number }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number };

export interface FixtureSiteOptions {
  /** Number of articles at creation. Default 2000. */
  articles?: number;
  /** Articles per archive page. Default 20. */
  pageSize?: number;
  /** Added before every response (ms), or per path. Default 0. */
  latencyMs?: number | ((path: string) => number);
  /** Serve gzip to clients that accept it. Default true. */
  gzip?: boolean;
  /** zlib level for pre-gzipped pages. Default 6. */
  gzipLevel?: number;
  /** Article page size in bytes: exact, or a [min, max] range drawn per page. Default [50000, 80000]; 0 = unpadded. */
  targetPageBytes?: number | [number, number];
  /** robots.txt body (`{base}` is replaced by the site URL); null = 404. Default: allow all but /private/, with Sitemap. */
  robotsTxt?: string | null;
  /** path (`/a/b` or `/a/b?x=1`, exact match first) -> behaviour. */
  errors?: Record<string, ErrorBehaviour>;
  /** ETag + Last-Modified + 304 on If-None-Match / If-Modified-Since. Default true. */
  etag?: boolean;
  /** PRNG seed: same seed, same site. Default 1. */
  seed?: number;
  /** Publication time of article 0. Default 2022-10-01T08:00:00+03:30. */
  startDate?: string | Date;
  /** Minutes between consecutive articles (inclusive range). Default [20, 140]. */
  gapMinutes?: [number, number];
  /** Page layouts to draw from. Default all four. */
  variants?: readonly PageVariant[];
  /** URLs per news sitemap file. Default 1000. */
  sitemapSize?: number;
  /** Items in /rss.xml. Default 50. */
  rssSize?: number;
  /** Render (and gzip) every article page at creation. Default true. */
  prerender?: boolean;
  /** Cap on cached article bytes (LRU; evicted pages are re-rendered on demand). Default 1 GiB. */
  cacheBytes?: number;
  /** Max entries kept in stats.log. Default 200000. */
  logLimit?: number;
}

export interface RequestLogEntry {
  /** ms since epoch when the response was sent. */
  time: number;
  method: string;
  /** pathname + search */
  path: string;
  status: number;
  bytes: number;
  gzip: boolean;
  userAgent: string | null;
  conditional: boolean;
}

export interface FixtureStats {
  requests: number;
  /** pathname + search -> requests */
  byPath: Record<string, number>;
  /** status -> responses */
  byStatus: Record<number, number>;
  /** Response body bytes written (compressed size when gzipped). */
  bytesSent: number;
  gzipResponses: number;
  notModified: number;
  /** process.cpuUsage() user+system delta summed over the synchronous part of request handling (µs). */
  cpuMicros: number;
  /** Wall time of the synchronous part of request handling (ms). */
  handlerMs: number;
  /** Pages rendered on demand (cache misses) since creation. */
  lazyRenders: number;
  inFlight: number;
  maxInFlight: number;
  log: RequestLogEntry[];
  /** Requests for `path` (pathname + search, or pathname alone summed over queries when `anyQuery`). */
  count(path: string, anyQuery?: boolean): number;
  reset(): void;
}

export interface PrerenderStats {
  pages: number;
  ms: number;
  rawBytes: number;
  gzipBytes: number;
}

export interface FixtureSite {
  /** Base URL, `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly count: number;
  readonly pageCount: number;
  readonly stats: FixtureStats;
  readonly prerendered: PrerenderStats;
  close(): Promise<void>;
  /** Publish `n` new (newest) articles; returns their indices. */
  addArticles(n: number): number[];
  articleUrl(i: number): string;
  articlePath(i: number): string;
  storyCode(i: number): string;
  indexOfStoryCode(code: string | number): number | undefined;
  expected(i: number): ExpectedArticle;
  /** The article page HTML as served (no HTTP). */
  articleHtml(i: number): string;
  /** `/en/archive?page=K`, absolute. */
  listingUrl(page?: number): string;
  readonly rssUrl: string;
  readonly sitemapUrl: string;
  readonly robotsUrl: string;
  setError(path: string, behaviour: ErrorBehaviour | null): void;
}

interface Entry {
  status: number;
  type: string;
  raw: Buffer | null;
  gz: Buffer | null;
  etag: string;
  lastModified: number;
  headers?: Record<string, string>;
}

const DEFAULT_START = '2022-10-01T08:00:00+03:30';

function normBehaviour(b: ErrorBehaviour): Exclude<ErrorBehaviour, number | string> {
  if (typeof b === 'number') return { kind: 'status', status: b };
  switch (b) {
    case '404': return { kind: 'status', status: 404 };
    case '410': return { kind: 'status', status: 410 };
    case '500': return { kind: 'status', status: 500 };
    case '500-then-ok': return { kind: 'status', status: 500, times: 1 };
    case '429': return { kind: 'status', status: 429, times: 1, retryAfter: 1 };
    case 'redirect-loop': return { kind: 'redirect-loop' };
    case 'reset': return { kind: 'reset' };
    case 'hang': return { kind: 'hang' };
    default: return b;
  }
}

function exactCopy(b: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(b.length);
  b.copy(out);
  return out;
}

function etagOf(buf: Buffer): string {
  return `"${createHash('sha1').update(buf).digest('base64url').slice(0, 20)}"`;
}

export async function createFixtureSite(opts: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const articles = opts.articles ?? 2000;
  const pageSize = opts.pageSize ?? 20;
  const useGzip = opts.gzip ?? true;
  const gzipLevel = opts.gzipLevel ?? 6;
  const useEtag = opts.etag ?? true;
  const sitemapSize = opts.sitemapSize ?? 1000;
  const rssSize = opts.rssSize ?? 50;
  const cacheBytes = opts.cacheBytes ?? 1024 ** 3;
  const logLimit = opts.logLimit ?? 200_000;
  const startMs = new Date(opts.startDate ?? DEFAULT_START).getTime();
  if (!Number.isFinite(startMs)) throw new RangeError(`bad startDate ${String(opts.startDate)}`);
  if (!(pageSize >= 1)) throw new RangeError('pageSize must be >= 1');
  if (!(articles >= 1)) throw new RangeError('a fixture site needs at least one article');

  const model = new SiteModel({
    seed: opts.seed ?? 1,
    startMs,
    gapMinutes: opts.gapMinutes ?? [20, 140],
    variants: opts.variants?.length ? opts.variants : VARIANTS,
  }, articles);

  const errors = new Map<string, Exclude<ErrorBehaviour, number | string>>();
  const errorHits = new Map<string, number>();
  for (const [p, b] of Object.entries(opts.errors ?? {})) errors.set(p, normBehaviour(b));

  // ---- stats
  const stats: FixtureStats = {
    requests: 0, byPath: Object.create(null), byStatus: Object.create(null), bytesSent: 0, gzipResponses: 0,
    notModified: 0, cpuMicros: 0, handlerMs: 0, lazyRenders: 0, inFlight: 0, maxInFlight: 0, log: [],
    count(path: string, anyQuery = false) {
      if (!anyQuery) return this.byPath[path] ?? 0;
      let n = 0;
      for (const [k, v] of Object.entries(this.byPath)) if (k === path || k.startsWith(`${path}?`)) n += v;
      return n;
    },
    reset() {
      this.requests = 0; this.byPath = Object.create(null); this.byStatus = Object.create(null); this.bytesSent = 0;
      this.gzipResponses = 0; this.notModified = 0; this.cpuMicros = 0; this.handlerMs = 0; this.lazyRenders = 0;
      this.maxInFlight = this.inFlight; this.log = [];
    },
  };

  // ---- server (listen first: pages carry absolute URLs)
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer();
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const createdAt = Math.floor(Date.now() / 1000) * 1000;

  const site: RenderSite = { model, base, targetPageBytes: opts.targetPageBytes ?? [50_000, 80_000], menuHtml: renderMenu(opts.seed ?? 1) };
  const robotsBody = opts.robotsTxt === undefined
    ? `User-agent: *\nDisallow: /private/\nAllow: /\n\nSitemap: ${base}/sitemap.xml\n`
    : opts.robotsTxt === null ? null : opts.robotsTxt.replaceAll('{base}', base);

  // ---- caches
  const articleCache = new Map<number, Entry>();
  let cachedBytes = 0;
  const otherCache = new Map<string, Entry>();
  const entryBytes = (e: Entry) => (e.raw?.length ?? 0) + (e.gz?.length ?? 0);

  const makeEntry = (body: string, type: string, lastModified: number, status = 200): Entry => {
    const raw = Buffer.from(body, 'utf8');
    // gzipSync may return a view on a larger zlib chunk: copy to an exact-size buffer so
    // 20,000 cached pages do not pin 3x their size.
    const gz = useGzip ? exactCopy(gzipSync(raw, { level: gzipLevel })) : null;
    return { status, type, raw: useGzip ? null : raw, gz, etag: etagOf(raw), lastModified: Math.floor(lastModified / 1000) * 1000 };
  };
  const rawOf = (e: Entry): Buffer => e.raw ?? gunzipSync(e.gz!);

  const articleEntry = (i: number): Entry => {
    const hit = articleCache.get(i);
    if (hit) {
      articleCache.delete(i);
      articleCache.set(i, hit);
      return hit;
    }
    stats.lazyRenders++;
    return storeArticle(i, makeEntry(renderArticle(site, i), 'text/html; charset=utf-8', model.time(i)));
  };
  const storeArticle = (i: number, e: Entry): Entry => {
    articleCache.set(i, e);
    cachedBytes += entryBytes(e);
    while (cachedBytes > cacheBytes && articleCache.size > 1) {
      const [k, old] = articleCache.entries().next().value as [number, Entry];
      articleCache.delete(k);
      cachedBytes -= entryBytes(old);
    }
    return e;
  };
  const cachedOther = (key: string, make: () => Entry | null): Entry | null => {
    const hit = otherCache.get(key);
    if (hit) return hit;
    const e = make();
    if (e) otherCache.set(key, e);
    return e;
  };

  const prerendered: PrerenderStats = { pages: 0, ms: 0, rawBytes: 0, gzipBytes: 0 };
  const prerender = (from: number, to: number) => {
    const t0 = performance.now();
    for (let i = from; i < to; i++) {
      const html = renderArticle(site, i);
      const e = makeEntry(html, 'text/html; charset=utf-8', model.time(i));
      prerendered.pages++;
      prerendered.rawBytes += Buffer.byteLength(html);
      prerendered.gzipBytes += e.gz?.length ?? 0;
      storeArticle(i, e);
    }
    prerendered.ms += performance.now() - t0;
  };
  if (opts.prerender ?? true) prerender(0, model.count);

  // ---- routing
  const html404 = (path: string): Entry => makeEntry(renderNotFound(site, path), 'text/html; charset=utf-8', createdAt, 404);
  const redirect = (to: string, status = 301): Entry => ({
    status, type: 'text/html; charset=utf-8', raw: Buffer.from(`<a href="${to}">Moved</a>`), gz: null, etag: '', lastModified: createdAt,
    headers: { location: to },
  });

  const route = (u: URL): Entry => {
    const p = u.pathname;
    if (p === '/robots.txt') {
      return robotsBody === null ? html404(p) : cachedOther('robots', () => makeEntry(robotsBody, 'text/plain; charset=utf-8', createdAt))!;
    }
    if (p === '/rss.xml' || p === '/en/rss') {
      return cachedOther('rss', () => makeEntry(renderRss(site, rssSize), 'application/rss+xml; charset=utf-8', model.time(model.count - 1)))!;
    }
    if (p === '/sitemap.xml') {
      return cachedOther('sitemap', () => makeEntry(renderSitemapIndex(site, sitemapSize), 'application/xml; charset=utf-8', model.time(model.count - 1)))!;
    }
    let m = /^\/sitemaps\/news-(\d+)\.xml$/.exec(p);
    if (m) {
      const k = Number(m[1]);
      return cachedOther(`sm-${k}`, () => {
        const body = renderSitemapChunk(site, sitemapSize, k);
        return body === null ? null : makeEntry(body, 'application/xml; charset=utf-8', model.time(Math.min(model.count, k * sitemapSize) - 1));
      }) ?? html404(p);
    }
    if (p === '/') return redirect('/en', 302);
    let page: number | null = null;
    if (p === '/en' || p === '/en/') page = 1;
    else if (p === '/en/archive' || p === '/en/archive/') {
      const q = u.searchParams.get('page');
      page = q === null ? 1 : /^\d+$/.test(q) ? Number(q) : -1;
    } else if ((m = /^\/en\/page\/(\d+)\/?$/.exec(p))) page = Number(m[1]);
    if (page !== null) {
      const info = listingInfo(model, page, pageSize);
      if (!info) return html404(p);
      return cachedOther(`list-${page}-${p === '/en' || p === '/en/' ? 'home' : 'archive'}`, () =>
        makeEntry(renderListing(site, info), 'text/html; charset=utf-8', model.time(info.indices[0] ?? 0)))!;
    }
    if ((m = /^\/en\/news\/(\d+)(?:\/([^/]*))?\/?$/.exec(p))) {
      const i = model.indexOfCode(Number(m[1]));
      if (i === undefined) return html404(p);
      const slug = m[2] ? decodeURIComponent(m[2]) : '';
      if (slug !== model.slug(i)) return redirect(model.path(i), 301);
      return articleEntry(i);
    }
    if (p.startsWith('/private/') || p === '/private') {
      return cachedOther(`private:${p}`, () => makeEntry(renderPrivate(p), 'text/html; charset=utf-8', createdAt))!;
    }
    return html404(p);
  };

  const isFresh = (req: http.IncomingMessage, e: Entry): boolean => {
    if (!useEtag || e.status !== 200 || !e.etag) return false;
    const inm = req.headers['if-none-match'];
    if (inm) {
      const tags = inm.split(',').map((t) => t.trim().replace(/^W\//, ''));
      return tags.includes('*') || tags.includes(e.etag);
    }
    const ims = req.headers['if-modified-since'];
    if (ims) {
      const t = Date.parse(ims);
      return !Number.isNaN(t) && e.lastModified <= t;
    }
    return false;
  };

  const acceptsGzip = (req: http.IncomingMessage): boolean => {
    const ae = req.headers['accept-encoding'];
    if (!ae) return false;
    for (const part of ae.split(',')) {
      const [name, ...params] = part.trim().toLowerCase().split(';');
      if (name !== 'gzip' && name !== 'x-gzip' && name !== '*') continue;
      const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
      return !q || Number(q.slice(2)) > 0;
    }
    return false;
  };

  const latencyFor = (path: string): number => {
    const l = opts.latencyMs;
    return typeof l === 'function' ? l(path) : l ?? 0;
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let done = false;
    res.on('close', () => {
      stats.inFlight--;
      hanging.delete(res);
    });
    const method = req.method ?? 'GET';
    const u = new URL(req.url ?? '/', base);
    const key = u.pathname + u.search;
    stats.byPath[key] = (stats.byPath[key] ?? 0) + 1;
    let extraDelay = 0;

    const send = (status: number, headers: Record<string, string | number>, body: Buffer | null, gz: boolean, conditional: boolean) => {
      if (done) return;
      done = true;
      const write = () => {
        timers.delete(timer as NodeJS.Timeout);
        if (res.destroyed) return;
        const b = method === 'HEAD' || status === 304 ? null : body;
        stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
        stats.bytesSent += b?.length ?? 0;
        if (gz && b) stats.gzipResponses++;
        if (status === 304) stats.notModified++;
        if (stats.log.length < logLimit) {
          stats.log.push({
            time: Date.now(), method, path: key, status, bytes: b?.length ?? 0, gzip: gz && !!b,
            userAgent: req.headers['user-agent'] ?? null, conditional,
          });
        }
        res.writeHead(status, headers);
        res.end(b ?? undefined);
      };
      const delay = Math.max(0, latencyFor(key) + extraDelay);
      let timer: NodeJS.Timeout | null = null;
      if (delay > 0) {
        timer = setTimeout(write, delay);
        timers.add(timer);
      } else write();
    };

    try {
      if (method !== 'GET' && method !== 'HEAD') {
        send(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }, Buffer.from('Method Not Allowed'), false, false);
        return;
      }
      const beh = errors.get(key) ?? errors.get(u.pathname);
      if (beh) {
        const hitKey = errors.has(key) ? key : u.pathname;
        const n = errorHits.get(hitKey) ?? 0;
        const times = 'times' in beh ? beh.times : undefined;
        if (times === undefined || n < times) {
          errorHits.set(hitKey, n + 1);
          switch (beh.kind) {
            case 'status': {
              const h: Record<string, string | number> = { 'content-type': 'text/html; charset=utf-8', ...(beh.headers ?? {}) };
              if (beh.retryAfter !== undefined) h['retry-after'] = String(beh.retryAfter);
              send(beh.status, h, Buffer.from(`<html><body><h1>Error ${beh.status}</h1></body></html>`), false, false);
              return;
            }
            case 'redirect':
              send(beh.status ?? 302, { location: beh.to, 'content-type': 'text/html' }, Buffer.from(`<a href="${beh.to}">moved</a>`), false, false);
              return;
            case 'redirect-loop': {
              const to = u.searchParams.has('loop') ? u.pathname : `${u.pathname}?loop=1`;
              send(beh.status ?? 302, { location: to, 'content-type': 'text/html' }, Buffer.from(`<a href="${to}">moved</a>`), false, false);
              return;
            }
            case 'reset':
              done = true;
              stats.byStatus[0] = (stats.byStatus[0] ?? 0) + 1;
              req.socket.destroy();
              return;
            case 'hang':
              done = true;
              hanging.add(res);
              return;
            case 'delay':
              extraDelay += beh.ms;
              break;
          }
        }
      }
      const e = route(u);
      const headers: Record<string, string | number> = { 'content-type': e.type, ...(e.headers ?? {}) };
      if (e.status === 200 && useEtag && e.etag) {
        headers.etag = e.etag;
        headers['last-modified'] = new Date(e.lastModified).toUTCString();
      }
      if (e.status === 200) headers['cache-control'] = 'public, max-age=60';
      const conditional = !!(req.headers['if-none-match'] || req.headers['if-modified-since']);
      if (isFresh(req, e)) {
        send(304, { etag: e.etag, 'last-modified': new Date(e.lastModified).toUTCString() }, null, false, true);
        return;
      }
      const gz = useGzip && !!e.gz && acceptsGzip(req);
      if (e.gz) headers.vary = 'Accept-Encoding';
      const body = gz ? e.gz! : e.raw ?? rawOf(e);
      if (gz) headers['content-encoding'] = 'gzip';
      headers['content-length'] = body.length;
      send(e.status, headers, body, gz, conditional);
    } catch (err) {
      send(500, { 'content-type': 'text/plain' }, Buffer.from(`fixture error: ${(err as Error).message}`), false, false);
    } finally {
      const c = process.cpuUsage(c0);
      stats.cpuMicros += c.user + c.system;
      stats.handlerMs += performance.now() - w0;
    }
  });

  const idx = (i: number): number => {
    if (!Number.isInteger(i) || i < 0 || i >= model.count) throw new RangeError(`fixture site has no article ${i} (count ${model.count})`);
    return i;
  };
  let closed = false;
  const api: FixtureSite = {
    url: base,
    get count() { return model.count; },
    get pageCount() { return Math.max(1, Math.ceil(model.count / pageSize)); },
    stats,
    prerendered,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const r of hanging) r.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      articleCache.clear();
      otherCache.clear();
    },
    addArticles(n: number) {
      const from = model.count;
      model.extend(Math.max(0, Math.floor(n)));
      otherCache.clear();
      if (opts.prerender ?? true) prerender(from, model.count);
      return Array.from({ length: model.count - from }, (_, k) => from + k);
    },
    articleUrl: (i) => `${base}${model.path(idx(i))}`,
    articlePath: (i) => model.path(idx(i)),
    storyCode: (i) => String(model.storyCode(idx(i))),
    indexOfStoryCode: (code) => model.indexOfCode(Number(code)),
    expected: (i) => model.expected(idx(i), base),
    articleHtml: (i) => rawOf(articleEntry(idx(i))).toString('utf8'),
    listingUrl: (page = 1) => `${base}${listingPath(page)}`,
    rssUrl: `${base}/rss.xml`,
    sitemapUrl: `${base}/sitemap.xml`,
    robotsUrl: `${base}/robots.txt`,
    setError(path, behaviour) {
      errorHits.delete(path);
      if (behaviour === null) errors.delete(path);
      else errors.set(path, normBehaviour(behaviour));
    },
  };
  return api;
}
