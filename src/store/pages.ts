// The page archive: one Page row per fetched or loaded page (failures too), raw bytes
// compressed once per distinct content in PageContent, so pages can be parsed again later.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Db } from './db.js';

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
  if (encoding === 'gzip') return gunzip(buf);
  if (encoding === 'identity') return buf;
  throw new Error(`unknown page content encoding ${encoding}`);
}

/**
 * Stores a page that was read or fetched; returns its id. Identical bytes are stored once.
 * One statement (content and page row together): this runs for every page of a crawl.
 */
export async function archivePage(db: Db, meta: PageMeta, raw: Buffer): Promise<number> {
  const hash = sha256(raw);
  const { encoding, data } = await compressContent(raw);
  const now = new Date().toISOString();
  const res = await db.pool.query<{ id: number }>(
    `WITH content AS (
       INSERT INTO "PageContent" (hash, encoding, data, size, "createdAt") VALUES ($1, $2, $3, $4, $5::timestamp)
       ON CONFLICT (hash) DO NOTHING)
     INSERT INTO "Page" (origin, "sourceId", url, "finalUrl", path, status, "httpStatus", "contentType", charset,
       etag, "lastModified", "runId", size, "contentHash", "createdAt")
     VALUES ($6::"PageOrigin", $7, $8, $9, $10, 'stored', $11, $12, $13, $14, $15, $16, $4, $1, $5::timestamp)
     RETURNING id`,
    [
      hash, encoding, data, raw.length, now,
      meta.origin, meta.sourceId ?? null, meta.url ?? null, meta.finalUrl ?? null, meta.path ?? null,
      meta.httpStatus ?? null, meta.contentType ?? null, meta.charset ?? null, meta.etag ?? null,
      meta.lastModified ?? null, meta.runId ?? null,
    ],
  );
  return res.rows[0].id;
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
