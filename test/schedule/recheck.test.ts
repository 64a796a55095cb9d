// Recent stories are re-checked on every run with conditional GET: unchanged ones answer 304
// and cost nothing more; a changed one is fetched, parsed and stored as a new revision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { startWorkers, type WorkerSet } from '../../src/runtime/workers.js';
import { runNow } from '../../src/schedule/service.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { declare, fixtureDef, runEnded, storyRequests } from './helpers.js';

let ctx: AppContext;
let workers: WorkerSet;
let site: FixtureSite;
const KEY = 'sched-recheck';
const N = 15;

beforeAll(async () => {
  // Stories published over the last ~30 hours: all inside a 48 h re-check window.
  site = await createFixtureSite({ articles: N, pageSize: 20, targetPageBytes: 0, startDate: new Date(Date.now() - 30 * 3600_000), gapMinutes: [20, 60] });
  ctx = await testContext({ NEWSPIPE_FETCH_CONCURRENCY: '16', NEWSPIPE_PARSE_CONCURRENCY: '4' });
  workers = startWorkers(ctx);
  await declare(ctx, fixtureDef(site, KEY, { recheck: { window: '48h', limit: 10 } }));
});

afterAll(async () => {
  await workers?.close();
  await disposeContext(ctx);
  await site?.close();
});

const run = async () => runEnded(ctx, (await runNow(ctx, KEY)).runId);
const newest = (n: number) => Array.from({ length: n }, (_, k) => site.articlePath(N - 1 - k)).sort();

describe('re-checking recent stories', () => {
  it('the first run stores the stories', async () => {
    const r = await run();
    expect(r).toMatchObject({ status: 'finished', new: N, rechecked: 0 });
  });

  it('the next run asks for the newest `limit` stories with conditional GET: all 304, nothing parsed', async () => {
    site.stats.reset();
    const r = await run();
    expect(r).toMatchObject({ status: 'finished', new: 0, updated: 0, unchanged: 10, rechecked: 10, fetched: 0, notModified: 11, failed: 0 });
    expect(storyRequests(site)).toEqual(newest(10));
    const stories = site.stats.log.filter((e) => e.path.includes('/en/news/'));
    expect(stories.every((e) => e.conditional && e.status === 304)).toBe(true);
  });

  it('a story that changed on the site becomes a new revision', async () => {
    // What the site shows now differs from what was stored, and its ETag is not the one we have.
    const url = site.articleUrl(N - 1);
    const art = await ctx.db.article.findFirstOrThrow({ where: { source: { key: KEY }, storyCode: site.storyCode(N - 1) } });
    await ctx.db.article.update({ where: { id: art.id }, data: { title: 'An earlier title', contentHash: 'earlier' } });
    await ctx.db.page.updateMany({ where: { url, etag: { not: null } }, data: { etag: '"earlier"', lastModified: null } });

    site.stats.reset();
    const r = await run();
    expect(r).toMatchObject({ status: 'finished', new: 0, updated: 1, unchanged: 9, rechecked: 10, fetched: 1, failed: 0 });
    const after = await ctx.db.article.findUniqueOrThrow({ where: { id: art.id }, include: { revisions: true } });
    expect(after.revision).toBe(2);
    expect(after.title).toBe(site.expected(N - 1).title);
    expect(after.revisions.map((v) => [v.revision, v.title])).toEqual([[1, 'An earlier title']]);
    expect(site.stats.log.filter((e) => e.status === 200).map((e) => e.path)).toEqual([site.articlePath(N - 1)]);
  });

  it('`recheck.window: 0` turns re-checks off', async () => {
    await ctx.db.source.update({ where: { key: KEY }, data: { config: { ...fixtureDef(site, KEY, { recheck: { window: '0' } }) } } });
    site.stats.reset();
    const r = await run();
    expect(r).toMatchObject({ status: 'finished', rechecked: 0, unchanged: 0 });
    expect(storyRequests(site)).toEqual([]);
  });
});
