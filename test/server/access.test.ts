// Who may use the server: the token (Bearer, ?token= -> cookie), loopback-only without a token,
// same-origin changes, the refusal to serve a public interface without a token, and the
// address check of URLs enqueued over the API (without NEWSPIPE_ALLOW_PRIVATE_URLS).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import type { ResolveAll } from '../../src/fetch/address-guard.js';
import { startServer, type RunningServer } from '../../src/server/app.js';
import { checkServerAccess, isLoopbackHost, ServerConfigError, SESSION_COOKIE, tokenMatches } from '../../src/server/auth.js';
import { buildProgram } from '../../src/cli/main.js';
import { CliError } from '../../src/cli/shared.js';
import { projectRoot } from '../../src/paths.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { getWithHost, request, serve, removeSource } from './helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
let ctx: AppContext;

beforeAll(async () => {
  ctx = await testContext(); // NEWSPIPE_ALLOW_PRIVATE_URLS unset: the address guard is on
  expect(ctx.config.NEWSPIPE_ALLOW_PRIVATE_URLS).toBe(false);
});

afterAll(async () => {
  if (ctx) await removeSource(ctx, 'public.test');
  await disposeContext(ctx);
});

describe('what may listen where', () => {
  it('knows loopback names and addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST.', 'app.localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses a public interface without a token, and weak tokens', () => {
    expect(() => checkServerAccess({ host: '0.0.0.0' })).toThrow(/refusing to serve .* on 0\.0\.0\.0 without a token.*NEWSPIPE_TOKEN/);
    expect(() => checkServerAccess({ host: '::', token: '' })).toThrow(ServerConfigError);
    expect(() => checkServerAccess({ host: '0.0.0.0', token: 'short' })).toThrow(/too short/);
    expect(() => checkServerAccess({ host: '0.0.0.0', token: 'has spaces in the token!!' })).toThrow(/printable ASCII/);
    expect(() => checkServerAccess({ host: '0.0.0.0', token: TOKEN })).not.toThrow();
    expect(() => checkServerAccess({ host: '127.0.0.1' })).not.toThrow();
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
  });

  it('startServer refuses 0.0.0.0 without a token and serves it with one (token required)', async () => {
    await expect(startServer(ctx, { host: '0.0.0.0', port: 0, token: null })).rejects.toThrow(/without a token/);
    const s = await startServer(ctx, { host: '0.0.0.0', port: 0, token: TOKEN });
    try {
      const port = new URL(s.url).port;
      expect((await request(`http://127.0.0.1:${port}/api/v1/stats`)).status).toBe(401);
      expect((await request(`http://127.0.0.1:${port}/api/v1/stats`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('says so when the port is taken', async () => {
    const first = await serve(ctx);
    try {
      const port = Number(new URL(first.url).port);
      await expect(startServer(ctx, { host: '127.0.0.1', port, token: null })).rejects.toThrow(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      await first.close();
    }
  });

  it('`newspipe serve --host 0.0.0.0` without NEWSPIPE_TOKEN fails with a one-line reason', async () => {
    const saved = process.env.NEWSPIPE_TOKEN;
    delete process.env.NEWSPIPE_TOKEN;
    try {
      const err = await buildProgram().parseAsync(['node', 'newspipe', 'serve', '--host', '0.0.0.0', '--port', '0']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as Error).message).toMatch(/refusing to serve the dashboard and API on 0\.0\.0\.0 without a token/);
    } finally {
      if (saved !== undefined) process.env.NEWSPIPE_TOKEN = saved;
    }
  });

  it('`newspipe serve --port 0` serves until SIGTERM', async () => {
    const code = "const m = await import('./src/cli/main.ts'); await m.main(['node', 'newspipe', 'serve', '--port', '0']);";
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: projectRoot(),
      env: { ...process.env, NEWSPIPE_QUEUE_PREFIX: ctx.config.NEWSPIPE_QUEUE_PREFIX, LOG_LEVEL: 'info', NEWSPIPE_PRETTY_LOGS: '0', NEWSPIPE_TOKEN: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 25_000);
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (c) => reject(new Error(`serve exited with ${c}: ${stderr}`)));
    });
    const health = await request(`${url}/healthz`);
    expect(health.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('with a token', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await serve(ctx, { token: TOKEN });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('needs it everywhere but /healthz', async () => {
    expect((await request(`${s.url}/healthz`)).status).toBe(200);
    for (const path of ['/api/v1/stats', '/api/v1/articles', '/metrics', '/docs/json', '/admin/queues/api/queues']) {
      const r = await request(`${s.url}${path}`);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('www-authenticate')).toContain('Bearer');
      expect(r.body.error, path).toBe('unauthorized');
    }
    for (const path of ['/', '/articles', '/admin/queues']) {
      const r = await request(`${s.url}${path}`, { headers: { accept: 'text/html' } });
      expect(r.status, path).toBe(401);
      expect(r.text).toContain('Token required');
      expect(r.text).toContain('name="token"');
    }
  });

  it('takes it as a Bearer token, compared exactly', async () => {
    expect((await request(`${s.url}/api/v1/stats`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await request(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await request(`${s.url}/api/v1/stats`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await request(`${s.url}/api/v1/stats`, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
  });

  it('?token= once sets an HttpOnly SameSite=Strict cookie and redirects without the token', async () => {
    expect((await request(`${s.url}/articles?token=wrong-token-0123456789`, { headers: { accept: 'text/html' } })).status).toBe(401);
    const r = await request(`${s.url}/articles?q=x&token=${TOKEN}`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/articles?q=x');
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]+; Path=/; HttpOnly; SameSite=Strict`));
    expect(cookie).not.toContain(TOKEN);
    const jar = cookie.split(';')[0];
    for (const path of ['/articles?q=x', '/admin/queues', '/admin/queues/api/queues', '/api/v1/stats']) {
      expect((await request(`${s.url}${path}`, { headers: { cookie: jar, accept: 'text/html' } })).status, path).toBe(200);
    }
    expect((await request(`${s.url}/`, { headers: { cookie: `${SESSION_COOKIE}=forged`, accept: 'text/html' } })).status).toBe(401);
  });

  it('refuses changes from another origin even with the token', async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example', 'content-type': 'application/json' };
    const r = await request(`${s.url}/api/v1/enqueue`, { method: 'POST', headers, body: JSON.stringify({ urls: ['https://example.com/'] }) });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/cross-origin/);
    const site = await request(`${s.url}/api/v1/enqueue`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(site.status).toBe(403);
  });
});

describe('without a token (loopback)', () => {
  let s: RunningServer;
  const resolveAll: ResolveAll = async (host) => {
    const table: Record<string, string> = { 'public.test': '93.184.216.34', 'internal.test': '192.168.1.5', 'rebind.test': '127.0.0.1' };
    if (!table[host]) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address: table[host], family: 4 }];
  };
  beforeAll(async () => {
    s = await serve(ctx, { resolveAll });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers only to loopback Host names (no DNS rebinding)', async () => {
    const port = new URL(s.url).port;
    expect((await request(`${s.url}/api/v1/stats`)).status).toBe(200);
    expect((await getWithHost(`${s.url}/api/v1/stats`, `localhost:${port}`)).status).toBe(200);
    expect((await getWithHost(`${s.url}/api/v1/stats`, `[::1]:${port}`)).status).toBe(200);
    const r = await getWithHost(`${s.url}/api/v1/stats`, `evil.example:${port}`);
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/not a loopback name/);
    // Health checks come from anywhere.
    expect((await getWithHost(`${s.url}/healthz`, 'probe.internal')).status).toBe(200);
  });

  it('dashboard forms need the CSRF field of a page it served', async () => {
    const r = await request(`${s.url}/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'urls=https%3A%2F%2Fexample.com%2F',
    });
    expect(r.status).toBe(403);
    expect(r.text).toContain('out of date');
  });

  it('refuses URLs that are or resolve to private, loopback or link-local addresses, with the reason per URL', async () => {
    const bad = [
      'http://127.0.0.1:8080/admin',
      'http://localhost/x',
      'http://[::1]/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/x',
      'http://2130706433/x',
      'http://internal.test/news/1',
      'http://rebind.test/news/1',
      'http://user:secret@public.test/news/1',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://nonexistent.test/x',
    ];
    const r = await request(`${s.url}/api/v1/enqueue`, { method: 'POST', json: { urls: [...bad, 'http://public.test/news/1'] } });
    expect(r.status).toBe(400);
    const reasons = new Map<string, string>(r.body.refused.map((x: { url: string; reason: string }) => [x.url, x.reason]));
    expect([...reasons.keys()].sort()).toEqual([...bad].sort());
    expect(reasons.get('http://127.0.0.1:8080/admin')).toMatch(/loopback/);
    expect(reasons.get('http://localhost/x')).toMatch(/local machine/);
    expect(reasons.get('http://[::1]/x')).toMatch(/loopback/);
    expect(reasons.get('http://10.1.2.3/x')).toMatch(/private/);
    expect(reasons.get('http://169.254.169.254/latest/meta-data/')).toMatch(/link-local/);
    expect(reasons.get('http://[fe80::1]/x')).toMatch(/link-local/);
    expect(reasons.get('http://2130706433/x')).toMatch(/loopback/);
    expect(reasons.get('http://internal.test/news/1')).toMatch(/resolves to 192\.168\.1\.5 \(private\)/);
    expect(reasons.get('http://rebind.test/news/1')).toMatch(/resolves to 127\.0\.0\.1 \(loopback\)/);
    expect(reasons.get('http://user:secret@public.test/news/1')).toMatch(/credentials/);
    expect(reasons.get('file:///etc/passwd')).toMatch(/only http and https/);
    expect(reasons.get('javascript:alert(1)')).toMatch(/only http and https/);
    expect(reasons.get('http://nonexistent.test/x')).toMatch(/cannot resolve/);
    expect(await ctx.queues.fetch.count()).toBe(0);

    // A public URL alone is queued (as an external URL: the fetch stage checks it again at connect time).
    const ok = await request(`${s.url}/api/v1/enqueue`, { method: 'POST', json: { urls: ['http://public.test/news/1'] } });
    expect(ok.status).toBe(202);
    expect(ok.body.result.queued).toBe(1);
    const [job] = await ctx.queues.fetch.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(job.data).toMatchObject({ url: 'http://public.test/news/1', scope: { external: true, maxDepth: 0 } });
  });
});
