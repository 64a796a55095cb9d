// Server tests: a running server on 127.0.0.1 (port 0) over a test context, and small HTTP helpers.
import type { AppContext } from '../../src/runtime/context.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/app.js';
import { waitForRun } from '../../src/queues/runs.js';

export async function serve(ctx: AppContext, opts: ServerOptions = {}): Promise<RunningServer> {
  return startServer(ctx, { host: '127.0.0.1', port: 0, token: null, ...opts });
}

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function request<T = any>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Res<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(url, { redirect: 'manual', ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  const text = await res.text();
  let body: any = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) body = text ? JSON.parse(text) : null;
  return { status: res.status, headers: res.headers, body, text };
}

/** Polls GET /api/v1/runs/:runId until the run is done (nothing pending). */
export async function waitForApiRun(ctx: AppContext, runId: string, timeoutMs = 20_000) {
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`run ${runId} not done in ${timeoutMs} ms`)), timeoutMs).unref());
  return Promise.race([waitForRun(ctx.runs, runId, (c) => c.queued > 0 && c.pending <= 0, () => {}, 50), timer]);
}

export async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** GET with any Host header (fetch does not let a caller set Host). */
export async function getWithHost(url: string, host: string): Promise<{ status: number; body: any }> {
  const { request: httpRequest } = await import('node:http');
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: (res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Deletes a source the test created, with its articles and pages: sources are found by host
 * (every fixture site is on 127.0.0.1), so one left behind would claim other test files' URLs.
 */
export async function removeSource(ctx: AppContext, key: string): Promise<void> {
  await ctx.db.article.deleteMany({ where: { source: { key } } });
  await ctx.db.page.deleteMany({ where: { source: { key } } });
  await ctx.db.source.deleteMany({ where: { key } });
}
