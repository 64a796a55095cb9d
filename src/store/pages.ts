// The page archive: one Page row per fetched or loaded page (failures too), raw bytes
// compressed once per distinct content in PageContent, so pages can be parsed again later.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Db } from './db.js';
import { batcherFor, type Batcher } from './batcher.js';

const brotli = promisify(zlib.brotliCompress);
const unbrotli = promisify(zlib.brotliDecompress);
const gunzip = promisify(zlib.gunzip);

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface PageMeta {
  origin: 'fetch' | 'load';
  sourceId?: number | null;
  url?: string | null;
  finalUrl?: string | null;
  path?: string | null;
  httpStatus?: number | null;
  contentType?: string | null;
  charset?: string | null;
  etag?: string | null;
  lastModified?: string | null;
  runId?: string | null;
}

/**
 * Compresses page bytes for storage. Brotli at quality 1: measured on 65 KB news pages it
 * keeps 18 % of the size in 0.23 ms (quality 5: 14.5 % in 1 ms; gzip -6: 16 % in 0.8 ms).
 */
export async function compressContent(raw: Buffer): Promise<{ encoding: string; data: Buffer }> {
  const data = await brotli(raw, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  return { encoding: 'br', data };
}

export async function decompressContent(encoding: string, data: Uint8Array): Promise<Buffer> {
  const buf = Buffer.from(data);
  if (encoding === 'br') return unbrotli(buf);
  // as the fetcher decoded it: a gzip stream cut short still gives what it holds
  if (encoding === 'gzip') return gunzip(buf, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (encoding === 'identity') return buf;
  throw new Error(`unknown page content encoding ${encoding}`);
}

interface ArchiveItem {
  meta: PageMeta;
  raw: Buffer;
  hash: string;
  encoding: string;
  data: Buffer;
}

const archivers = new WeakMap<Db, Batcher<ArchiveItem, number>>();
const historians = new WeakMap<Db, Batcher<HistoryQuery, PageHistory>>();

/** Hot-path batches: a lone call goes at once, one batch at Postgres at a time. */
const HOT = { maxBatch: 64, maxWaitMs: 0, maxInFlight: 1 };

/**
 * Stores a page that was read or fetched (`gzipped`: the same bytes as the server sent them
 * gzip-encoded); returns its id. Identical bytes are stored once.
 * Concurrent calls share one statement (content and page rows together): this runs for every
 * page of a crawl.
 */
export async function archivePage(db: Db, meta: PageMeta, raw: Buffer, gzipped?: Buffer): Promise<number> {
  const hash = sha256(raw);
  // A page that came gzip-encoded is kept as it came: compressing it again cost more CPU per page
  // than anything else in the archive step.
  const { encoding, data } = gzipped ? { encoding: 'gzip', data: gzipped } : await compressContent(raw);
  return batcherFor(archivers, db, (items) => insertPages(db, items), HOT).submit({ meta, raw, hash, encoding, data });
}

const PAGE_COLUMNS = 16;

async function insertPages(db: Db, items: ArchiveItem[]): Promise<number[]> {
  const now = new Date().toISOString();
  const params: unknown[] = [];
  const rows = items.map(({ meta, raw, hash, encoding, data }, i) => {
    params.push(
      hash, encoding, data, raw.length, meta.origin, meta.sourceId ?? null, meta.url ?? null, meta.finalUrl ?? null,
      meta.path ?? null, meta.httpStatus ?? null, meta.contentType ?? null, meta.charset ?? null, meta.etag ?? null,
      meta.lastModified ?? null, meta.runId ?? null, i,
    );
    const b = i * PAGE_COLUMNS;
    const $ = (k: number) => `$${b + k + 2}`;
    return `(${$(0)}::text, ${$(1)}::text, ${$(2)}::bytea, ${$(3)}::int, ${$(4)}::"PageOrigin", ${$(5)}::int, ${$(6)}::text, ${$(7)}::text, ` +
      `${$(8)}::text, ${$(9)}::int, ${$(10)}::text, ${$(11)}::text, ${$(12)}::text, ${$(13)}::text, ${$(14)}::text, ${$(15)}::int)`;
  });
  // Page ids come from a sequence, drawn in the order the rows are inserted (ORDER BY ord): the
  // ids sorted ascending are the items in order.
  const res = await db.pool.query<{ id: number }>(
    `WITH v (hash, encoding, data, size, origin, "sourceId", url, "finalUrl", path, "httpStatus", "contentType", charset,
             etag, "lastModified", "runId", ord) AS (VALUES ${rows.join(', ')}),
     content AS (
       INSERT INTO "PageContent" (hash, encoding, data, size, "createdAt")
       SELECT DISTINCT ON (hash) hash, encoding, data, size, $1::timestamp FROM v
       ON CONFLICT (hash) DO NOTHING)
     INSERT INTO "Page" (origin, "sourceId", url, "finalUrl", path, status, "httpStatus", "contentType", charset,
       etag, "lastModified", "runId", size, "contentHash", "createdAt")
     SELECT origin, "sourceId", url, "finalUrl", path, 'stored', "httpStatus", "contentType", charset, etag, "lastModified",
       "runId", size, hash, $1::timestamp FROM v ORDER BY ord
     RETURNING id`,
    [now, ...params],
  );
  return res.rows.map((r) => r.id).sort((a, b) => a - b);
}

interface HistoryQuery {
  url: string;
  runId: string | null;
  sourceId: number;
  conditional: boolean;
}

export interface PageHistory {
  /** This run's page of the URL, if it fetched it before (a re-run after a crash). */
  done: { id: number; status: string } | null;
  /**
   * Validators of this source's last copy (another source's copy says nothing about ours) that
   * was seen through: parsed, by a run that did not end early or is not still going. A 304 on a
   * listing whose last walk was cut short would hide the stories that walk never reached.
   */
  prev: { etag: string | null; lastModified: string | null } | null;
}

/**
 * What the archive knows of a URL before it is fetched: did this run fetch it already, and what
 * did this source's last copy say for a conditional GET (when `conditional`). One query answers
 * both, for all concurrent callers.
 */
export function pageHistory(db: Db, url: string, runId: string | undefined, sourceId: number, conditional: boolean): Promise<PageHistory> {
  return batcherFor(historians, db, (items) => queryHistory(db, items), HOT).submit({ url, runId: runId ?? null, sourceId, conditional });
}

async function queryHistory(db: Db, items: HistoryQuery[]): Promise<PageHistory[]> {
  const res = await db.pool.query<PageHistory & { i: string }>(
    `SELECT x.i,
       (SELECT json_build_object('id', id, 'status', status) FROM "Page"
         WHERE x.run IS NOT NULL AND "runId" = x.run AND url = x.url AND origin = 'fetch' AND status <> 'failed'
         ORDER BY id DESC LIMIT 1) AS done,
       (SELECT json_build_object('etag', etag, 'lastModified', "lastModified") FROM "Page" p
         WHERE x.cond AND url = x.url AND origin = 'fetch' AND "sourceId" = x.src AND status NOT IN ('failed', 'stored')
           AND (etag IS NOT NULL OR "lastModified" IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM "CrawlRun" r WHERE r.id = p."runId" AND r.status <> 'finished')
         ORDER BY id DESC LIMIT 1) AS prev
     FROM unnest($1::text[], $2::text[], $3::int[], $4::boolean[]) WITH ORDINALITY AS x(url, run, src, cond, i)`,
    [items.map((q) => q.url), items.map((q) => q.runId), items.map((q) => q.sourceId), items.map((q) => q.conditional)],
  );
  const out: PageHistory[] = items.map(() => ({ done: null, prev: null }));
  for (const r of res.rows) out[Number(r.i) - 1] = { done: r.done, prev: r.prev };
  return out;
}

/** Records a page that could not be read or fetched, with the reason. */
export async function recordFailedPage(db: Db, meta: PageMeta, error: string, size?: number): Promise<number> {
  const page = await db.page.create({
    data: { ...meta, status: 'failed', error: error.slice(0, 2000), size: size ?? null },
    select: { id: true },
  });
  return page.id;
}

export async function markPageFailed(db: Db, pageId: number, error: string): Promise<void> {
  await db.page.update({ where: { id: pageId }, data: { status: 'failed', error: error.slice(0, 2000), parsedAt: new Date() } });
}

/** A page with its raw bytes, for parsing. */
export async function readPage(db: Db, pageId: number) {
  const page = await db.page.findUnique({ where: { id: pageId }, include: { content: true, source: true } });
  if (!page) return null;
  const raw = page.content ? await decompressContent(page.content.encoding, page.content.data) : null;
  return { page, raw };
}
