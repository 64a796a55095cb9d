// Bad input end to end, through one `newspipe work` process: every case ends as a recorded
// outcome (a Page row with its status and reason, a failed job with the same reason, or a stored
// article), none crashes the worker or stops the run. The fetch library's unit tests
// (test/fetch) cover these inputs in depth; here each one goes through the whole pipeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import type { AppContext } from '../../src/runtime/context.js';
import { seedRun } from '../../src/frontier/frontier.js';
import type { RunCounts } from '../../src/queues/runs.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { failedJob as failedJobOf } from '../helpers/queues.js';
import { type CliProcess, ROOT, runCli, startWorker, uniquePrefix, waitFor, waitForRunDone, workerEnv } from './harness.js';

const SEED = path.join(ROOT, 'seeds/000_dfeb03326fbda3cc.txt');
const KEY = 'rel-bad';
const MAX_BODY = 64 * 1024;
const MAX_FILE = 100_000;
const prefix = uniquePrefix('bad');

let ctx: AppContext;
let worker: CliProcess;
let server: http.Server;
let base: string;
let dir: string;
let crawlCounts: RunCounts;
const hits = new Map<string, number[]>();
const sockets = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();

function articleHtml(code: number, title: string, opts: { date?: string; extra?: string } = {}): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title} - Islam Times</title>${opts.extra ?? ''}</head><body>
<ul class="menu"><li><a href="/en">Home</a></li></ul>
<h1>${title}</h1>
<div class="code">Story Code : ${code}</div>
<div class="date">${opts.date ?? 'Wednesday 8 December 2021 - 11:05'}</div>
<p>The first paragraph of the story tells what happened, with enough words to be taken for text.</p>
<p>The second paragraph goes on with the details of the meeting and what the ministers said about it.</p>
<p>The third paragraph ends the story with what is expected to happen next week in the capital.</p>
</body></html>`;
}

// ---- the misbehaving site: one path per case
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const html = (body: string | Buffer, type = 'text/html; charset=utf-8', extra: Record<string, string | number> = {}): Handler => (_req, res) => {
  res.writeHead(200, { 'content-type': type, ...extra });
  res.end(body);
};
const P = (code: number, slug: string) => `/en/news/${code}/${slug}`;
const CASES = {
  good: P(2001, 'good'),
  malformed: P(2002, 'malformed'),
  truncated: P(2003, 'truncated'),
  empty: P(2004, 'empty'),
  binary: P(2005, 'binary'),
  tooLarge: P(2006, 'too-large'),
  tooLargeChunked: P(2007, 'too-large-chunked'),
  gzipBomb: P(2008, 'gzip-bomb'),
  wrongCharset: P(2009, 'wrong-charset'),
  unknownCharset: P(2010, 'unknown-charset'),
  redirectLoop: P(2011, 'redirect-loop'),
  redirectChain: P(2012, 'redirect-chain'),
  hang: P(2013, 'hang'),
  trickle: P(2014, 'trickle'),
  tooMany: P(2015, 'too-many-requests'),
  flaky500: P(2016, 'flaky-500'),
  badDate: P(2017, 'bad-date'),
  deep: P(2018, 'deep'),
  listing: '/en/links',
  listed: P(2019, 'listed'),
};
const once = new Set<string>();
const bomb = gzipSync(Buffer.alloc(30 * 1024 * 1024, 0x20));
const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
const truncated = articleHtml(2003, 'A story cut short in transit').replace(/<p>The second[\s\S]*$/, '<p>The second paragraph st');

const routes: Record<string, Handler> = {
  [CASES.good]: html(articleHtml(2001, 'A perfectly ordinary story')),
  [CASES.malformed]: html('<html><body><div><p>unclosed <b><i></div></span>&&&<<>><table><tr><td><!-- <script>x</script'),
  [CASES.truncated]: html(truncated),
  [CASES.empty]: html(''),
  [CASES.binary]: html(binary),
  [CASES.tooLarge]: (req, res) => {
    const body = Buffer.from(articleHtml(2006, 'Too large').padEnd(3 * MAX_BODY, ' '));
    html(body, 'text/html', { 'content-length': body.length })(req, res);
  },
  [CASES.tooLargeChunked]: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    for (let i = 0; i < 48; i++) res.write(Buffer.alloc(4096, 0x20));
    res.end();
  },
  [CASES.gzipBomb]: html(bomb, 'text/html', { 'content-encoding': 'gzip' }),
  // UTF-8 bytes labelled windows-1251: decodes to mojibake, still an article.
  [CASES.wrongCharset]: html(Buffer.from(articleHtml(2009, 'Café naïve – déjà vu').replace('<meta charset="utf-8">', '')), 'text/html; charset=windows-1251'),
  [CASES.unknownCharset]: html(Buffer.from(articleHtml(2010, 'Unknown charset story').replace('<meta charset="utf-8">', '')), 'text/html; charset=x-klingon'),
  [CASES.redirectLoop]: (req, res) => {
    const to = req.url!.includes('?loop') ? CASES.redirectLoop : `${CASES.redirectLoop}?loop=1`;
    res.writeHead(302, { location: to });
    res.end();
  },
  [CASES.redirectChain]: (req, res) => {
    const n = Number(new URL(req.url!, base).searchParams.get('hop') ?? 0);
    res.writeHead(302, { location: `${CASES.redirectChain}?hop=${n + 1}` });
    res.end();
  },
  [CASES.hang]: () => {},
  [CASES.trickle]: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const t = setInterval(() => res.write('<p>'), 200);
    timers.add(t);
    res.on('close', () => clearInterval(t));
  },
  [CASES.tooMany]: (req, res) => {
    if (once.has(CASES.tooMany)) return html(articleHtml(2015, 'Served after a 429'))(req, res);
    once.add(CASES.tooMany);
    res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' });
    res.end('slow down');
  },
  [CASES.flaky500]: (req, res) => {
    if (once.has(CASES.flaky500)) return html(articleHtml(2016, 'Served after a 500'))(req, res);
    once.add(CASES.flaky500);
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('oops');
  },
  [CASES.badDate]: html(articleHtml(2017, 'A story with a date nobody can read', {
    date: 'Someday 45 Smarch 20x1 - 99:99',
    extra: '<meta property="article:published_time" content="not a date at all">',
  })),
  // Nested 12,000 deep (parsing cost grows with the square of the depth): refused unparsed.
  [CASES.deep]: html(articleHtml(2018, 'Deep').replace('<h1>', `${'<div>'.repeat(12_000)}<h1>`)),
  [CASES.listing]: html(`<html><body><h1>Links</h1><ul>
    <li><a href="javascript:alert(1)">js</a></li>
    <li><a href="file:///etc/passwd">file</a></li>
    <li><a href="data:text/html,<b>x</b>">data</a></li>
    <li><a href="mailto:editor@example.com">mail</a></li>
    <li><a href="http://[::1">broken</a></li>
    <li><a href="/en/news/2020/${'x'.repeat(3000)}">too long</a></li>
    <li><a href="${CASES.good}">again</a></li>
    <li><a href="${CASES.listed}">listed</a></li>
  </ul></body></html>`),
  [CASES.listed]: html(articleHtml(2019, 'Reached from a listing full of junk links')),
};

const url = (p: string) => `${base}${p}`;
const failedJob = (queue: 'fetch' | 'parse' | 'load', match: (j: Job) => boolean) => failedJobOf(ctx, queue, match);
const pageOf = (p: string) => ctx.db.page.findFirst({ where: { url: url(p) }, orderBy: { id: 'desc' } });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    const list = hits.get(u.pathname) ?? [];
    list.push(Date.now());
    hits.set(u.pathname, list);
    const h = routes[u.pathname];
    if (h) return h(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  dir = await mkdtemp(path.join(os.tmpdir(), 'newspipe-bad-'));
  await mkdir(path.join(dir, 'allowed'));
  await mkdir(path.join(dir, 'outside'));

  ctx = await testContext({ NEWSPIPE_QUEUE_PREFIX: prefix });
  await ctx.db.article.deleteMany({ where: { source: { key: KEY } } });
  await ctx.db.page.deleteMany({ where: { source: { key: KEY } } });
  const config = { key: KEY, name: KEY, baseUrl: `${base}/`, timezone: 'Asia/Tehran', parserProfile: 'islamtimes', articlePattern: '/en/news/\\d+', entryPoints: [], enabled: true, politeness: { maxConcurrent: 8, minDelayMs: 0 } };
  await ctx.db.source.upsert({
    where: { key: KEY },
    create: { key: KEY, name: KEY, baseUrl: `${base}/`, timezone: 'Asia/Tehran', parserProfile: 'islamtimes', config },
    update: { baseUrl: `${base}/`, config },
  });

  worker = await startWorker(workerEnv(prefix, {
    NEWSPIPE_MAX_BODY_BYTES: String(MAX_BODY),
    NEWSPIPE_MAX_FILE_BYTES: String(MAX_FILE),
    NEWSPIPE_FETCH_TIMEOUT_MS: '1500',
    NEWSPIPE_FETCH_ATTEMPTS: '2',
    NEWSPIPE_RETRY_BASE_MS: '100',
    NEWSPIPE_LOAD_ROOTS: path.join(dir, 'allowed'),
    NEWSPIPE_FETCH_CONCURRENCY: '24',
  }));

  const seeds = Object.entries(CASES).filter(([k]) => k !== 'listed').map(([, p]) => url(p));
  const { runId, result } = await seedRun(ctx, seeds, { scope: { maxDepth: 1 }, sourceKey: KEY });
  expect(result.queued).toBe(seeds.length);
  crawlCounts = await waitForRunDone(ctx, runId, 60_000, () => worker.tail());
}, 90_000);

afterAll(async () => {
  if (worker?.running) await worker.stop();
  for (const t of timers) clearInterval(t);
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await disposeContext(ctx);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The page failed with `reason` in the fetch or the parse stage; its job failed with it too. */
async function expectFailed(p: string, reason: RegExp, opts: { stage: 'fetch' | 'parse'; hits?: number }) {
  const page = await pageOf(p);
  expect(page, p).toBeTruthy();
  expect(page!.status).toBe('failed');
  expect(page!.error).toMatch(reason);
  // A fetched page is parsed by the job that fetched it when the process runs both stages (this
  // worker does), so a parse failure fails that fetch job, with the parser's reason.
  const job = await failedJob('fetch', (j) => j.data.url === url(p));
  expect(job, `failed ${opts.stage} job for ${p}`).toBeTruthy();
  // A parse failure comes after the archive; a fetch failure has nothing to archive.
  if (opts.stage === 'parse') expect(page!.contentHash).not.toBeNull();
  else expect(page!.contentHash).toBeNull();
  expect(job!.failedReason).toMatch(reason);
  if (opts.hits !== undefined) expect(hits.get(p)?.length ?? 0).toBe(opts.hits);
  return page!;
}

async function expectStored(p: string, code: string) {
  const page = await pageOf(p);
  expect(page).toMatchObject({ status: 'parsed', outcome: 'new', storyCode: code });
  return (await ctx.db.article.findFirst({ where: { source: { key: KEY }, storyCode: code } }))!;
}

describe('bad input through the workers', () => {
  it('the crawl of all of them finished, with the failures counted', async () => {
    expect(crawlCounts.pending).toBe(0);
    // good, truncated, wrong/unknown charset, 429, 500, bad date, listed
    expect(crawlCounts.new).toBe(8);
    // malformed, empty, binary, 2 x too large, gzip bomb, loop, chain, hang, trickle, deep
    expect(crawlCounts.failed).toBe(11);
    expect(crawlCounts.listings).toBe(1);
  });

  it('a normal page is stored (control)', async () => {
    await expectStored(CASES.good, '2001');
    expect(hits.get(CASES.good)).toHaveLength(1);
  });

  it('malformed HTML: no article in it, recorded as a parse failure', async () => {
    await expectFailed(CASES.malformed, /no-story-code|not-article|no-title|no-body|unsupported-content/, { stage: 'parse', hits: 1 });
  });

  it('truncated HTML: what arrived is stored, as far as it goes', async () => {
    const a = await expectStored(CASES.truncated, '2003');
    expect(a.title).toBe('A story cut short in transit');
    expect(a.body).toMatch(/^The first paragraph/);
  });

  it('an empty 200: a fetch failure, not retried', async () => {
    await expectFailed(CASES.empty, /^empty 200: empty body \(HTTP 200\)/, { stage: 'fetch', hits: 1 });
  });

  it('binary content served as text/html: archived, then refused by the parser', async () => {
    const page = await expectFailed(CASES.binary, /unsupported-content: .*binary/, { stage: 'parse', hits: 1 });
    expect(page.contentType).toBe('text/html');
  });

  it(`a page over NEWSPIPE_MAX_BODY_BYTES (${MAX_BODY}): refused by Content-Length, or while streaming`, async () => {
    await expectFailed(CASES.tooLarge, /^too-large 200: Content-Length \d+ exceeds 65536/, { stage: 'fetch', hits: 1 });
    await expectFailed(CASES.tooLargeChunked, /^too-large( 200)?: body exceeds 65536 bytes/, { stage: 'fetch', hits: 1 });
  });

  it('a gzip bomb: stopped at the page-size limit (NEWSPIPE_MAX_FILE_BYTES), early', async () => {
    const page = await expectFailed(CASES.gzipBomb, new RegExp(`^decoded-too-large( 200)?: decoded body exceeds ${MAX_FILE} bytes`), { stage: 'fetch', hits: 1 });
    expect(page.contentHash).toBeNull();
  });

  it('a wrong charset: decoded as declared (mojibake), stored, the charset kept for re-parsing', async () => {
    const a = await expectStored(CASES.wrongCharset, '2009');
    expect(a.title).not.toBe('Café naïve – déjà vu');
    expect(a.title).toMatch(/^Caf.+ na.+ve/);
    expect((await pageOf(CASES.wrongCharset))!.charset).toBe('windows-1251');
  });

  it('an unknown charset: read as UTF-8, stored', async () => {
    const a = await expectStored(CASES.unknownCharset, '2010');
    expect(a.title).toBe('Unknown charset story');
    expect((await pageOf(CASES.unknownCharset))!.charset).toBe('utf-8');
  });

  it('a page nested absurdly deep: refused before parsing', async () => {
    await expectFailed(CASES.deep, /^unsupported-content: elements nested more than 1000 deep/, { stage: 'parse', hits: 1 });
  });

  it('a redirect loop, and a redirect chain longer than the limit', async () => {
    await expectFailed(CASES.redirectLoop, /^redirect-loop 302: redirect loop/, { stage: 'fetch', hits: 2 });
    // The first request and 5 redirects followed, then refused.
    await expectFailed(CASES.redirectChain, /^too-many-redirects 302: /, { stage: 'fetch', hits: 6 });
  });

  it('a server that accepts and never answers, and one that trickles bytes: timed out, retried, recorded', async () => {
    await expectFailed(CASES.hang, /^timeout: total timeout of 1500 ms/, { stage: 'fetch', hits: 2 });
    await expectFailed(CASES.trickle, /^timeout: total timeout of 1500 ms/, { stage: 'fetch', hits: 2 });
  });

  it('429 with Retry-After: waited for, then stored', async () => {
    await expectStored(CASES.tooMany, '2015');
    const [first, second] = hits.get(CASES.tooMany)!;
    expect(second - first).toBeGreaterThanOrEqual(900);
  });

  it('500 then success: retried, stored', async () => {
    await expectStored(CASES.flaky500, '2016');
    expect(hits.get(CASES.flaky500)).toHaveLength(2);
  });

  it('an unparseable date: stored without a date, with a warning in the worker log', async () => {
    const a = await expectStored(CASES.badDate, '2017');
    expect(a.publishedAt).toBeNull();
    const warnings = worker.logs().filter((l) => l.storyCode === '2017' && l.level === 40).map((l) => l.msg);
    expect(warnings).toContain('unparseable article:published_time meta "not a date at all"');
    expect(warnings).toContain('no publication date found');
  });

  it('links that are not fetchable URLs (javascript:, file:, data:, mailto:, broken, over-long) are dropped; the good ones followed', async () => {
    expect((await pageOf(CASES.listing))!).toMatchObject({ status: 'parsed', outcome: 'listing' });
    await expectStored(CASES.listed, '2019');
    const fetched = await ctx.db.page.findMany({ where: { source: { key: KEY } }, select: { url: true } });
    for (const p of fetched) expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/en\//);
    expect(hits.get(CASES.good)).toHaveLength(1);
    expect([...hits.keys()].some((k) => k.startsWith('/en/news/2020'))).toBe(false);
  });

  it('invalid, over-long and non-HTTP seed URLs are refused by the frontier and by the CLI', async () => {
    const bad = ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<b>x</b>', `http://example.com/${'x'.repeat(3000)}`, 'http://', 'not a url', 'ftp://example.com/a', 'http://user:pw@example.com/'];
    const { runId, result } = await seedRun(ctx, bad, { scope: { maxDepth: 0 }, sourceKey: KEY });
    expect(result).toMatchObject({ queued: 0, invalid: bad.length });
    expect((await ctx.runs.counts(runId)).pending).toBe(0);
    const env = { NEWSPIPE_QUEUE_PREFIX: prefix };
    for (const [u, why] of [
      ['file:///etc/passwd', /only http and https URLs are fetched, not file:/],
      ['javascript:alert(1)', /only http and https URLs are fetched, not javascript:/],
      ['data:text/html,x', /only http and https URLs are fetched, not data:/],
      [`http://example.com/${'x'.repeat(3000)}`, /URL longer than 2048 characters/],
    ] as const) {
      const out = await runCli(['enqueue', u, '--source', KEY], env);
      expect(out.code, out.stderr).toBe(1);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(why);
    }
  });
});

describe('bad input from disk through the workers', () => {
  const loadRun = async (args: string[]) => {
    const out = await runCli(['load', '--enqueue-only', ...args], { NEWSPIPE_QUEUE_PREFIX: prefix });
    expect(out.code, out.stderr).toBe(0);
    const runId = /as run ([0-9a-f]+)/.exec(out.stdout)![1];
    const files = Number(/queued (\d+) file/.exec(out.stdout)![1]);
    return waitFor(`load run ${runId}`, async () => {
      const c = await ctx.runs.counts(runId);
      return c.new + c.updated + c.unchanged + c.failed >= files ? c : null;
    }, 30_000, { detail: () => worker.tail() });
  };

  it('a file outside NEWSPIPE_LOAD_ROOTS is refused by the worker', async () => {
    const file = path.join(dir, 'outside', 'elsewhere.txt');
    await copyFile(SEED, file);
    const c = await loadRun([file]);
    expect(c.failed).toBe(1);
    const page = await ctx.db.page.findFirst({ where: { path: file }, orderBy: { id: 'desc' } });
    expect(page).toMatchObject({ origin: 'load', status: 'failed' });
    expect(page!.error).toMatch(/outside the allowed folders \(NEWSPIPE_LOAD_ROOTS\)/);
    expect(await failedJob('load', (j) => j.data.path === file && /outside the allowed folders/.test(j.failedReason))).toBeTruthy();
  });

  it('a symlink in the allowed folder that points outside is refused, named directly or as a crafted job', async () => {
    const secret = path.join(dir, 'outside', 'secret.txt');
    await copyFile(SEED, secret);
    const link = path.join(dir, 'allowed', 'link.txt');
    await symlink(secret, link);
    // The CLI resolves the link; the worker refuses where it leads.
    const c = await loadRun([link]);
    expect(c.failed).toBe(1);
    const viaCli = await ctx.db.page.findFirst({ where: { path: secret }, orderBy: { id: 'desc' } });
    expect(viaCli!.error).toMatch(/outside the allowed folders/);
    // A job naming the link inside the allowed root: the link is followed, and refused.
    const root = path.join(dir, 'allowed');
    await ctx.queues.load.add('load', { root, path: link, runId: 'crafted-symlink', mark: await ctx.signer.sign('load', root, link) });
    await ctx.runs.add('crafted-symlink', 'total', 1);
    await waitFor('the crafted job to fail', async () => (await ctx.runs.counts('crafted-symlink')).failed === 1, 30_000);
    const crafted = await ctx.db.page.findFirst({ where: { path: link }, orderBy: { id: 'desc' } });
    expect(crafted!.error).toMatch(new RegExp(`resolves to ${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, outside`));
  });

  it('a text page without a story code, and a file over NEWSPIPE_MAX_FILE_BYTES, fail with their reasons; a good file next to them is stored', async () => {
    const sub = path.join(dir, 'allowed', 'mixed');
    await mkdir(sub);
    const text = await readFile(SEED, 'utf8');
    await writeFile(path.join(sub, 'a-good.txt'), text.replace('Story Code : 967483', 'Story Code : 967999'));
    await writeFile(path.join(sub, 'b-no-code.txt'), text.replace(/Story Code : 967483\r?\n/, ''));
    await writeFile(path.join(sub, 'c-huge.html'), `<html><body>${'x'.repeat(MAX_FILE + 1)}</body></html>`);
    const c = await loadRun([sub]);
    expect(c).toMatchObject({ failed: 2, new: 1 });
    const pages = await ctx.db.page.findMany({ where: { path: { startsWith: sub } }, orderBy: { path: 'asc' } });
    expect(pages.map((p) => [path.basename(p.path!), p.status])).toEqual([['a-good.txt', 'parsed'], ['b-no-code.txt', 'failed'], ['c-huge.html', 'failed']]);
    expect(pages[1].error).toMatch(/^no-story-code: /);
    expect(pages[2].error).toMatch(new RegExp(`over the ${MAX_FILE}-byte limit`));
    expect((await failedJob('parse', (j) => j.data.pageId === pages[1].id))!.failedReason).toMatch(/no-story-code/);
    expect(await failedJob('load', (j) => /over the 100000-byte limit/.test(j.failedReason))).toBeTruthy();
  });

  it('after all of it the same worker process is still running and stops cleanly', async () => {
    expect(worker.running).toBe(true);
    expect(worker.stderr).not.toMatch(/uncaught|unhandled/i);
    worker.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  });
});
