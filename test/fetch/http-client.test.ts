import zlib from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, createRobotsCache, FetchError, type FetchOk, type HttpClient } from '../../src/fetch/index.js';
import { rejectionOf, sleep, startServer, type TestServer } from './helpers.js';
import { decompressContent } from '../../src/store/pages.js';

const HTML = '<!doctype html><html><head><title>Hello</title></head><body><p>Grüße — “quoted”</p></body></html>';

// 1 GiB of zeros as 100 concatenated gzip members of 10 MiB each (~1 MB on the wire). Multi-member
// gzip is valid and decoders must handle it, so this is a real bomb that costs nothing to build.
const GZIP_MEMBER = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });
const GZIP_BOMB_MEMBERS = 100;
// 16 MiB of zeros -> a few dozen bytes of brotli.
const BROTLI_BOMB = zlib.brotliCompressSync(Buffer.alloc(16 * 1024 * 1024), {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 },
});

let server: TestServer;
let client: HttpClient;

function send(res: import('node:http').ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer | string) {
  res.writeHead(status, headers);
  res.end(body);
}

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    const html = { 'content-type': 'text/html; charset=utf-8' };
    if (p === '/plain') return send(res, 200, html, HTML);
    if (p === '/gzip') return send(res, 200, { ...html, 'content-encoding': 'gzip' }, zlib.gzipSync(HTML));
    if (p === '/deflate') return send(res, 200, { ...html, 'content-encoding': 'deflate' }, zlib.deflateSync(HTML));
    if (p === '/deflate-raw') return send(res, 200, { ...html, 'content-encoding': 'deflate' }, zlib.deflateRawSync(HTML));
    if (p === '/br') return send(res, 200, { ...html, 'content-encoding': 'br' }, zlib.brotliCompressSync(HTML));
    if (p === '/gzip-truncated') {
      const gz = zlib.gzipSync(HTML.repeat(50));
      return send(res, 200, { ...html, 'content-encoding': 'gzip' }, gz.subarray(0, gz.length - 20));
    }
    if (p === '/gzip-corrupt') return send(res, 200, { ...html, 'content-encoding': 'gzip' }, Buffer.from('this is not gzip at all'));
    if (p === '/zstd') return send(res, 200, { ...html, 'content-encoding': 'zstd' }, Buffer.from('xx'));
    if (p === '/gzip-lies') {
      // Corrupt gzip whenever compression is offered; the plain page when it is not.
      if (/gzip/.test(String(req.headers['accept-encoding'] ?? ''))) {
        return send(res, 200, { ...html, 'content-encoding': 'gzip' }, Buffer.from('garbage, not a gzip stream'));
      }
      return send(res, 200, html, HTML);
    }
    if (p === '/gzip-always-corrupt') return send(res, 200, { ...html, 'content-encoding': 'gzip' }, Buffer.from('still not gzip'));
    if (p === '/gzip-bomb') {
      res.writeHead(200, { ...html, 'content-encoding': 'gzip' });
      let sent = 0;
      const pump = () => {
        while (sent < GZIP_BOMB_MEMBERS) {
          sent++;
          if (!res.write(GZIP_MEMBER)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = GZIP_BOMB_MEMBERS));
      return pump();
    }
    if (p === '/br-bomb') return send(res, 200, { ...html, 'content-encoding': 'br' }, BROTLI_BOMB);
    if (p === '/big-declared') return send(res, 200, { ...html, 'content-length': 5000 }, 'x'.repeat(5000));
    if (p === '/big-chunked') {
      res.writeHead(200, html);
      for (let i = 0; i < 10; i++) res.write('y'.repeat(1000));
      return res.end();
    }
    if (p.startsWith('/chain/')) {
      const n = Number(p.split('/')[2]);
      if (n > 0) return send(res, 302, { location: `/chain/${n - 1}` });
      return send(res, 200, html, HTML);
    }
    if (p === '/loop/a') return send(res, 301, { location: '/loop/b' });
    if (p === '/loop/b') return send(res, 307, { location: `${server.origin}/loop/a#frag` });
    if (p === '/rel/deep/start') return send(res, 302, { location: '../target?x=1' });
    if (p === '/rel/target') return send(res, 200, html, `<p>target ${url.search}</p>`);
    if (p === '/to-js') return send(res, 302, { location: 'javascript:alert(1)' });
    if (p === '/to-file') return send(res, 302, { location: 'file:///etc/passwd' });
    if (p === '/429') return send(res, 429, { 'retry-after': '7' });
    if (p === '/503-date') return send(res, 503, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() });
    if (p === '/500') return send(res, 500, {}, 'oops');
    if (p === '/404') return send(res, 404, html, 'not here');
    if (p === '/410') return send(res, 410, html, 'gone');
    if (p === '/403') return send(res, 403, html, 'forbidden');
    if (p === '/etag') {
      if (req.headers['if-none-match'] === '"v1"') return send(res, 304, { etag: '"v1"' });
      return send(res, 200, { ...html, etag: '"v1"', 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }, HTML);
    }
    if (p === '/lastmod') {
      if (req.headers['if-modified-since'] === 'Wed, 21 Oct 2015 07:28:00 GMT') return send(res, 304, {});
      return send(res, 200, { ...html, 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }, HTML);
    }
    if (p === '/pdf') return send(res, 200, { 'content-type': 'application/pdf' }, '%PDF-1.4 ...');
    if (p === '/rss') return send(res, 200, { 'content-type': 'application/rss+xml' }, '<?xml version="1.0"?><rss><channel/></rss>');
    if (p === '/no-type') return send(res, 200, {}, '<html><body>untyped</body></html>');
    if (p === '/empty') return send(res, 200, html, '');
    if (p === '/204') return send(res, 204, {});
    if (p === '/binary') {
      const bin = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
      return send(res, 200, { 'content-type': 'text/html' }, bin);
    }
    if (p === '/cp1251') {
      return send(res, 200, { 'content-type': 'text/html; charset=windows-1251' }, iconv.encode('<p>Привет, мир</p>', 'windows-1251'));
    }
    if (p === '/sjis-meta') {
      return send(
        res,
        200,
        { 'content-type': 'text/html' },
        iconv.encode('<html><head><meta charset="shift_jis"></head><body>日本語のニュース</body></html>', 'shift_jis'),
      );
    }
    if (p === '/hang') return; // accept, never answer
    if (p === '/stall') {
      res.writeHead(200, html);
      res.write('<html>'); // ...and then nothing, connection left open
      return;
    }
    if (p === '/trickle') {
      res.writeHead(200, html);
      const t = setInterval(() => res.write('<!-- . -->'), 20); // never idle, never done
      res.on('close', () => clearInterval(t));
      return;
    }
    send(res, 404, {}, 'no route');
  });
  client = createHttpClient({ allowPrivate: true, userAgent: 'TestBot/1.0' });
});

afterAll(async () => {
  await client.close();
  await server.close();
});

const ok = async (path: string, c: HttpClient = client): Promise<FetchOk> => {
  const r = await c.fetchPage(server.origin + path);
  expect(r.kind).toBe('ok');
  return r as FetchOk;
};

describe('content decoding', () => {
  it('sends Accept-Encoding and User-Agent, returns text and metadata', async () => {
    const r = await ok('/plain');
    expect(r.text).toBe(HTML);
    expect(r.status).toBe(200);
    expect(r.charset).toBe('utf-8');
    expect(r.contentType).toBe('text/html');
    expect(r.bytes).toBe(Buffer.byteLength(HTML));
    expect(r.redirects).toEqual([]);
    expect(r.finalUrl).toBe(`${server.origin}/plain`);
    expect(r.timings.totalMs).toBeGreaterThanOrEqual(0);
    const h = server.headers.at(-1)!;
    expect(h['accept-encoding']).toBe('gzip, deflate, br');
    expect(h['user-agent']).toBe('TestBot/1.0');
  });

  it.each(['/gzip', '/deflate', '/deflate-raw', '/br'])('decodes %s', async (path) => {
    const r = await ok(path);
    expect(r.text).toBe(HTML);
    expect(r.body.equals(Buffer.from(HTML))).toBe(true);
    expect(r.rawBytes).toBeLessThan(r.bytes + 50);
  });

  it('tolerates a truncated gzip stream like browsers do', async () => {
    const r = await ok('/gzip-truncated');
    expect(r.text.startsWith('<!doctype html>')).toBe(true);
  });

  it('hands on a gzip body as received (the archive keeps it), and only a gzip one', async () => {
    for (const path of ['/gzip', '/gzip-truncated']) {
      const r = await ok(path);
      expect(r.gzipped, path).toBeInstanceOf(Buffer);
      expect(r.gzipped!.length).toBe(r.rawBytes);
      // the archive decodes it back to the same bytes, a stream cut short included
      expect((await decompressContent('gzip', r.gzipped!)).equals(r.body), path).toBe(true);
    }
    for (const path of ['/deflate', '/br']) expect((await ok(path)).gzipped, path).toBeUndefined();
  });

  it('corrupt gzip -> bad-encoding, not retryable', async () => {
    const err = await rejectionOf(client.fetchPage(server.origin + '/gzip-corrupt'));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.code).toBe('bad-encoding');
    expect(err.retryable).toBe(false);
  });

  it('a body that will not decode is fetched once more without compression, and that answer is used', async () => {
    const before = server.requests.length;
    const r = await ok('/gzip-lies');
    expect(r.text).toBe(HTML);
    const sent = server.headers.slice(before);
    expect(server.requests.slice(before)).toEqual(['/gzip-lies', '/gzip-lies']);
    expect(sent[0]['accept-encoding']).toBe('gzip, deflate, br');
    expect(sent[1]['accept-encoding']).toBe('identity');
  });

  it('a body that will not decode even uncompressed -> the first bad-encoding, after exactly 2 requests', async () => {
    const before = server.requests.length;
    const err = await rejectionOf(client.fetchPage(server.origin + '/gzip-always-corrupt'));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.code).toBe('bad-encoding');
    expect(err.retryable).toBe(false);
    expect(server.requests.slice(before)).toEqual(['/gzip-always-corrupt', '/gzip-always-corrupt']);
  });

  it('unknown Content-Encoding -> bad-encoding', async () => {
    const err = await rejectionOf(client.fetchPage(server.origin + '/zstd'));
    expect(err.code).toBe('bad-encoding');
    expect(err.message).toMatch(/zstd/);
  });

  it('stops a 1 GiB gzip bomb at the decoded cap, early', async () => {
    const c = createHttpClient({ allowPrivate: true, maxDecodedBytes: 5 * 1024 * 1024 });
    try {
      const rssBefore = process.memoryUsage().rss;
      const t0 = performance.now();
      const err = await rejectionOf(c.fetchPage(server.origin + '/gzip-bomb'));
      const elapsed = performance.now() - t0;
      expect(err.code).toBe('decoded-too-large');
      expect(err.retryable).toBe(false);
      // Inflating 1 GiB takes seconds and a GiB of memory; stopping at 5 MiB takes milliseconds.
      expect(elapsed).toBeLessThan(1500);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
      // Reading stopped too: only a small part of the ~1 MB compressed stream was consumed.
      const consumed = Number(/after (\d+) compressed bytes/.exec(err.message)?.[1]);
      expect(consumed).toBeLessThan((GZIP_MEMBER.length * GZIP_BOMB_MEMBERS) / 4);
    } finally {
      await c.close();
    }
  });

  it('stops a brotli bomb at the decoded cap', async () => {
    const c = createHttpClient({ allowPrivate: true, maxDecodedBytes: 1024 * 1024 });
    try {
      const err = await rejectionOf(c.fetchPage(server.origin + '/br-bomb'));
      expect(err.code).toBe('decoded-too-large');
    } finally {
      await c.close();
    }
  });

  it('raw body over maxBodyBytes: declared Content-Length and chunked', async () => {
    const c = createHttpClient({ allowPrivate: true, maxBodyBytes: 4000 });
    try {
      const e1 = await rejectionOf(c.fetchPage(server.origin + '/big-declared'));
      expect(e1.code).toBe('too-large');
      expect(e1.retryable).toBe(false);
      const e2 = await rejectionOf(c.fetchPage(server.origin + '/big-chunked'));
      expect(e2.code).toBe('too-large');
      expect((await c.fetchPage(server.origin + '/plain')).kind).toBe('ok');
    } finally {
      await c.close();
    }
  });
  it('an unencoded body over maxDecodedBytes -> too-large with its size, not decoded-too-large', async () => {
    const c = createHttpClient({ allowPrivate: true, maxBodyBytes: 1024 * 1024, maxDecodedBytes: 4000 });
    try {
      const e1 = await rejectionOf(c.fetchPage(server.origin + '/big-declared'));
      expect(e1.code).toBe('too-large');
      expect(e1.message).toMatch(/Content-Length 5000 exceeds 4000 bytes/);
      const e2 = await rejectionOf(c.fetchPage(server.origin + '/big-chunked'));
      expect(e2.code).toBe('too-large');
      expect(e2.message).toMatch(/body exceeds 4000 bytes/);
    } finally {
      await c.close();
    }
  });
});

describe('redirects', () => {
  it('follows 5 redirects', async () => {
    const r = await ok('/chain/5');
    expect(r.redirects).toHaveLength(5);
    expect(r.redirects[0]).toBe(`${server.origin}/chain/5`);
    expect(r.finalUrl).toBe(`${server.origin}/chain/0`);
    expect(r.url).toBe(`${server.origin}/chain/5`);
  });

  it('a chain of 6 -> too-many-redirects', async () => {
    const err = await rejectionOf(client.fetchPage(server.origin + '/chain/6'));
    expect(err.code).toBe('too-many-redirects');
    expect(err.retryable).toBe(false);
  });

  it('a loop -> redirect-loop (fragment ignored)', async () => {
    const err = await rejectionOf(client.fetchPage(server.origin + '/loop/a'));
    expect(err.code).toBe('redirect-loop');
    expect(err.message).toMatch(/loop\/a -> .*loop\/b -> .*loop\/a/);
  });

  it('resolves a relative Location against the hop', async () => {
    const r = await ok('/rel/deep/start');
    expect(r.finalUrl).toBe(`${server.origin}/rel/target?x=1`);
    expect(r.text).toBe('<p>target ?x=1</p>');
  });

  it.each(['/to-js', '/to-file'])('refuses a redirect to a non-http scheme (%s)', async (path) => {
    const err = await rejectionOf(client.fetchPage(server.origin + path));
    expect(err.code).toBe('invalid-url');
  });
});

describe('status handling', () => {
  it('429 with Retry-After seconds', async () => {
    const err = await rejectionOf(client.fetchPage(server.origin + '/429'));
    expect(err.code).toBe('http-status');
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(7000);
  });

  it('503 with Retry-After HTTP-date', async () => {
    const err = await rejectionOf(client.fetchPage(server.origin + '/503-date'));
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThan(100_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('500 retryable; 404, 410, 403 not', async () => {
    const e500 = await rejectionOf(client.fetchPage(server.origin + '/500'));
    expect([e500.status, e500.retryable]).toEqual([500, true]);
    for (const s of [404, 410, 403]) {
      const e = await rejectionOf(client.fetchPage(`${server.origin}/${s}`));
      expect([e.code, e.status, e.retryable]).toEqual(['http-status', s, false]);
    }
  });

  it('conditional GET with ETag -> not-modified', async () => {
    const first = await ok('/etag');
    expect(first.headers.etag).toBe('"v1"');
    expect(first.headers.lastModified).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    const second = await client.fetchPage(server.origin + '/etag', { etag: first.headers.etag });
    expect(second.kind).toBe('not-modified');
    expect(second.status).toBe(304);
    expect(server.headers.at(-1)!['if-none-match']).toBe('"v1"');
  });

  it('conditional GET with Last-Modified -> not-modified', async () => {
    const r = await client.fetchPage(server.origin + '/lastmod', { lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' });
    expect(r.kind).toBe('not-modified');
  });

  it('non-HTML content type -> unsupported-content-type, not retryable', async () => {
    const err = await rejectionOf(client.fetchPage(server.origin + '/pdf'));
    expect(err.code).toBe('unsupported-content-type');
    expect(err.retryable).toBe(false);
  });

  it('accepts RSS and a missing Content-Type', async () => {
    expect((await ok('/rss')).contentType).toBe('application/rss+xml');
    const r = await ok('/no-type');
    expect(r.contentType).toBe('');
    expect(r.text).toContain('untyped');
  });

  it('empty 200 and 204 -> empty, not retryable', async () => {
    for (const p of ['/empty', '/204']) {
      const err = await rejectionOf(client.fetchPage(server.origin + p));
      expect(err.code).toBe('empty');
      expect(err.retryable).toBe(false);
    }
  });

  it('binary content served as text/html decodes without throwing, with a warning', async () => {
    // Mislabelled images/PDFs exist in the wild; we return the (garbage) text and flag it, the
    // parser then finds no article. Not an error at this stage.
    const r = await ok('/binary');
    expect(r.bytes).toBe(4096);
    expect(r.warnings.join(' ')).toMatch(/binary/);
  });

  it('decodes charsets: header windows-1251, meta shift_jis', async () => {
    const a = await ok('/cp1251');
    expect(a.charset).toBe('windows-1251');
    expect(a.text).toBe('<p>Привет, мир</p>');
    const b = await ok('/sjis-meta');
    expect(b.charsetSource).toBe('meta');
    expect(b.text).toContain('日本語のニュース');
  });

  it('reuses keep-alive connections', async () => {
    const s = await startServer((_req, res) => send(res, 200, { 'content-type': 'text/html' }, HTML));
    const c = createHttpClient({ allowPrivate: true });
    try {
      for (let i = 0; i < 10; i++) await c.fetchPage(`${s.origin}/p${i}`);
      expect(s.requests).toHaveLength(10);
      // Usually 1; undici may open a second socket when a request is dispatched in the instant
      // before the previous response is marked complete. Without keep-alive it would be 10.
      expect(s.connections).toBeLessThanOrEqual(2);
    } finally {
      await c.close();
      await s.close();
    }
  });
});

describe('timeouts and network errors', () => {
  it('headers timeout: server accepts and never answers', async () => {
    const c = createHttpClient({ allowPrivate: true, headersTimeoutMs: 200 });
    try {
      const t0 = performance.now();
      const err = await rejectionOf(c.fetchPage(server.origin + '/hang'));
      expect(err.code).toBe('timeout');
      expect(err.retryable).toBe(true);
      expect(err.message).toMatch(/headers/);
      expect(performance.now() - t0).toBeLessThan(1500);
    } finally {
      await c.close();
    }
  });

  it('body timeout: server sends a first chunk, then stalls', async () => {
    // undici runs body/headers timeouts on a ~0.5 s tick timer, so 200 ms fires after ~1 s.
    const c = createHttpClient({ allowPrivate: true, bodyTimeoutMs: 200 });
    try {
      const t0 = performance.now();
      const err = await rejectionOf(c.fetchPage(server.origin + '/stall'));
      expect(err.code).toBe('timeout');
      expect(err.message).toMatch(/body/);
      expect(err.retryable).toBe(true);
      expect(performance.now() - t0).toBeLessThan(2500);
    } finally {
      await c.close();
    }
  });

  it('total timeout: server trickles bytes fast enough to dodge the body timeout', async () => {
    const c = createHttpClient({ allowPrivate: true, bodyTimeoutMs: 200, totalTimeoutMs: 500 });
    try {
      const t0 = performance.now();
      const err = await rejectionOf(c.fetchPage(server.origin + '/trickle'));
      expect(err.code).toBe('timeout');
      expect(err.message).toMatch(/total/);
      expect(performance.now() - t0).toBeLessThan(1500);
    } finally {
      await c.close();
    }
  });

  it('caller abort -> aborted (retryable)', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await rejectionOf(client.fetchPage(server.origin + '/hang', { signal: ac.signal }));
    expect(err.code).toBe('aborted');
    expect(err.retryable).toBe(true);
  });

  it('connection refused -> connect, retryable', async () => {
    const s = await startServer(() => {});
    const port = s.port;
    await s.close();
    const err = await rejectionOf(client.fetchPage(`http://127.0.0.1:${port}/`));
    expect(err.code).toBe('connect');
    expect(err.retryable).toBe(true);
  });

  it('unresolvable name -> dns', async () => {
    const c = createHttpClient({
      allowPrivate: true,
      resolveAll: async (h) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
      },
    });
    try {
      const err = await rejectionOf(c.fetchPage('http://no-such-host.invalid/'));
      expect(err.code).toBe('dns');
    } finally {
      await c.close();
    }
  });
});

describe('address guard in the client', () => {
  it('refuses private literal IPs unless allowPrivate', async () => {
    const c = createHttpClient();
    try {
      const before = server.requests.length;
      const err = await rejectionOf(c.fetchPage(server.origin + '/plain'));
      expect(err.code).toBe('blocked-address');
      expect(err.retryable).toBe(false);
      expect(server.requests.length).toBe(before);
    } finally {
      await c.close();
    }
  });

  it('checks the address actually dialled (DNS rebind): a name resolving to 127.0.0.1 is refused at connect', async () => {
    let lookups = 0;
    const c = createHttpClient({
      resolveAll: async () => {
        lookups++;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    try {
      const before = server.requests.length;
      const err = await rejectionOf(c.fetchPage(`http://news.example.test:${server.port}/plain`));
      expect(err.code).toBe('blocked-address');
      expect(err.message).toMatch(/127\.0\.0\.1/);
      expect(lookups).toBeGreaterThan(0);
      expect(server.requests.length).toBe(before);
    } finally {
      await c.close();
    }
  });

  it('with robots.txt checked first, a rebound name is still blocked-address (permanent), not "robots unavailable"', async () => {
    const resolveAll = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const plain = createHttpClient({ resolveAll });
    const robots = createRobotsCache({ fetchText: (u) => plain.fetchText(u), userAgent: 'TestBot/1.0' });
    const c = createHttpClient({ resolveAll, robots });
    try {
      const before = server.requests.length;
      for (let i = 0; i < 2; i++) {
        const err = await rejectionOf(c.fetchPage(`http://news.example.test:${server.port}/plain`));
        expect(err.code).toBe('blocked-address');
        expect(err.retryable).toBe(false);
        expect(err.message).toMatch(/resolves to 127\.0\.0\.1/);
      }
      expect(server.requests.length).toBe(before);
    } finally {
      await c.close();
      await plain.close();
    }
  });

  it('the same name is fetched when allowPrivate is set', async () => {
    const c = createHttpClient({ allowPrivate: true, resolveAll: async () => [{ address: '127.0.0.1', family: 4 }] });
    try {
      const r = await c.fetchPage(`http://news.example.test:${server.port}/plain`);
      expect(r.kind).toBe('ok');
    } finally {
      await c.close();
    }
  });

  it('refuses bad URLs up front', async () => {
    for (const u of ['ftp://example.com/', 'not a url', `http://example.com/${'a'.repeat(2100)}`, 'http://user:pw@example.com/']) {
      const err = await rejectionOf(client.fetchPage(u));
      expect(err.code).toBe('invalid-url');
    }
  });
});

describe('fetchText', () => {
  it('returns any status and truncates at maxBytes', async () => {
    const r = await client.fetchText(server.origin + '/big-chunked', { maxBytes: 2500 });
    expect(r.status).toBe(200);
    expect(r.text).toHaveLength(2500);
    expect(r.truncated).toBe(true);
    const nf = await client.fetchText(server.origin + '/404');
    expect(nf).toMatchObject({ status: 404, text: '' });
  });
});

// Keep the event loop honest: no test above should leave a timer behind.
afterAll(async () => {
  await sleep(10);
});
