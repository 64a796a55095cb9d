// Reads a response body stream to a Buffer, undoing Content-Encoding, with two caps: raw bytes
// off the wire and decoded bytes. A short body (a news page: tens of KB on the wire) is decoded
// whole, capped at maxDecodedBytes of output; a longer one is streamed through node:zlib, so a
// compression bomb is cut off after ~maxDecodedBytes of output instead of being inflated in
// memory, and the source stream is destroyed at that moment (no more bytes are downloaded).

import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FetchError } from './errors.js';

export interface ReadBodyOptions {
  /** Raw Content-Encoding header value, e.g. 'gzip' or 'gzip, br'. */
  contentEncoding?: string | null;
  /** Cap on bytes received (compressed). */
  maxBodyBytes: number;
  /** Cap on bytes after decompression. */
  maxDecodedBytes: number;
  /**
   * Stop quietly at the caps and return what was read (`truncated: true`) instead of failing.
   * For robots.txt, where the first 500 KiB are all that matter (RFC 9309).
   */
  truncate?: boolean;
  /** For error messages. */
  url?: string;
}

export interface BodyRead {
  body: Buffer;
  /** Bytes received before decoding. */
  rawBytes: number;
  truncated: boolean;
  /** The bytes as received when they were gzip alone: the archive keeps them as they are. */
  gzip?: Buffer;
}

class Truncated extends Error {}

/**
 * Stop downloading a body we will not read. undici's body emits an 'error' (AbortError) when
 * destroyed unread; without a listener that would crash the process as an uncaught exception.
 */
export function abandonBody(stream: Readable): void {
  stream.on('error', () => {});
  stream.destroy();
}

/** Counts bytes passing through and fails once `limit` is exceeded. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly onExceeded: (bytes: number) => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) cb(this.onExceeded(this.bytes));
    else cb(null, chunk);
  }
}

/** Content-codings in the order they must be undone (the header lists them in applied order). */
export function parseContentEncoding(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s && s !== 'identity')
    .reverse();
}

// Z_SYNC_FLUSH / BROTLI_OPERATION_FLUSH at end of input: a compressed stream that stops early
// (a common server bug) yields what it had, like browsers and curl, instead of an error.
const ZLIB_OPTS: zlib.ZlibOptions = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTS: zlib.BrotliOptions = { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

/** RFC 1950 header: CM=8 and the 16-bit header is a multiple of 31. */
function looksLikeZlib(head: Buffer): boolean {
  return head.length >= 2 && (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0;
}

type Stage = NodeJS.ReadWriteStream | ((source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>);

/**
 * "deflate" should mean zlib-wrapped data, but some servers send raw deflate (old IIS, some
 * CDNs). Browsers accept both, so we look at the first two bytes and pick the inflater.
 */
function autoInflate(track: (s: NodeJS.EventEmitter) => void): Stage {
  return async function* (source: AsyncIterable<Buffer>) {
    const it = source[Symbol.asyncIterator]();
    let head = Buffer.alloc(0);
    let ended = false;
    while (head.length < 2) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      head = Buffer.concat([head, r.value]);
    }
    if (head.length === 0) return;
    const inflater = looksLikeZlib(head) ? zlib.createInflate(ZLIB_OPTS) : zlib.createInflateRaw(ZLIB_OPTS);
    track(inflater);
    const input = (async function* () {
      yield head;
      if (ended) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    })();
    const feeder = pipeline(input, inflater).catch((err: unknown) => inflater.destroy(err as Error));
    try {
      for await (const chunk of inflater) yield chunk as Buffer;
    } finally {
      inflater.destroy();
      await feeder.catch(() => {});
    }
  };
}

/**
 * Bodies that end within this many raw bytes are read whole and decoded in one synchronous call
 * each coding (bounded by maxDecodedBytes): streaming them through zlib costs ~1 ms of CPU per
 * 60 KB page more than decoding them in one go. Longer bodies stream, so a compression bomb still
 * stops the download early.
 */
const WHOLE_BODY_MAX_RAW = 128 * 1024;

export async function readBody(stream: Readable, opts: ReadBodyOptions): Promise<BodyRead> {
  if (opts.truncate) return streamBody(stream, opts);
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let bytes = 0;
  const limit = Math.min(WHOLE_BODY_MAX_RAW, opts.maxBodyBytes);
  for (;;) {
    const r = await it.next();
    if (r.done) return decodeWhole(Buffer.concat(head, bytes), opts);
    head.push(r.value);
    bytes += r.value.length;
    if (bytes > limit) break;
  }
  // Long (or over the raw cap): stream the rest, starting with what was read.
  const rest = Readable.from((async function* () {
    yield* head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })(), { objectMode: false });
  rest.once('close', () => {
    if (!stream.destroyed) abandonBody(stream);
  });
  return streamBody(rest, opts);
}

/** ` (url)` for error messages. */
const urlSuffix = (opts: ReadBodyOptions) => (opts.url ? ` (${opts.url})` : '');

function decodedTooLarge(opts: ReadBodyOptions, rawBytes: number): FetchError {
  return new FetchError('decoded-too-large', `decoded body exceeds ${opts.maxDecodedBytes} bytes after ${rawBytes} compressed bytes${urlSuffix(opts)}`, {
    url: opts.url,
  });
}

function unsupportedEncoding(opts: ReadBodyOptions, coding: string): FetchError {
  return new FetchError('bad-encoding', `unsupported Content-Encoding "${coding}"${urlSuffix(opts)}`, { url: opts.url });
}

function cannotDecode(opts: ReadBodyOptions, cause: Error): FetchError {
  return new FetchError('bad-encoding', `cannot decode ${opts.contentEncoding} body: ${cause.message}${urlSuffix(opts)}`, { url: opts.url, cause });
}

/** Undoes the content-codings of a whole body, each in one call capped at maxDecodedBytes. */
function decodeWhole(raw: Buffer, opts: ReadBodyOptions): BodyRead {
  let body = raw;
  const codings = parseContentEncoding(opts.contentEncoding);
  for (const coding of codings) {
    const cap = { maxOutputLength: opts.maxDecodedBytes + 1 };
    try {
      if (coding === 'gzip' || coding === 'x-gzip') body = zlib.gunzipSync(body, { ...ZLIB_OPTS, ...cap });
      else if (coding === 'br') body = zlib.brotliDecompressSync(body, { ...BROTLI_OPTS, ...cap });
      else if (coding === 'deflate') {
        body = looksLikeZlib(body) ? zlib.inflateSync(body, { ...ZLIB_OPTS, ...cap }) : zlib.inflateRawSync(body, { ...ZLIB_OPTS, ...cap });
      } else {
        throw unsupportedEncoding(opts, coding);
      }
    } catch (err) {
      if (err instanceof FetchError) throw err;
      const e = err as Error & { code?: string };
      if (e.code === 'ERR_BUFFER_TOO_LARGE') throw decodedTooLarge(opts, raw.length);
      throw cannotDecode(opts, e);
    }
  }
  if (body.length > opts.maxDecodedBytes) throw decodedTooLarge(opts, raw.length);
  const gzipAlone = codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip');
  return { body, rawBytes: raw.length, truncated: false, ...(gzipAlone ? { gzip: raw } : {}) };
}

async function streamBody(stream: Readable, opts: ReadBodyOptions): Promise<BodyRead> {
  const where = urlSuffix(opts);
  // First error raised by zlib itself (corrupt data). Teardown errors passed to the decoders by
  // pipeline (aborts, socket errors) are not zlib's: those carry no numeric errno.
  let decoderFailure: Error | undefined;
  const track = (s: NodeJS.EventEmitter) => {
    s.once('error', (e: Error & { errno?: unknown; code?: unknown }) => {
      if (typeof e?.errno === 'number' && typeof e.code === 'string' && /^(Z_|ERR__ERROR|ERR_BROTLI)/.test(e.code)) {
        decoderFailure ??= e;
      }
    });
  };

  // The error *we* raised, if any. pipeline() may report a secondary AbortError from tearing
  // down the other stages instead of the one that caused the teardown.
  let failure: Error | undefined;
  // Likewise the source's own error (socket reset, body timeout) beats the teardown noise.
  let sourceFailure: Error | undefined;
  stream.once('error', (e: Error) => {
    sourceFailure ??= e;
  });
  const fail = (e: Error): Error => (failure ??= e);

  const stages: Stage[] = [];
  const rawLimit = new ByteLimit(opts.maxBodyBytes, (n) =>
    fail(
      opts.truncate
        ? new Truncated()
        : new FetchError('too-large', `body exceeds ${opts.maxBodyBytes} bytes (read ${n})${where}`, { url: opts.url }),
    ),
  );
  stages.push(rawLimit);

  for (const coding of parseContentEncoding(opts.contentEncoding)) {
    let s: Stage;
    if (coding === 'gzip' || coding === 'x-gzip') s = zlib.createGunzip(ZLIB_OPTS);
    else if (coding === 'br') s = zlib.createBrotliDecompress(BROTLI_OPTS);
    else if (coding === 'deflate') s = autoInflate(track);
    else {
      abandonBody(stream);
      throw unsupportedEncoding(opts, coding);
    }
    if (typeof s !== 'function') track(s);
    stages.push(s);
  }

  const chunks: Buffer[] = [];
  let decoded = 0;
  let truncated = false;
  const sink = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      const room = opts.maxDecodedBytes - decoded;
      if (chunk.length > room) {
        if (opts.truncate) {
          if (room > 0) chunks.push(chunk.subarray(0, room));
          decoded += Math.max(0, room);
          throw fail(new Truncated());
        }
        throw fail(decodedTooLarge(opts, rawLimit.bytes));
      }
      chunks.push(chunk);
      decoded += chunk.length;
    }
  };

  try {
    // pipeline destroys every stage (including the socket-backed source) on the first error.
    // (cast: the typings cannot express a variable number of stages)
    await (pipeline as unknown as (...streams: unknown[]) => Promise<void>)(stream, ...stages, sink);
  } catch (caught) {
    const err = failure ?? caught;
    if (err instanceof Truncated) truncated = true;
    else if (err instanceof FetchError) throw err;
    else if (decoderFailure) {
      throw cannotDecode(opts, decoderFailure);
    } else throw sourceFailure ?? err;
  }
  return { body: Buffer.concat(chunks), rawBytes: rawLimit.bytes, truncated };
}
