// Jobs that reach the queues from outside newspipe's own enqueue paths (the queue board's "add
// job" and "edit data", or any Redis client) cannot do more than an API-submitted URL: a fetch
// job cannot reach a loopback address, a load job cannot name its own root. Against real
// `newspipe serve` and `newspipe work` processes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { boardAllows } from '../../src/server/dashboard/queues.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { CliProcess, startWorker, waitFor, workerEnv } from '../reliability/harness.js';
import { request } from './helpers.js';

let ctx: AppContext;
let site: http.Server;
let siteUrl: string;
let siteHits = 0;
const procs: CliProcess[] = [];

const PAGE = '<html><head><title>Loopback only</title></head><body><article><h1>Loopback only</h1>'
  + '<p>This page is served on loopback and must never be fetched through a job the board added. '.repeat(5) + '</p></article></body></html>';

async function startServe(env: Record<string, string>): Promise<string> {
  const p = new CliProcess(['serve', '--port', '0'], workerEnv(ctx.config.NEWSPIPE_QUEUE_PREFIX, { NEWSPIPE_TOKEN: '', ...env }));
  procs.push(p);
  const line = await p.waitForLog(/^dashboard and API on /, 30_000);
  const url = String(line.url);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return url;
}

beforeAll(async () => {
  ctx = await testContext();
  site = http.createServer((req, res) => {
    siteHits++;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  procs.push(await startWorker(workerEnv(ctx.config.NEWSPIPE_QUEUE_PREFIX)));
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await new Promise((r) => site?.close(r));
  await ctx?.db.page.deleteMany({ where: { OR: [{ url: { startsWith: siteUrl } }, { path: '/etc/passwd' }] } });
  await disposeContext(ctx);
});

describe('the queue board', () => {
  it('allows retry, promote and remove, and nothing that makes or edits job data, by default', () => {
    for (const r of ['/api/queues/fetch/retry/failed', '/api/queues/fetch/abc/retry', '/api/queues/fetch/promote', '/api/queues/fetch/abc/promote',
      '/api/queues/fetch/clean/completed', '/api/queues/fetch/abc/clean', '/api/queues/fetch/pause', '/api/queues/resume']) {
      expect(boardAllows('safe', 'PUT', r), r).toBe(true);
      expect(boardAllows('none', 'PUT', r), r).toBe(false);
    }
    for (const [m, r] of [['POST', '/api/queues/fetch/add'], ['PATCH', '/api/queues/fetch/abc/update-data'], ['PATCH', '/api/queues/fetch/abc/delay'],
      ['PUT', '/api/queues/fetch/empty'], ['PUT', '/api/queues/fetch/obliterate'], ['PATCH', '/api/queues/crawl/job-schedulers/s1'],
      ['PUT', '/api/queues/crawl/job-schedulers/s1/run'], ['PUT', '/api/queues/fetch/concurrency'], ['POST', '/api/queues/fetch/add/']] as const) {
      expect(boardAllows('safe', m, r), `${m} ${r}`).toBe(false);
      expect(boardAllows('all', m, r), `${m} ${r}`).toBe(true);
    }
  });

  it('refuses to add a job or edit its data unless NEWSPIPE_BOARD_WRITE=all', async () => {
    const url = await startServe({});
    const add = await request(`${url}/admin/queues/api/queues/fetch/add`, { method: 'POST', json: { name: 'fetch', data: { url: `${siteUrl}/a`, depth: 0, scope: { maxDepth: 0 } } } });
    expect(add.status).toBe(403);
    expect(JSON.stringify(add.body)).toMatch(/NEWSPIPE_BOARD_WRITE=safe/);
    const job = await ctx.queues.load.add('load', { root: '/tmp', path: '/tmp/x.html' }, { delay: 3_600_000 });
    const edit = await request(`${url}/admin/queues/api/queues/load/${job.id}/update-data`, { method: 'PATCH', json: { jobData: { root: '/', path: '/etc/passwd' } } });
    expect(edit.status).toBe(403);
    expect((await ctx.queues.load.getJob(job.id!))!.data).toMatchObject({ root: '/tmp' });
    // what stays: looking, and removing a job
    expect((await request(`${url}/admin/queues/api/queues`)).status).toBe(200);
    expect((await request(`${url}/admin/queues/api/queues/load/${job.id}/clean`, { method: 'PUT' })).status).toBeLessThan(300);
    expect(await ctx.queues.load.getJob(job.id!)).toBeUndefined();
    expect(siteHits).toBe(0);
  });
});

describe('jobs added from outside, with every board action allowed', () => {
  let url: string;
  beforeAll(async () => {
    url = await startServe({ NEWSPIPE_BOARD_WRITE: 'all' });
  }, 60_000);

  it('a fetch job without scope.external is still refused a loopback address', async () => {
    const add = await request(`${url}/admin/queues/api/queues/fetch/add`, {
      method: 'POST',
      json: { name: 'fetch', data: { url: `${siteUrl}/news/1`, depth: 0, scope: { maxDepth: 0 } }, options: { attempts: 1 } },
    });
    expect(add.status).toBe(200);
    const id = add.body.job.id as string;
    const job = await waitFor('the injected fetch job to finish', async () => {
      const j = await ctx.queues.fetch.getJob(id);
      return j && (j.finishedOn ? j : null);
    }, 30_000);
    expect(job.failedReason).toMatch(/blocked-address|private|loopback/i);
    expect(siteHits).toBe(0);
    expect(await ctx.db.article.count({ where: { url: { startsWith: siteUrl } } })).toBe(0);
  });

  it('a load job that names its own root reads nothing outside NEWSPIPE_LOAD_ROOTS', async () => {
    const add = await request(`${url}/admin/queues/api/queues/load/add`, {
      method: 'POST', json: { name: 'load', data: { root: '/', path: '/etc/passwd' } },
    });
    expect(add.status).toBe(200);
    const id = add.body.job.id as string;
    const job = await waitFor('the injected load job to finish', async () => {
      const j = await ctx.queues.load.getJob(id);
      return j && (j.finishedOn ? j : null);
    }, 30_000);
    expect(job.failedReason).toMatch(/not queued by newspipe/);
    const pages = await ctx.db.page.findMany({ where: { path: '/etc/passwd' }, select: { id: true, status: true } });
    for (const p of pages) {
      expect(p.status).toBe('failed');
      const shown = await request(`${url}/pages/${p.id}`);
      expect(String(shown.body)).not.toMatch(/root:x:0:0/);
    }
  });

  it('an edited job cannot widen itself either: a queued fetch job pointed at loopback is refused', async () => {
    const job = await ctx.queues.fetch.add('fetch', { url: 'http://public.invalid/', depth: 0, scope: { maxDepth: 0, external: true } }, { delay: 60_000, attempts: 1 });
    const edit = await request(`${url}/admin/queues/api/queues/fetch/${job.id}/update-data`, {
      method: 'PATCH', json: { jobData: { url: `${siteUrl}/news/2`, depth: 0, scope: { maxDepth: 0 } } },
    });
    expect(edit.status).toBe(200);
    await (await ctx.queues.fetch.getJob(job.id!))!.promote();
    const done = await waitFor('the edited fetch job to finish', async () => {
      const j = await ctx.queues.fetch.getJob(job.id!);
      return j && (j.finishedOn ? j : null);
    }, 30_000);
    expect(done.data.url).toBe(`${siteUrl}/news/2`);
    expect(done.failedReason).toMatch(/blocked-address|private|loopback/i);
    expect(siteHits).toBe(0);
  });
});
