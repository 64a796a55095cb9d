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

/** Compresses page bytes for storage. Brotli at quality 5: near gzip -9 size at gzip -6 speed. */
export async function compressContent(raw: Buffer): Promise<{ encoding: string; data: Buffer }> {
  const data = await brotli(raw, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
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

/** Stores a page that was read or fetched; returns its id. Identical bytes are stored once. */
export async function archivePage(db: Db, meta: PageMeta, raw: Buffer): Promise<number> {
  const hash = sha256(raw);
  const exists = await db.pageContent.findUnique({ where: { hash }, select: { hash: true } });
  if (!exists) {
    const { encoding, data } = await compressContent(raw);
    await db.pageContent.createMany({
      data: [{ hash, encoding, data: new Uint8Array(data), size: raw.length }],
      skipDuplicates: true,
    });
  }
  const page = await db.page.create({
    data: { ...meta, status: 'stored', size: raw.length, contentHash: hash },
    select: { id: true },
  });
  return page.id;
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
