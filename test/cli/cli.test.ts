// The `newspipe` command as users run it: a separate process, real Postgres and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';

const ROOT = path.join(__dirname, '../..');
const PREFIX = `nptest-cli-${randomUUID().slice(0, 8)}`;

function run(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/newspipe.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NEWSPIPE_QUEUE_PREFIX: PREFIX, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let site: FixtureSite;
beforeAll(async () => {
  // Other test files store (and revise) the seed story in the same database: start without it.
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  await db.query(`DELETE FROM "Article" WHERE "storyCode" = '967483' AND "sourceId" IN (SELECT id FROM "Source" WHERE key = 'islamtimes')`);
  await db.end();
  const sync = await run(['sources', 'sync']);
  expect(sync.code, sync.stderr).toBe(0);
  site = await createFixtureSite({ articles: 15, targetPageBytes: 0 });
});

afterAll(async () => {
  await site?.close();
  const redis = new Redis(process.env.REDIS_URL!);
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('newspipe CLI', () => {
  it('load seeds/ twice leaves exactly one article 967483 with the right fields', async () => {
    const first = await run(['load', 'seeds/']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/loaded 1 file\(s\): (1 new|0 new, \d+ updated|0 new, 0 updated, 1 unchanged)/);
    const second = await run(['load', 'seeds/']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 new, 0 updated, 1 unchanged, 0 failed');

    const out = await run(['articles', '--source', 'islamtimes', '--format', 'jsonl']);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const matches = lines.filter((a) => a.storyCode === '967483');
    expect(matches).toHaveLength(1);
    const a = matches[0];
    expect(a).toMatchObject({
      source: 'islamtimes',
      title: 'Biden-Putin Meeting: Starts with “Greetings Mr President”, Ends with Ukraine’s Tension',
      publishedAt: '2021-12-08T07:35:00.000Z',
      revision: 1,
    });
    expect(a.body.split('\n\n')).toHaveLength(11);
    expect(a.related).toHaveLength(1);
    expect(a.related[0]).toEqual({ title: expect.stringMatching(/^Biden Ahead of Putin Meeting/), url: null, snippet: expect.stringMatching(/^In a statement/) });
    expect(a.featured).toHaveLength(13);
    expect(a.featured[12]).toEqual({ title: "Report: US Sends Forces to Syria's Hasakah to Train Blacklisted Kurdish Militants", url: null, date: '2021-12-05' });
    for (const k of ['url', 'lead', 'author', 'tags', 'imageUrl', 'wordCount']) expect(a).toHaveProperty(k);
  });

  it('load --enqueue-only leaves the jobs for `newspipe work`', async () => {
    const q = await run(['load', '--enqueue-only', 'seeds/000_dfeb03326fbda3cc.txt']);
    expect(q.code).toBe(0);
    expect(q.stdout).toMatch(/queued 1 file\(s\) as run [0-9a-f]+/);
    const stats = await run(['stats', '--format', 'json']);
    const s = JSON.parse(stats.stdout);
    expect(s.queues.load.waiting).toBe(1);
    // A worker process takes it and stops cleanly on SIGTERM.
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/newspipe.js'), 'work'], {
      cwd: ROOT, env: { ...process.env, NEWSPIPE_QUEUE_PREFIX: PREFIX, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    const deadline = Date.now() + 30_000;
    while (!/article stored/.test(log) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(log).toMatch(/"outcome":"unchanged"/);
    // Log lines carry the job id, the page and the source.
    const line = JSON.parse(log.split('\n').find((l) => l.includes('article stored'))!);
    expect(line).toMatchObject({ queue: 'parse', source: 'islamtimes' });
    expect(line.jobId).toBeTruthy();
    expect(line.url).toMatch(/000_dfeb03326fbda3cc\.txt$/);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(log).toMatch(/workers stopped/);
  });

  it('parse prints the article as JSON without a database', async () => {
    const out = await run(['parse', 'seeds/000_dfeb03326fbda3cc.txt'], { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
    expect(out.code, out.stderr).toBe(0);
    const a = JSON.parse(out.stdout);
    expect(a).toMatchObject({ storyCode: '967483', publishedAt: '2021-12-08T07:35:00.000Z', source: 'islamtimes' });
    expect(a.featured).toHaveLength(13);
  });

  it('crawl fetches a site and prints totals', async () => {
    const out = await run(['crawl', site.listingUrl(1), '--depth', '1', '--processes', '2']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/crawl [0-9a-f]+ finished in [\d.]+ s: fetched 16, new 15, updated 0, unchanged 0, skipped as known 0, failed 0/);
    const again = await run(['crawl', site.listingUrl(1), '--depth', '1']);
    expect(again.stdout).toMatch(/new 0, .*failed 0/);
  });

  it('fails with a one-line reason: bad config, unreachable services, bad arguments', async () => {
    const bad = await run(['stats'], { REDIS_URL: 'http://nope', NEWSPIPE_FETCH_CONCURRENCY: 'lots' });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/REDIS_URL="http:\/\/nope" must be a URL starting with redis:\/\//);
    expect(bad.stderr).toMatch(/NEWSPIPE_FETCH_CONCURRENCY/);

    const pg = await run(['stats'], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/newspipe' });
    expect(pg.code).toBe(1);
    expect(pg.stderr).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1 .*docker compose up -d postgres/);

    const redis = await run(['stats'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(redis.code).toBe(1);
    expect(redis.stderr).toMatch(/cannot reach Redis at 127\.0\.0\.1:1/);

    // a database the server does not have: refused, not run against database 0
    for (const cmd of [['stats'], ['work']]) {
      const db = await run(cmd, { REDIS_URL: 'redis://127.0.0.1:6379/20' });
      expect(db.code, cmd[0]).toBe(1);
      expect(db.stderr.trim().split('\n'), cmd[0]).toHaveLength(1);
      expect(db.stderr).toMatch(/Redis at 127\.0\.0\.1:6379 has no database 20 \(ERR DB index is out of range\)/);
    }

    const missing = await run(['load', '/definitely/not/here']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('newspipe: /definitely/not/here: no such file or folder');

    const url = await run(['crawl', 'javascript:alert(1)']);
    expect(url.code).toBe(1);
    expect(url.stderr).toMatch(/only http and https/);
  });

  it('every command has --help', async () => {
    for (const cmd of ['migrate', 'work', 'load', 'crawl', 'enqueue', 'articles', 'parse', 'reparse', 'stats', 'sources', 'start']) {
      const h = await run([cmd, '--help']);
      expect(h.code, cmd).toBe(0);
      expect(h.stdout).toMatch(/Usage: newspipe/);
    }
  });
});
