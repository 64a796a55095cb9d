// The load path end to end: files -> load queue -> parse queue -> Postgres, on real services.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../../src/runtime/context.js';
import { enqueueLoad } from '../../src/load/enqueue.js';
import { startWorkers, type WorkerSet } from '../../src/runtime/workers.js';
import { waitForRun } from '../../src/queues/runs.js';
import { listArticles } from '../../src/store/queries.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { loadConfig, MAX_PAGE_BYTES_CEILING } from '../../src/config.js';
import { MAX_PARSE_CHARS } from '../../src/parse/index.js';
import { MAX_HTML_LENGTH } from '../../src/parse/generic/index.js';
import { ISLAM_TIMES_MAX_HTML } from '../../src/parse/profiles/islamtimes.js';
import { failedJob } from '../helpers/queues.js';

const SEED = path.join(__dirname, '../../seeds/000_dfeb03326fbda3cc.txt');

let ctx: AppContext;
let workers: WorkerSet;
let dir: string;

async function load(paths: string[], sourceKey?: string) {
  const run = await enqueueLoad(ctx, paths, { sourceKey });
  return waitForRun(ctx.runs, run.runId, (c) => c.new + c.updated + c.unchanged + c.failed >= run.files, () => {}, 50);
}

beforeAll(async () => {
  ctx = await testContext();
  // Start from no Islam Times articles, whatever other test files stored.
  await ctx.db.article.deleteMany({ where: { source: { key: 'islamtimes' } } });
  workers = startWorkers(ctx);
  dir = await mkdtemp(path.join(os.tmpdir(), 'newspipe-load-'));
});

afterAll(async () => {
  await workers?.close();
  await disposeContext(ctx);
  await rm(dir, { recursive: true, force: true });
});

describe('load path', () => {
  it('stores the seed page as article 967483 with all its fields', async () => {
    const counts = await load([SEED]);
    expect(counts).toMatchObject({ total: 1, new: 1, failed: 0 });
    const [a] = await listArticles(ctx.db, { source: 'islamtimes' });
    expect(a.storyCode).toBe('967483');
    expect(a.title).toBe('Biden-Putin Meeting: Starts with “Greetings Mr President”, Ends with Ukraine’s Tension');
    expect(a.publishedAt).toBe('2021-12-08T07:35:00.000Z');
    const paragraphs = a.body.split('\n\n');
    expect(paragraphs).toHaveLength(11);
    expect(paragraphs[0]).toMatch(/^“Greetings, Mr President,” Putin said/);
    expect(paragraphs[10]).toMatch(/^“Putin has repeatedly said/);
    expect(a.related).toHaveLength(1);
    expect(a.related[0].snippet).toMatch(/^In a statement construed/);
    expect(a.featured).toHaveLength(13);
    expect(a.featured[0].date).toBeNull();
    expect(a.featured[12]).toEqual({
      title: "Report: US Sends Forces to Syria's Hasakah to Train Blacklisted Kurdish Militants",
      url: null,
      date: '2021-12-05',
    });
    expect(a.revision).toBe(1);
    expect(a.wordCount).toBeGreaterThan(400);

    const page = await ctx.db.page.findFirst({ where: { path: SEED }, orderBy: { id: 'desc' }, include: { content: true } });
    expect(page).toMatchObject({ origin: 'load', status: 'parsed', outcome: 'new', storyCode: '967483' });
    expect(page!.content!.size).toBe((await readFile(SEED)).length);
    expect(page!.content!.data.length).toBeLessThan(page!.content!.size); // kept compressed
  });

  it('loading the same file again creates nothing new', async () => {
    const before = await ctx.db.article.count();
    const counts = await load([SEED]);
    expect(counts).toMatchObject({ unchanged: 1, new: 0, updated: 0, failed: 0 });
    expect(await ctx.db.article.count()).toBe(before);
    expect(await ctx.db.articleRevision.count({ where: { article: { storyCode: '967483' } } })).toBe(0);
    expect(await ctx.db.articleLink.count({ where: { article: { storyCode: '967483', source: { key: 'islamtimes' } } } })).toBe(14);
  });

  it('the same file named twice is loaded once', async () => {
    const counts = await load([SEED, SEED, path.dirname(SEED)]);
    expect(counts).toMatchObject({ total: 1, unchanged: 1, failed: 0 });
  });

  it('a changed body updates the article, bumps the revision and keeps the old version', async () => {
    const text = await readFile(SEED, 'utf8');
    const changed = path.join(dir, 'changed.txt');
    await writeFile(changed, text.replace('Biden said it was “good to see”', 'Biden said it was “very good to see”'));
    const counts = await load([changed]);
    expect(counts).toMatchObject({ updated: 1, failed: 0 });
    const [a] = await listArticles(ctx.db, { source: 'islamtimes' });
    expect(a.revision).toBe(2);
    expect(a.body).toContain('very good to see');
    const revs = await ctx.db.articleRevision.findMany({ where: { article: { storyCode: '967483' } } });
    expect(revs).toHaveLength(1);
    expect(revs[0].revision).toBe(1);
    expect(revs[0].body).toContain('it was “good to see”');
    expect(await ctx.db.article.count({ where: { storyCode: '967483' } })).toBe(1);
  });

  it('two sources may reuse a story code', async () => {
    await ctx.db.source.upsert({ where: { key: 'other' }, create: { key: 'other', name: 'Other', timezone: 'UTC' }, update: {} });
    const counts = await load([SEED], 'other');
    expect(counts.new).toBe(1);
    expect(await ctx.db.article.count({ where: { storyCode: '967483' } })).toBe(2);
    // The other source has no zone of its own: the same wall time read as UTC.
    const [a] = await listArticles(ctx.db, { source: 'other' });
    expect(a.publishedAt).toBe('2021-12-08T11:05:00.000Z');
  });

  it('a file that cannot be parsed is a failed Page with the reason; the rest of the run goes on', async () => {
    const sub = path.join(dir, 'mixed');
    await mkdir(sub);
    await copyFile(SEED, path.join(sub, 'a-good.txt'));
    await writeFile(path.join(sub, 'b-no-code.txt'), ' date 2021-12-08 0\nWednesday 8 December 2021 - 11:05\nA title\nno code here\n');
    await writeFile(path.join(sub, 'c-empty.html'), '');
    await writeFile(path.join(sub, 'd-binary.txt'), Buffer.from([0, 1, 2, 3, 255, 0, 7]));
    const counts = await load([sub]);
    expect(counts).toMatchObject({ total: 4, failed: 3 });
    expect(counts.unchanged + counts.updated).toBe(1);
    const failed = await ctx.db.page.findMany({ where: { path: { startsWith: sub }, status: 'failed' }, orderBy: { path: 'asc' } });
    expect(failed.map((p) => path.basename(p.path!))).toEqual(['b-no-code.txt', 'c-empty.html', 'd-binary.txt']);
    expect(failed[0].error).toMatch(/no-story-code/);
    expect(failed[1].error).toMatch(/empty/);
    expect(failed[2].error).toMatch(/binary|invalid-input/);
    expect(await failedJob(ctx, 'parse', (j) => /no-story-code/.test(j.failedReason))).toBeTruthy();
  });

  it('refuses a file reached through a symlink that leaves the folder', async () => {
    const inside = path.join(dir, 'jail');
    const outside = path.join(dir, 'secret');
    await mkdir(inside);
    await mkdir(outside);
    await copyFile(SEED, path.join(outside, 'secret.txt'));
    await symlink(path.join(outside, 'secret.txt'), path.join(inside, 'link.txt'));
    // The walker skips symlinks; a job naming the link directly is refused by the worker.
    const run = await enqueueLoad(ctx, [inside]);
    expect(run.files).toBe(0);
    // Signed as newspipe's own enqueue would: the root is trusted, the link still must not leave it.
    const linkPath = path.join(inside, 'link.txt');
    await ctx.queues.load.add('load', { root: inside, path: linkPath, runId: 'symlinktest', mark: await ctx.signer.sign('load', inside, linkPath) });
    await ctx.runs.add('symlinktest', 'total', 1);
    const counts = await waitForRun(ctx.runs, 'symlinktest', (c) => c.failed + c.new + c.unchanged + c.updated >= 1, () => {}, 50);
    expect(counts.failed).toBe(1);
    const page = await ctx.db.page.findFirst({ where: { path: path.join(inside, 'link.txt') } });
    expect(page?.error).toMatch(/outside/);
  });
});

describe('page size limit (NEWSPIPE_MAX_PAGE_BYTES)', () => {
  const CODES = ['967191', '967192'];

  /** A context and workers of their own, with the given limit. */
  async function withLimit(limit: number, fn: (c: AppContext, loadHere: (paths: string[]) => ReturnType<typeof load>) => Promise<void>) {
    const c = await testContext({ NEWSPIPE_MAX_PAGE_BYTES: String(limit) });
    const w = startWorkers(c);
    try {
      await c.db.article.deleteMany({ where: { storyCode: { in: CODES }, source: { key: 'islamtimes' } } });
      await fn(c, async (paths) => {
        const run = await enqueueLoad(c, paths);
        return waitForRun(c.runs, run.runId, (n) => n.new + n.updated + n.unchanged + n.failed >= run.files, () => {}, 50);
      });
    } finally {
      await w.close();
      await disposeContext(c);
    }
  }

  it('every parser takes a page of the largest limit that can be set', () => {
    // The limit is a byte count, a parser's cap a UTF-16 length: a page never has more of these.
    expect(MAX_PARSE_CHARS).toBeGreaterThanOrEqual(MAX_PAGE_BYTES_CEILING);
    expect(ISLAM_TIMES_MAX_HTML).toBeGreaterThanOrEqual(MAX_PAGE_BYTES_CEILING);
    expect(MAX_HTML_LENGTH).toBeGreaterThanOrEqual(MAX_PAGE_BYTES_CEILING);
    expect(() => loadConfig({ NEWSPIPE_MAX_PAGE_BYTES: String(MAX_PAGE_BYTES_CEILING + 1) })).toThrow(/NEWSPIPE_MAX_PAGE_BYTES=/);
    // The former name is still read, and a bad value is reported under the name that was set.
    expect(loadConfig({ NEWSPIPE_MAX_FILE_BYTES: '5000' }).NEWSPIPE_MAX_PAGE_BYTES).toBe(5000);
    expect(() => loadConfig({ NEWSPIPE_MAX_FILE_BYTES: 'lots' })).toThrow(/NEWSPIPE_MAX_FILE_BYTES="lots"/);
    expect(loadConfig({}).NEWSPIPE_MAX_PAGE_BYTES).toBe(8 * 1024 * 1024);
  });

  const seedAs = async (code: string) => (await readFile(SEED, 'utf8')).replace('Story Code : 967483', `Story Code : ${code}`);

  it('a file one byte over the limit fails at load with its size and nothing archived; a file under it parses', async () => {
    const LIMIT = 8192;
    await withLimit(LIMIT, async (c, loadHere) => {
      const sub = path.join(dir, 'limit-small');
      await mkdir(sub);
      const over = path.join(sub, 'over.html');
      const under = path.join(sub, 'under.txt');
      const shell = '<html><body></body></html>';
      await writeFile(over, shell.replace('<body>', `<body>${'x'.repeat(LIMIT + 1 - shell.length)}`));
      await writeFile(under, await seedAs(CODES[0]));
      expect((await readFile(under)).length).toBeLessThan(LIMIT);

      const counts = await loadHere([sub]);
      expect(counts).toMatchObject({ total: 2, new: 1, failed: 1 });

      const overPages = await c.db.page.findMany({ where: { path: over } });
      expect(overPages).toHaveLength(1);
      expect(overPages[0]).toMatchObject({ status: 'failed', contentHash: null });
      expect(overPages[0].error).toBe(`too-large: ${over} is ${LIMIT + 1} bytes, over the ${LIMIT}-byte limit (NEWSPIPE_MAX_PAGE_BYTES)`);
      expect(await failedJob(c, 'load', (j) => j.failedReason === overPages[0].error)).toBeTruthy();

      const underPage = await c.db.page.findFirst({ where: { path: under }, orderBy: { id: 'desc' } });
      expect(underPage).toMatchObject({ status: 'parsed', outcome: 'new', storyCode: CODES[0] });
    });
  });

  it('a page over the former 8 Mi-character parser cap is parsed when the limit allows it', async () => {
    const LIMIT = 9 * 1024 * 1024;
    await withLimit(LIMIT, async (c, loadHere) => {
      const sub = path.join(dir, 'limit-large');
      await mkdir(sub);
      const big = path.join(sub, 'big.txt');
      await writeFile(big, (await seedAs(CODES[1])) + ' '.repeat(8.5 * 1024 * 1024));
      const counts = await loadHere([big]);
      expect(counts).toMatchObject({ total: 1, new: 1, failed: 0 });
      const page = await c.db.page.findFirst({ where: { path: big }, orderBy: { id: 'desc' }, include: { content: true } });
      expect(page).toMatchObject({ status: 'parsed', storyCode: CODES[1] });
      expect(page!.content!.size).toBeGreaterThan(8 * 1024 * 1024);
    });
  });
});
