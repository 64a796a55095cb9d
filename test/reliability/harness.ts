// Fault-test harness: newspipe CLI processes, a private redis-server, a TCP proxy in front of
// Postgres, and the checks every reliability test makes ("nothing lost, nothing duplicated").
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import type { RunCounts } from '../../src/queues/runs.js';
import type { FixtureSite } from '../fixture-site/index.js';

export const ROOT = path.join(__dirname, '../..');
export const CLI = path.join(ROOT, 'bin/newspipe.js');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A queue prefix of its own for one test (may carry a Redis Cluster hash tag). */
export function uniquePrefix(tag: string, hashTag = false): string {
  const p = `nprel-${tag}-${randomUUID().slice(0, 8)}`;
  return hashTag ? `{${p}}` : p;
}

/** Polls `fn` until it returns a truthy value; fails with `what` (and `detail()`) after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs: number, opts: { intervalMs?: number; detail?: () => string } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}${opts.detail ? `\n${opts.detail()}` : ''}`);
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

// ---------------------------------------------------------------- CLI processes

export interface LogLine {
  level?: number;
  msg?: string;
  [k: string]: unknown;
}

/** A `node bin/newspipe.js …` child process with its output captured. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitedAt: number | null = null;

  constructor(readonly args: string[], env: Record<string, string | undefined>) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', NEWSPIPE_PRETTY_LOGS: '0', ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.stdout += d));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitedAt = Date.now();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exitedAt === null;
  }

  /** JSON log lines so far (pino, on stderr). */
  logs(): LogLine[] {
    const out: LogLine[] = [];
    for (const l of this.stderr.split('\n')) {
      if (!l.startsWith('{')) continue;
      try {
        out.push(JSON.parse(l));
      } catch {
        /* a line being written */
      }
    }
    return out;
  }

  logsWith(msg: string | RegExp): LogLine[] {
    return this.logs().filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg ?? ''))));
  }

  async waitForLog(msg: string | RegExp, timeoutMs = 30_000): Promise<LogLine> {
    const found = await waitFor(`log "${msg}" from newspipe ${this.args.join(' ')}`, () => {
      if (!this.running) throw new Error(`process exited early:\n${this.tail()}`);
      return this.logsWith(msg)[0];
    }, timeoutMs, { detail: () => this.tail() });
    return found;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Sends SIGKILL if it is still running and waits for the exit. */
  async stop(): Promise<void> {
    this.kill('SIGKILL');
    await this.exited;
  }

  tail(lines = 30): string {
    return `--- ${this.args.join(' ')} (pid ${this.child.pid}) stderr tail:\n${this.stderr.split('\n').slice(-lines).join('\n')}\n--- stdout:\n${this.stdout.slice(-2000)}`;
  }
}

/** Runs a CLI command to completion. */
export async function runCli(args: string[], env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = new CliProcess(args, { LOG_LEVEL: 'warn', ...env });
  const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout, stderr: p.stderr };
}

/** `newspipe work` with the given environment; resolves once its workers run. */
export async function startWorker(env: Record<string, string | undefined>, args: string[] = []): Promise<CliProcess> {
  const p = new CliProcess(['work', ...args], env);
  await p.waitForLog('workers running', 30_000);
  return p;
}

// ---------------------------------------------------------------- network

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * A private redis-server on a free port, its data in a temp folder. With `persist`, every write
 * is appended to an AOF and fsynced before the reply, so even SIGKILL loses nothing acknowledged.
 */
export class RedisServer {
  proc: ChildProcess | null = null;
  private constructor(readonly port: number, readonly dir: string, readonly persist: boolean) {}

  static async start(opts: { persist: boolean }): Promise<RedisServer> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'newspipe-redis-'));
    const s = new RedisServer(await freePort(), dir, opts.persist);
    await s.up();
    return s;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const args = [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '',
      '--maxmemory-policy', 'noeviction', '--protected-mode', 'no', '--daemonize', 'no', '--loglevel', 'warning',
      ...(this.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    this.proc = proc;
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await waitFor('redis-server to answer', async () => {
        if (proc.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
        await probe.connect().catch(() => {});
        return (await probe.ping()) === 'PONG';
      }, 10_000, { intervalMs: 50 });
      // Loading the AOF answers PING with -LOADING; wait until it is done.
      await waitFor('redis-server to load its data', async () => /loading:0/.test(await probe.info('persistence')), 10_000, { intervalMs: 50 });
    } finally {
      probe.disconnect();
    }
  }

  /** Kills the server (SIGKILL: no chance to save anything that was not already on disk). */
  async down(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await gone;
    this.proc = null;
  }

  async close(): Promise<void> {
    await this.down();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A TCP proxy (node:net) in front of Postgres. `down()` closes every connection and refuses new
 * ones (the port is closed: ECONNREFUSED); `up()` listens again on the same port.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  connections = 0;
  private constructor(readonly port: number, readonly targetPort: number, readonly targetHost: string) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const p = new TcpProxy(await freePort(), targetPort, targetHost);
    await p.up();
    return p;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** Same database, through the proxy. */
  url(databaseUrl: string, params: Record<string, string> = {}): string {
    const u = new URL(databaseUrl);
    u.host = `127.0.0.1:${this.port}`;
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  }
}

// ---------------------------------------------------------------- runs and checks

/** Waits until a run has nothing pending. */
export async function waitForRunDone(ctx: AppContext, runId: string, timeoutMs: number, detail?: () => string): Promise<RunCounts> {
  let last: RunCounts | undefined;
  await waitFor(`run ${runId} to finish`, async () => {
    last = await ctx.runs.counts(runId);
    return last.pending <= 0 && last.queued > 0;
  }, timeoutMs, { intervalMs: 200, detail: () => `counts: ${JSON.stringify(last)}\n${detail?.() ?? ''}` });
  return last!;
}

export async function queueCounts(ctx: AppContext) {
  const out: Record<string, Record<string, number>> = {};
  for (const [name, q] of Object.entries(ctx.queues)) {
    out[name] = await q.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'failed', 'completed');
  }
  return out;
}

export interface IngestReport {
  articles: number;
  missing: string[];
  /** Stories with more than one Page whose parse created them (outcome 'new'). */
  createdTwice: string[];
  /** Articles with a revision > 1 or revision rows (nothing changed on the site). */
  revised: string[];
  /** Articles whose stored links differ from the page's related + featured stories. */
  wrongLinks: string[];
  /** Pages archived but never parsed (status 'stored'). */
  strandedPages: number;
  failedPages: { url: string | null; error: string | null }[];
  /** Article URLs requested more than once from the site (at-least-once fetching). */
  refetched: string[];
}

/** Everything the site holds, checked against what the pipeline stored for `sourceKey`. */
export async function ingestReport(ctx: AppContext, site: FixtureSite, sourceKey: string, indices: number[]): Promise<IngestReport> {
  const rows = await ctx.db.article.findMany({
    where: { source: { key: sourceKey } },
    select: { storyCode: true, revision: true, _count: { select: { links: true, revisions: true } } },
  });
  const byCode = new Map(rows.map((r) => [r.storyCode, r]));
  const missing: string[] = [];
  const revised: string[] = [];
  const wrongLinks: string[] = [];
  for (const i of indices) {
    const want = site.expected(i);
    const got = byCode.get(want.storyCode);
    if (!got) {
      missing.push(want.storyCode);
      continue;
    }
    if (got.revision !== 1 || got._count.revisions) revised.push(want.storyCode);
    if (got._count.links !== want.related.length + want.featured.length) wrongLinks.push(`${want.storyCode}: ${got._count.links} links, want ${want.related.length + want.featured.length}`);
  }
  const created = await ctx.db.page.groupBy({ by: ['storyCode'], where: { source: { key: sourceKey }, outcome: 'new' }, _count: { _all: true } });
  const failed = await ctx.db.page.findMany({ where: { source: { key: sourceKey }, status: 'failed' }, select: { url: true, error: true } });
  return {
    articles: rows.length,
    missing,
    createdTwice: created.filter((c) => c._count._all > 1).map((c) => String(c.storyCode)),
    revised,
    wrongLinks,
    strandedPages: await ctx.db.page.count({ where: { source: { key: sourceKey }, status: 'stored' } }),
    failedPages: failed,
    refetched: indices.map((i) => site.articlePath(i)).filter((p) => site.stats.count(p) > 1),
  };
}

/**
 * After a disruption: the whole site stored exactly once with its links, the run counted every
 * story and finished, and the fetch and parse queues drained with nothing failed.
 */
export async function expectCompleteIngest(ctx: AppContext, site: FixtureSite, sourceKey: string, n: number, counts: RunCounts): Promise<IngestReport> {
  const report = await ingestReport(ctx, site, sourceKey, [...Array(n).keys()]);
  expect(report).toMatchObject({ articles: n, missing: [], createdTwice: [], revised: [], wrongLinks: [], strandedPages: 0, failedPages: [] });
  expect(counts).toMatchObject({ new: n, failed: 0, pending: 0 });
  const q = await queueCounts(ctx);
  expect(q.fetch).toMatchObject({ active: 0, waiting: 0, failed: 0 });
  expect(q.parse).toMatchObject({ active: 0, waiting: 0, failed: 0 });
  return report;
}

/** Removes every key of a prefix from a Redis. */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix.replace(/[{}[\]*?\\]/g, '\\$&')}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } catch {
    /* the server is gone */
  } finally {
    r.disconnect();
  }
}

/** The environment every worker process of a test gets. */
export function workerEnv(prefix: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NEWSPIPE_QUEUE_PREFIX: prefix,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    NEWSPIPE_LOCK_DURATION_MS: '3000',
    NEWSPIPE_STALLED_INTERVAL_MS: '1000',
    NEWSPIPE_FETCH_CONCURRENCY: '4',
    NEWSPIPE_PARSE_CONCURRENCY: '4',
    NEWSPIPE_DB_POOL_SIZE: '4',
    ...extra,
  };
}
