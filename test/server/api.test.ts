// The JSON API, metrics, health and the pages' safety, against a running server with real
// Postgres and Redis and articles crawled from the fixture site.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { startWorkers, type WorkerSet } from '../../src/runtime/workers.js';
import { QUEUE } from '../../src/queues/jobs.js';
import { storeArticle } from '../../src/store/articles.js';
import { observeFetch } from '../../src/runtime/metrics.js';
import type { RunningServer } from '../../src/server/app.js';
import type { ScheduleInfo, ScheduleService } from '../../src/server/schedules.js';
import { crawlRunService, recordRun, scheduleService } from '../../src/schedule/service.js';
import { finalizeRun } from '../../src/schedule/finalize.js';
import { seedRun } from '../../src/frontier/frontier.js';
import { waitForRun } from '../../src/queues/runs.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { crawl, fixtureSource } from '../helpers/crawl.js';
import { request, serve, waitForApiRun, removeSource } from './helpers.js';

const SOURCE = 'srvapi';
let ctx: AppContext;
let workers: WorkerSet;
let site: FixtureSite;
let server: RunningServer;
let api: string;

beforeAll(async () => {
  // A seed of its own: other test files crawl fixture sites too, and titles must not collide in searches.
  site = await createFixtureSite({ articles: 40, pageSize: 10, targetPageBytes: 0, seed: 61 });
  ctx = await testContext({ NEWSPIPE_ALLOW_PRIVATE_URLS: '1', NEWSPIPE_RETRY_BASE_MS: '20', NEWSPIPE_FETCH_ATTEMPTS: '2' });
  await fixtureSource(ctx, site, SOURCE);
  workers = startWorkers(ctx, [QUEUE.fetch, QUEUE.parse]);
  const counts = await crawl(ctx, Array.from({ length: 10 }, (_, i) => site.articleUrl(i)), { maxDepth: 0 }, SOURCE);
  expect(counts.new).toBe(10);
  server = await serve(ctx);
  api = `${server.url}/api/v1`;
});

afterAll(async () => {
  await server?.close();
  await workers?.close();
  if (ctx) await removeSource(ctx, SOURCE);
  await disposeContext(ctx);
  await site?.close();
});

describe('health and metrics', () => {
  it('GET /healthz is 200 with both services ok', async () => {
    const r = await request(`${server.url}/healthz`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', postgres: 'ok', redis: 'ok' });
  });

  it('GET /metrics shows queue depths, pages by status, articles stored and the fetch histogram', async () => {
    observeFetch('ok', 120);
    const r = await request(`${server.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    expect(r.text).toMatch(/newspipe_queue_jobs\{queue="fetch",state="waiting"\} \d+/);
    expect(r.text).toMatch(/newspipe_queue_jobs\{queue="parse",state="completed"\} \d+/);
    expect(r.text).toMatch(/newspipe_pages\{status="parsed",http_status="200"\} \d+/);
    const stored = Number(/^newspipe_articles_stored (\d+)/m.exec(r.text)?.[1]);
    expect(stored).toBeGreaterThanOrEqual(10);
    expect(r.text).toMatch(new RegExp(`newspipe_articles_stored_by_source\\{source="${SOURCE}"\\} 10`));
    expect(r.text).toMatch(/newspipe_fetch_duration_seconds_bucket\{le="0.25",outcome="ok"\} [1-9]/);
    expect(r.text).toContain('newspipe_process_cpu_seconds_total');
  });
});

describe('GET /api/v1/articles', () => {
  it('lists the newest first with a total, and pages', async () => {
    const r = await request(`${api}/articles?source=${SOURCE}&limit=4`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(10);
    expect(r.body.items).toHaveLength(4);
    const dates = r.body.items.map((a: { publishedAt: string }) => a.publishedAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    const next = await request(`${api}/articles?source=${SOURCE}&limit=4&offset=8`);
    expect(next.body.items).toHaveLength(2);
    expect(next.body.offset).toBe(8);
  });

  it('searches title and body text', async () => {
    const want = site.expected(3);
    const r = await request(`${api}/articles?source=${SOURCE}&q=${encodeURIComponent(want.title)}`);
    expect(r.body.total).toBe(1);
    expect(r.body.items[0]).toMatchObject({ source: SOURCE, storyCode: want.storyCode, title: want.title });
    // A phrase from the body only.
    const phrase = want.body[1].split(' ').slice(2, 8).join(' ');
    const byBody = await request(`${api}/articles?source=${SOURCE}&q=${encodeURIComponent(phrase)}`);
    expect(byBody.body.items.map((a: { storyCode: string }) => a.storyCode)).toContain(want.storyCode);
  });

  it('filters by publication date range (dates are whole days)', async () => {
    const target = site.expected(5);
    const day = target.publishedAt.slice(0, 10);
    const r = await request(`${api}/articles?source=${SOURCE}&since=${day}&until=${day}&limit=100`);
    expect(r.status).toBe(200);
    const expectedCodes = Array.from({ length: 10 }, (_, i) => site.expected(i)).filter((e) => e.publishedAt.slice(0, 10) === day).map((e) => e.storyCode);
    expect(r.body.items.map((a: { storyCode: string }) => a.storyCode).sort()).toEqual(expectedCodes.sort());
    const exact = await request(`${api}/articles?source=${SOURCE}&since=${encodeURIComponent(target.publishedAt)}&until=${encodeURIComponent(target.publishedAt)}`);
    expect(exact.body.items.map((a: { storyCode: string }) => a.storyCode)).toEqual([target.storyCode]);
  });

  it.each([
    ['limit=0', /query\.limit: must be a whole number from 1 to 100/],
    ['limit=abc', /query\.limit: must be a whole number from 1 to 100/],
    ['limit=100000', /query\.limit: must be a whole number from 1 to 100/],
    ['limit=2.5', /query\.limit: must be a whole number from 1 to 100/],
    ['offset=-1', /query\.offset: must be a whole number from 0 to 1000000/],
    ['since=yesterday', /query\.since: must be a date/],
    ['since=2024-05-02&until=2024-05-01', /since must not be after until/],
    ['source=Not%20A%20Key', /query\.source/],
    ['colour=red&size=2', /query\.colour: unknown parameter; known: q, source, since, until, limit, offset; query\.size: unknown parameter/],
    ['q=<201 characters>', /query\.q: at most 200/],
    ['q=%00', /query\.q: must not contain a NUL character/],
    ['since=0000-01-01', /query\.since: must be in the years 1000 to 9999/],
    ['until=0999-12-31T00:00:00Z', /query\.until: must be in the years 1000 to 9999/],
  ])('refuses %s with 400 and the reason', async (qs, message) => {
    const r = await request(`${api}/articles?${qs.replace('<201 characters>', 'x'.repeat(201))}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('bad request');
    expect(r.body.message).toMatch(message);
    expect(r.body.issues.length).toBeGreaterThan(0);
  });
});

describe('text and dates that Postgres would refuse', () => {
  it('gives 400 with the reason on the failed-pages API and the dashboard too', async () => {
    for (const qs of ['url=%00', 'prefix=%00']) {
      const r = await request(`${api}/pages/failed?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.body.message, qs).toMatch(/must not contain a NUL character/);
    }
    for (const path of ['/articles?q=%00', '/articles?since=0000-01-01', '/pages/failed?url=%00']) {
      const r = await request(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect(r.status, path).toBe(400);
      expect(r.text, path).toMatch(/NUL character|years 1000 to 9999/);
    }
    const early = await request(`${api}/articles?source=${SOURCE}&since=1000-01-01`);
    expect(early.status).toBe(200);
    expect(early.body.total).toBe(10);
  });

  it('matches % and _ in q as themselves, not as wildcards', async () => {
    const src = await ctx.db.source.findUniqueOrThrow({ where: { key: SOURCE } });
    const base = { tags: [], related: [], featured: [], origins: {}, warnings: [], body: ['A paragraph long enough to be a body of an article.'] };
    await storeArticle(ctx.db, src.id, { ...base, storyCode: 'like-1', title: 'Rates rise 10% in Qwzx', url: 'https://example.com/like-1' }, null);
    await storeArticle(ctx.db, src.id, { ...base, storyCode: 'like-2', title: 'Rates rise 100 in Qwzx', url: 'https://example.com/like-2' }, null);
    await storeArticle(ctx.db, src.id, { ...base, storyCode: 'like-3', title: 'Qwzx a_b case', url: 'https://example.com/like-3' }, null);
    await storeArticle(ctx.db, src.id, { ...base, storyCode: 'like-4', title: 'Qwzx axb case', url: 'https://example.com/like-4' }, null);
    const codes = async (q: string) => (await request(`${api}/articles?source=${SOURCE}&q=${encodeURIComponent(q)}`)).body.items.map((a: { storyCode: string }) => a.storyCode).sort();
    try {
      expect(await codes('10% in qwzx')).toEqual(['like-1']);
      expect(await codes('qwzx a_b')).toEqual(['like-3']);
      expect(await codes('Qwzx')).toEqual(['like-1', 'like-2', 'like-3', 'like-4']);
      expect(await codes('%')).toContain('like-1');
      expect(await codes('%')).not.toContain('like-2');
      expect(await codes('_')).not.toContain('like-4');
      expect(await codes('\\')).toEqual([]);
    } finally {
      await ctx.db.article.deleteMany({ where: { sourceId: src.id, storyCode: { startsWith: 'like-' } } });
    }
  });
});

describe('GET /api/v1/articles/:source/:storyCode', () => {
  it('gives the article with its links and revisions', async () => {
    const want = site.expected(0);
    const src = await ctx.db.source.findUniqueOrThrow({ where: { key: SOURCE } });
    const before = await request(`${api}/articles/${SOURCE}/${want.storyCode}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ source: SOURCE, storyCode: want.storyCode, title: want.title, revision: 1, revisions: [] });
    expect(before.body.links.filter((l: { kind: string }) => l.kind === 'related').map((l: { url: string }) => l.url)).toEqual(want.related.map((x) => x.url));
    expect(before.body.featured.map((l: { url: string }) => l.url)).toEqual(want.featured.map((x) => x.url));
    expect(before.body.pages.length).toBeGreaterThan(0);

    // The story changes: a new revision, the old version kept.
    await storeArticle(
      ctx.db,
      src.id,
      { storyCode: want.storyCode, title: `${want.title} (updated)`, body: [...want.body, 'A correction was added.'], tags: [], related: [], featured: [], origins: {}, warnings: [], url: want.url },
      null,
    );
    const after = await request(`${api}/articles/${SOURCE}/${want.storyCode}`);
    expect(after.body.revision).toBe(2);
    expect(after.body.title).toBe(`${want.title} (updated)`);
    expect(after.body.revisions).toHaveLength(1);
    expect(after.body.revisions[0]).toMatchObject({ revision: 1, title: want.title, body: want.body.join('\n\n') });
  });

  it('is 404 for an unknown story and 400 for a bad source key', async () => {
    const r = await request(`${api}/articles/${SOURCE}/no-such-story`);
    expect(r.status).toBe(404);
    expect(r.body.message).toContain('no-such-story');
    const bad = await request(`${api}/articles/BAD%20KEY/1`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/params\.source/);
  });
});

describe('POST /api/v1/enqueue', () => {
  it('queues a fixture article; the run finishes and the article is searchable', async () => {
    const want = site.expected(20);
    const r = await request(`${api}/enqueue`, { method: 'POST', json: { urls: [site.articleUrl(20)], source: SOURCE } });
    expect(r.status).toBe(202);
    expect(r.body.runId).toMatch(/^[a-f0-9]{16}$/);
    expect(r.body.result).toMatchObject({ queued: 1, known: 0 });
    await waitForApiRun(ctx, r.body.runId);
    const run = await request(`${api}/runs/${r.body.runId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ runId: r.body.runId, done: true, counts: { new: 1, fetched: 1, failed: 0 } });
    expect(run.body.pages.parsed).toBe(1);
    const found = await request(`${api}/articles?source=${SOURCE}&q=${encodeURIComponent(want.title)}`);
    expect(found.body.items.map((a: { storyCode: string }) => a.storyCode)).toEqual([want.storyCode]);

    const runs = await request(`${api}/runs?source=${SOURCE}`);
    expect(runs.body.items.map((x: { runId: string }) => x.runId)).toContain(r.body.runId);
    // Queued again: the story is known, nothing is fetched.
    const again = await request(`${api}/enqueue`, { method: 'POST', json: { urls: [site.articleUrl(20)], source: SOURCE } });
    expect(again.body.result).toMatchObject({ queued: 0, known: 1 });
  });

  it.each([
    ['no urls', {}, /body\.urls/],
    ['empty urls', { urls: [] }, /give at least one URL/],
    ['urls not a list', { urls: 'http://example.com/' }, /body\.urls/],
    ['depth 9', { urls: ['http://example.com/'], depth: 9 }, /body\.depth/],
    ['maxPages 0', { urls: ['http://example.com/'], maxPages: 0 }, /body\.maxPages/],
    ['refresh "yes"', { urls: ['http://example.com/'], refresh: 'yes' }, /body\.refresh/],
    ['an unknown field', { urls: ['http://example.com/'], extra: 1 }, /body\.extra: unknown field; known: urls, source/],
    ['101 URLs', { urls: Array.from({ length: 101 }, (_, i) => `http://example.com/${i}`) }, /at most 100 URLs/],
  ])('refuses a body with %s (400)', async (_label, body, message) => {
    const r = await request(`${api}/enqueue`, { method: 'POST', json: body });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(message);
  });

  it('refuses non-http(s) and over-long URLs and unknown sources, per URL, queuing nothing', async () => {
    const long = `http://example.com/${'a'.repeat(2100)}`;
    const r = await request(`${api}/enqueue`, { method: 'POST', json: { urls: ['ftp://example.com/x', long, site.articleUrl(21), 'not a url'] } });
    expect(r.status).toBe(400);
    const refused = new Map(r.body.refused.map((x: { url: string; reason: string }) => [x.url, x.reason]));
    expect(refused.size).toBe(3);
    expect(refused.get('ftp://example.com/x')).toMatch(/only http and https/);
    expect(refused.get(long)).toMatch(/characters long/);
    expect(refused.get('not a url')).toMatch(/not a valid absolute URL/);
    expect(await ctx.db.page.count({ where: { url: site.articleUrl(21) } })).toBe(0);

    const unknown = await request(`${api}/enqueue`, { method: 'POST', json: { urls: [site.articleUrl(21)], source: 'nosuchsource' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('unknown source "nosuchsource"');
  });

  it('refuses malformed JSON (400) and other content types (415)', async () => {
    const bad = await request(`${api}/enqueue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"urls": [' });
    expect(bad.status).toBe(400);
    const text = await request(`${api}/enqueue`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'http://example.com/' });
    expect(text.status).toBe(415);
  });
});

describe('sources, schedules, runs, stats', () => {
  it('GET /api/v1/sources gives counts, last run and the declared schedule', async () => {
    const r = await request(`${api}/sources`);
    expect(r.status).toBe(200);
    const byKey = new Map(r.body.items.map((s: { key: string }) => [s.key, s]));
    expect(byKey.get(SOURCE)).toMatchObject({ key: SOURCE, articles: 11, parserProfile: 'islamtimes' });
    expect((byKey.get(SOURCE) as { lastRun: { runId: string } }).lastRun.runId).toMatch(/^[a-f0-9]{16}$/);
    expect(byKey.get('islamtimes')).toMatchObject({ schedule: { source: 'islamtimes', every: '30m' } });
  });

  it('GET /api/v1/schedules lists schedules; pause/resume answer (501 until the scheduler is wired)', async () => {
    const r = await request(`${api}/schedules`);
    expect(r.status).toBe(200);
    expect(r.body.items).toContainEqual(expect.objectContaining({ source: 'islamtimes', every: '30m' }));
    const pause = await request(`${api}/schedules/islamtimes/pause`, { method: 'POST' });
    expect(pause.status).toBe(501);
    expect(pause.body.message).toMatch(/scheduler/);
    const bad = await request(`${api}/schedules/BAD!/pause`, { method: 'POST' });
    expect(bad.status).toBe(400);
    const unknown = await request(`${api}/schedules/nosuchsource/run`, { method: 'POST' });
    expect(unknown.status).toBe(404);
  });

  it('schedule routes call the ScheduleService they are given', async () => {
    const calls: string[] = [];
    const info = (source: string, paused: boolean): ScheduleInfo => ({
      source, every: '1h', cron: null, tz: null, enabled: true, paused, nextRunAt: null, lastRunId: null, lastRunAt: null, lastRunStatus: null, lastRun: null, state: paused ? 'paused' : 'active',
    });
    const fake: ScheduleService = {
      listSchedules: async () => [info('fake', false)],
      runNow: async (s) => (calls.push(`run ${s}`), { runId: 'fakerun1' }),
      pause: async (s) => (calls.push(`pause ${s}`), info(s, true)),
      resume: async (s) => (calls.push(`resume ${s}`), info(s, false)),
    };
    const other = await serve(ctx, { schedules: fake });
    try {
      const u = `${other.url}/api/v1`;
      expect((await request(`${u}/schedules`)).body.items[0]).toMatchObject({ source: 'fake', state: 'active' });
      expect((await request(`${u}/schedules/fake/pause`, { method: 'POST' })).body).toMatchObject({ paused: true, state: 'paused' });
      expect((await request(`${u}/schedules/fake/resume`, { method: 'POST' })).body).toMatchObject({ paused: false });
      const run = await request(`${u}/schedules/fake/run`, { method: 'POST' });
      expect(run.status).toBe(202);
      expect(run.body).toMatchObject({ runId: 'fakerun1' });
      expect(calls).toEqual(['pause fake', 'resume fake', 'run fake']);
    } finally {
      await other.close();
    }
  });

  it("with the scheduler's services: pause/resume, run now, and CrawlRun rows for API runs", async () => {
    const wired = await serve(ctx, { schedules: scheduleService(ctx), crawlRuns: crawlRunService(ctx) });
    try {
      const u = `${wired.url}/api/v1`;
      const paused = await request(`${u}/schedules/islamtimes/pause`, { method: 'POST' });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ source: 'islamtimes', paused: true, state: 'paused' });
      const page = await request(`${wired.url}/sources`, { headers: { accept: 'text/html' } });
      expect(page.text).toMatch(/every 30m <span class="badge warn">paused<\/span>/);
      expect(page.text).toContain('action="/sources/islamtimes/resume"');
      const resumed = await request(`${u}/schedules/islamtimes/resume`, { method: 'POST' });
      expect(resumed.status).toBe(200);
      expect(resumed.body).toMatchObject({ paused: false });
      // A source without a schedule: the scheduler's 409 comes through with its reason.
      const none = await request(`${u}/schedules/${SOURCE}/pause`, { method: 'POST' });
      expect(none.status).toBe(409);
      expect(none.body.message).toContain('has no schedule');

      const r = await request(`${u}/enqueue`, { method: 'POST', json: { urls: [site.articleUrl(25)], source: SOURCE } });
      expect(r.status).toBe(202);
      const detail = await request(`${u}/runs/${r.body.runId}`);
      expect(detail.body.crawlRun).toMatchObject({ runId: r.body.runId, source: SOURCE, trigger: 'api' });
      await waitForApiRun(ctx, r.body.runId);
      const list = await request(`${u}/runs?source=${SOURCE}`);
      expect(list.body.items[0]).toMatchObject({ runId: r.body.runId, trigger: 'api' });
    } finally {
      await wired.close();
    }
  });

  it('GET /api/v1/runs/:runId is 404 for unknown runs and 400 for malformed ids', async () => {
    expect((await request(`${api}/runs/0000000000000000`)).status).toBe(404);
    expect((await request(`${api}/runs/${encodeURIComponent('a b')}`)).status).toBe(400);
  });

  it('GET /api/v1/stats gives queue counts and totals', async () => {
    const r = await request(`${api}/stats`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.queues)).toEqual(expect.arrayContaining(['load', 'fetch', 'parse']));
    expect(r.body.queues.parse).toMatchObject({ waiting: expect.any(Number), failed: expect.any(Number), completed: expect.any(Number) });
    expect(r.body.bySource[SOURCE]).toBe(await ctx.db.article.count({ where: { source: { key: SOURCE } } }));
    expect(r.body.pages.parsed).toBeGreaterThanOrEqual(11);
  });
});

describe('failed pages', () => {
  it('lists every failure of a URL, grouped by error prefix (API and page)', async () => {
    site.setError(site.articlePath(30), 404);
    for (let i = 0; i < 2; i++) {
      const r = await request(`${api}/enqueue`, { method: 'POST', json: { urls: [site.articleUrl(30)], source: SOURCE } });
      expect(r.status).toBe(202);
      await waitForApiRun(ctx, r.body.runId);
    }
    const r = await request(`${api}/pages/failed?source=${SOURCE}&url=${encodeURIComponent(site.articleUrl(30))}`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
    expect(r.body.items.every((p: { failuresOfUrl: number; httpStatus: number; prefix: string }) => p.failuresOfUrl === 2 && p.httpStatus === 404 && p.prefix === 'http-status 404')).toBe(true);
    expect(r.body.groups).toContainEqual(expect.objectContaining({ prefix: 'http-status 404', pages: 2, urls: 1 }));

    const page = await request(`${server.url}/pages/failed?source=${SOURCE}&prefix=${encodeURIComponent('http-status 404')}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const rows = page.text.split('<tr>').filter((row) => row.includes(site.articlePath(30)));
    expect(rows).toHaveLength(2);
  });

  it('filters by the start of an error, in any case, and pages through the failures', async () => {
    const all = await request(`${api}/pages/failed?source=${SOURCE}&prefix=HTTP-status`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThanOrEqual(2);
    expect(all.body.items.every((p: { prefix: string }) => p.prefix.startsWith('http-status'))).toBe(true);
    const none = await request(`${api}/pages/failed?source=${SOURCE}&prefix=robots-nothing`);
    expect(none.body.total).toBe(0);
    const first = await request(`${api}/pages/failed?source=${SOURCE}&prefix=http&limit=1`);
    const second = await request(`${api}/pages/failed?source=${SOURCE}&prefix=http&limit=1&offset=1`);
    expect(first.body.items).toHaveLength(1);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    const page = await request(`${server.url}/pages/failed?source=${SOURCE}&prefix=http&limit=1`, { headers: { accept: 'text/html' } });
    expect(page.text).toMatch(/<nav class="pager"[^>]*>[\s\S]*offset=1/);
  });
});

describe('dashboard wording', () => {
  const asHtml = { headers: { accept: 'text/html' } };

  it('error pages keep the navigation and name the bad field as a user sees it', async () => {
    const r = await request(`${server.url}/articles?since=yesterday`, asHtml);
    expect(r.status).toBe(400);
    expect(r.text).toContain('<nav>');
    expect(r.text).toMatch(/<a href="\/articles" class="active"/);
    expect(r.text).toMatch(/<b>since<\/b> in the address: <span class="error-text">must be a date/);
    expect(r.text).not.toContain('query.since');
    const missing = await request(`${server.url}/runs/nosuchrun/extra`, asHtml);
    expect(missing.status).toBe(404);
    expect(missing.text).toMatch(/<a href="\/runs" class="active"/);
  });

  it('the queue form takes one URL per line; a line with a space is refused whole', async () => {
    const home = await request(`${server.url}/`, asHtml);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.text)![1];
    const line = `${site.articleUrl(31)} ${site.articleUrl(32)}`;
    const form = new URLSearchParams({ _csrf: csrf, urls: `${line}\r\n`, source: SOURCE });
    const r = await request(`${server.url}/enqueue`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    expect(r.status).toBe(400);
    const refused = r.text.split('<tr>').filter((row) => row.includes('error-text'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain(line);
    expect(refused[0]).toContain('one URL per line');
  });

  it("a crawl of URLs given without --source counts as their source's last run", async () => {
    const { runId } = await seedRun(ctx, [site.articleUrl(33)], { scope: { maxDepth: 0 } });
    await recordRun(ctx, { runId, source: null, trigger: 'cli' });
    const counts = await waitForRun(ctx.runs, runId, (c) => c.pending <= 0, () => {}, 50);
    await finalizeRun(ctx, runId, { counts });
    const sources = await request(`${api}/sources`);
    const mine = sources.body.items.find((x: { key: string }) => x.key === SOURCE);
    expect(mine.lastRun).toMatchObject({ runId, status: 'finished' });
    const runs = await request(`${api}/runs?source=${SOURCE}`);
    expect(runs.body.items[0]).toMatchObject({ runId, source: SOURCE, trigger: 'cli', status: 'finished' });
  });

  it('runs have one status vocabulary; a run asked for but not started shows as queued', async () => {
    const list = await request(`${api}/runs?source=${SOURCE}`);
    const statuses = new Set(list.body.items.map((r: { status: string }) => r.status));
    expect([...statuses].every((s) => ['queued', 'running', 'finished', 'failed', 'skipped'].includes(s as string))).toBe(true);
    expect(statuses.has('finished')).toBe(true);
    const runs = await request(`${server.url}/runs?source=${SOURCE}`, asHtml);
    expect(runs.text).not.toMatch(/badge[^"]*">done</);

    // No crawl worker runs in this file, so a "run now" stays queued.
    const wired = await serve(ctx, { schedules: scheduleService(ctx), crawlRuns: crawlRunService(ctx) });
    let runId: string | undefined;
    try {
      const r = await request(`${wired.url}/api/v1/schedules/islamtimes/run`, { method: 'POST' });
      expect(r.status).toBe(202);
      runId = r.body.runId as string;
      const detail = await request(`${wired.url}/api/v1/runs/${runId}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ runId, status: 'queued', source: 'islamtimes', done: false });
      const page = await request(`${wired.url}/runs/${runId}`, asHtml);
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/badge warn">queued</);
      expect(page.text).toContain('http-equiv="refresh"');
    } finally {
      if (runId) await ctx.queues.crawl.remove(`run-${runId}`);
      await wired.close();
    }
  });
});

describe('pages are escaped and locked down', () => {
  it('sets CSP, nosniff and frame-ancestors on pages', async () => {
    for (const path of ['/', '/articles', '/sources', '/runs', '/pages/failed']) {
      const r = await request(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/html');
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.text).not.toMatch(/<script/i);
    }
  });

  it('never puts scraped markup into a page', async () => {
    const src = await ctx.db.source.findUniqueOrThrow({ where: { key: SOURCE } });
    const evil = '<script>alert("t")</script><img src=x onerror=alert(1)>';
    await storeArticle(
      ctx.db,
      src.id,
      {
        storyCode: 'xss-1', title: `Title ${evil}`, lead: `Lead ${evil}`, body: [`Para one ${evil}`, '<b>not bold</b> "quoted" & more'],
        author: `<i>author</i>`, tags: ['<tag>'], url: 'javascript:alert(1)', imageUrl: 'javascript:alert(2)',
        related: [{ title: `rel ${evil}`, url: 'javascript:alert(3)', snippet: evil }], featured: [{ title: 'feat', url: 'https://example.org/?a="b"&c=<d>', date: '2024-01-01' }],
        origins: {}, warnings: [], publishedAt: new Date('2024-01-02T00:00:00Z'),
      },
      null,
    );
    const page = await request(`${server.url}/articles/${SOURCE}/xss-1`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/<script|<img|<b>|<i>|<tag>|href="javascript:/i);
    expect(page.text).toContain('<span class="muted">javascript:alert(1)</span>');
    expect(page.text).toContain('Title &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).toContain('<p>&lt;b&gt;not bold&lt;/b&gt; &quot;quoted&quot; &amp; more</p>');
    expect(page.text).toContain('href="https://example.org/?a=%22b%22&amp;c=%3Cd%3E"');
    const list = await request(`${server.url}/articles?q=onerror`, { headers: { accept: 'text/html' } });
    expect(list.text).toContain('xss-1');
    expect(list.text).not.toMatch(/<script|<img/i);
    await ctx.db.article.deleteMany({ where: { storyCode: 'xss-1' } });
  });

  it('shows an archived page only as sanitised HTML', async () => {
    const pageRow = await ctx.db.page.findFirstOrThrow({ where: { source: { key: SOURCE }, status: 'parsed', contentHash: { not: null } } });
    const r = await request(`${server.url}/pages/${pageRow.id}`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    expect(r.text).toContain('Sanitised preview');
    expect(r.text).not.toMatch(/<script|<style|<img|<iframe|<form[^>]*action="http| on\w+=/i);
  });

  it('answers unknown pages and API paths with 404 in the right format', async () => {
    const html = await request(`${server.url}/nope`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toContain('text/html');
    const json = await request(`${api}/nope`);
    expect(json.status).toBe(404);
    expect(json.body.error).toBe('not found');
  });
});

describe('OpenAPI', () => {
  it('documents the API at /docs/json and serves Swagger UI at /docs', async () => {
    const r = await request(`${server.url}/docs/json`);
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(r.body.paths);
    for (const p of ['/api/v1/enqueue', '/api/v1/articles', '/api/v1/articles/{source}/{storyCode}', '/api/v1/sources', '/api/v1/runs', '/api/v1/runs/{runId}', '/api/v1/schedules', '/api/v1/schedules/{source}/pause', '/api/v1/stats', '/healthz']) {
      expect(paths, p).toContain(p);
    }
    expect(paths.some((p) => p.startsWith('/admin/queues'))).toBe(false);
    const params = r.body.paths['/api/v1/articles'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['q', 'source', 'since', 'until', 'limit', 'offset']));
    expect(r.body.paths['/api/v1/enqueue'].post.requestBody.content['application/json'].schema.required).toEqual(['urls']);
    const ui = await request(`${server.url}/docs/`, { headers: { accept: 'text/html' } });
    expect([200, 302]).toContain(ui.status);
  });
});
