// The queue board in headless Chromium asks nothing of other origins (its HTML links Google
// Fonts, which the CSP refuses), so it loads without CSP violations.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { AppContext } from '../../src/runtime/context.js';
import type { RunningServer } from '../../src/server/app.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { request, serve } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`;

if (missing) {
  describe('queue board assets in a browser', () => {
    it.skip(`skipped: ${missing}`, () => {});
  });
}

describe.skipIf(missing !== null)('queue board assets in a browser', () => {
  let ctx: AppContext;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    ctx = await testContext();
    server = await serve(ctx);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (ctx) await disposeContext(ctx);
  });

  it('the board HTML links nothing outside the server', async () => {
    const res = await request(`${server.url}/admin/queues`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('static/css/');
    expect(res.text).not.toMatch(/\b(?:href|src)="(?:https?:)?\/\//i);
  });

  it('every request of the board goes to its own origin and the CSP refuses nothing', async () => {
    const origin = new URL(server.url).origin;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    // Refused loads need not reach page.on('request'); the page's own violation events do.
    await page.addInitScript(() => {
      const g = globalThis as unknown as { __csp: string[]; document: { addEventListener(t: string, f: (e: { violatedDirective: string; blockedURI: string }) => void): void } };
      g.__csp = [];
      g.document.addEventListener('securitypolicyviolation', (e) => g.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });

    const violations: string[] = [];
    for (const path of ['/admin/queues', '/admin/queues/queue/fetch?status=failed']) {
      await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
      await page.getByText('fetch', { exact: true }).first().waitFor({ timeout: 10_000 });
      await page.waitForFunction(() => !(globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes('Loading'), null, { timeout: 10_000 });
      for (const v of await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp)) violations.push(`${path}: ${v}`);
    }

    expect(requests.length).toBeGreaterThan(3);
    expect({
      foreignRequests: requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin),
      cspConsoleErrors: consoleErrors.filter((t) => /Content Security Policy/i.test(t)),
      violations,
    }).toEqual({ foreignRequests: [], cspConsoleErrors: [], violations: [] });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
