// Every command's failure paths, as a user meets them: a separate process that must exit
// promptly (under 2 s of its own work; the limit here leaves room for a loaded machine) with a
// non-zero code and one line on stderr naming the reason, never a stack trace.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/main.js';

const ROOT = path.join(__dirname, '../..');
const PREFIX = `nptest-fail-${randomUUID().slice(0, 8)}`;
const LIMIT_MS = 6_000;

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/newspipe.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NEWSPIPE_QUEUE_PREFIX: PREFIX, LOG_LEVEL: 'warn', NEWSPIPE_PRETTY_LOGS: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

const missingDb = { DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/newspipe_missing_${randomUUID().slice(0, 8)}` };

const CASES: [string, string[], Record<string, string>, RegExp][] = [
  ['crawl: unknown source', ['crawl', 'https://news.example/', '--source', 'nosuch'], {}, /^newspipe: unknown source "nosuch"/],
  ['crawl: --concurrency 0', ['crawl', 'https://news.example/', '--concurrency', '0'], {}, /--concurrency must be a whole number from 1 up, got "0"/],
  ['crawl: --max-pages 0', ['crawl', 'https://news.example/', '--max-pages', '0'], {}, /--max-pages must be a whole number from 1 up/],
  ['crawl: not a URL', ['crawl', 'javascript:alert(1)'], {}, /only http and https/],
  ['enqueue: unknown source', ['enqueue', 'https://news.example/', '--source', 'nosuch'], {}, /unknown source "nosuch"/],
  ['articles: unknown source', ['articles', '--source', 'nosuch'], {}, /^newspipe: unknown source "nosuch"/],
  ['articles: bad --since', ['articles', '--since', 'yesterday'], {}, /--since must be an ISO 8601/],
  ['sources sync: missing file', ['sources', 'sync', '--file', 'missing.yaml'], {}, /missing\.yaml: no such file/],
  ['parse: missing file', ['parse', 'missing.html'], {}, /^newspipe: missing\.html: no such file/],
  ['load: missing folder', ['load', '/definitely/not/here'], {}, /^newspipe: \/definitely\/not\/here: no such file or folder/],
  ['reparse: unknown source', ['reparse', '--source', 'nosuch'], {}, /unknown source "nosuch"/],
  ['schedule run: unknown source', ['schedule', 'run', 'nosuch'], {}, /unknown source "nosuch"/],
  ['work: unknown queue', ['work', '--queues', 'nosuch'], {}, /unknown queue nosuch/],
  ['serve: bad port', ['serve', '--port', '99999'], {}, /--port must be a whole number from 0 to 65535/],
  ['start: sources file with a typo, before migrating', ['start', '--sources', 'typo.yaml', '--no-serve'], missingDb, /typo\.yaml: no such file/],
  ['stats: database not created', ['stats'], missingDb, /database "newspipe_missing_\w+" does not exist .*newspipe migrate/],
  ['work: database not created', ['work'], missingDb, /does not exist .*newspipe migrate/],
  ['stats: Redis database out of range', ['stats'], { REDIS_URL: 'redis://127.0.0.1:6379/45' }, /has no database 45/],
  ['stats: Redis unreachable', ['stats'], { REDIS_URL: 'redis://127.0.0.1:1' }, /cannot reach Redis at 127\.0\.0\.1:1/],
  ['stats: bad configuration', ['stats'], { NEWSPIPE_FETCH_CONCURRENCY: 'lots' }, /NEWSPIPE_FETCH_CONCURRENCY/],
];

describe('failure paths of every command', () => {
  it.each(CASES)('%s: one line, non-zero, prompt', async (_name, args, env, message) => {
    const r = await run(args, env);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.code, r.stderr).not.toBeNull();
    expect(r.ms, r.stderr).toBeLessThan(LIMIT_MS);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unexpected failure is one line, and its stack only with --verbose', () => {
    const err = new Error('something odd\nsecond line');
    const plain = describeFailure(err, false);
    expect(plain.split('\n')).toHaveLength(1);
    expect(plain).toBe('something odd (run with --verbose for details)');
    const verbose = describeFailure(err, true);
    expect(verbose).toContain('at ');
    expect(verbose.split('\n').length).toBeGreaterThan(2);
  });
});
