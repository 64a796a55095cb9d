// The dashboard in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
// the queue board renders the pipeline's queues, a URL queued from the articles page becomes an
// article on that page, hostile article content stays text, and a server with a token refuses
// the browser until it has the token. Screenshots go to /tmp/newspipe-screens/.
import { mkdirSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AppContext } from '../../src/runtime/context.js';
import { startWorkers, type WorkerSet } from '../../src/runtime/workers.js';
import { QUEUE } from '../../src/queues/jobs.js';
import { storeArticle } from '../../src/store/articles.js';
import type { RunningServer } from '../../src/server/app.js';
import { createFixtureSite, type FixtureSite } from '../fixture-site/index.js';
import { disposeContext, testContext } from '../helpers/env.js';
import { crawl, fixtureSource } from '../helpers/crawl.js';
import { serve, removeSource } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENS = process.env.NEWSPIPE_SCREENSHOTS ?? '/tmp/newspipe-screens';
const SOURCE = 'srvui';
const TOKEN = 'browser-token-0123456789abcdef';

let ctx: AppContext;
let workers: WorkerSet;
let site: FixtureSite;
let server: RunningServer;
let browser: Browser;

/** Text of the first element matching `selector`, once it is there. */
async function textOf(page: Page, selector: string): Promise<string> {
  const el = page.locator(selector).first();
  await el.waitFor({ timeout: 10_000 });
  return ((await el.textContent()) ?? '').trim();
}

/** Console errors of a page. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SCREENS, { recursive: true });
  site = await createFixtureSite({ articles: 20, pageSize: 10, targetPageBytes: 0, seed: 71 });
  ctx = await testContext({ NEWSPIPE_ALLOW_PRIVATE_URLS: '1' });
  await fixtureSource(ctx, site, SOURCE);
  workers = startWorkers(ctx, [QUEUE.fetch, QUEUE.parse]);
  await crawl(ctx, [0, 1, 2, 3, 4].map((i) => site.articleUrl(i)), { maxDepth: 0 }, SOURCE);
  // One story changed after it was first stored: the article page shows a revision.
  const src = await ctx.db.source.findUniqueOrThrow({ where: { key: SOURCE } });
  const e = site.expected(1);
  await storeArticle(ctx.db, src.id, { storyCode: e.storyCode, title: `${e.title} (corrected)`, lead: e.lead, body: [...e.body, 'Correction: an earlier version misstated a date.'], tags: e.tags, related: e.related, featured: e.featured, origins: {}, warnings: [], url: e.url, publishedAt: new Date(e.publishedAt), author: null, language: 'en' }, null);
  site.setError(site.articlePath(15), 404);
  await crawl(ctx, [site.articleUrl(15)], { maxDepth: 0 }, SOURCE);
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
  await workers?.close();
  if (ctx) await removeSource(ctx, SOURCE);
  await disposeContext(ctx);
  await site?.close();
});

describe('dashboard in a browser', () => {
  it('the queue board renders every queue of the pipeline', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchConsole(page);
    await page.goto(`${server.url}/admin/queues`);
    for (const name of Object.keys(ctx.queues)) await expect.poll(() => page.getByText(name, { exact: true }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByText('parse', { exact: true }).first().waitFor();
    await page.waitForFunction(() => !(globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes('Loading'), null, { timeout: 10_000 });
    await page.screenshot({ path: `${SCREENS}/queues.png`, fullPage: true });
    // A failed fetch job with its reason (the 404 crawled in beforeAll).
    await page.goto(`${server.url}/admin/queues/queue/fetch?status=failed`);
    await page.getByText(/HTTP 404 from/).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SCREENS}/queue-fetch-failed.png`, fullPage: true });
    // The board's own scripts run under our CSP.
    expect(errors).toEqual([]);
    await page.close();
  });

  it('overview, sources, runs and failed pages render without script errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchConsole(page);
    for (const [path, heading, shot] of [
      ['/', 'Overview', 'overview'],
      ['/sources', 'Sources', 'sources'],
      ['/runs', 'Runs', 'runs'],
      ['/pages/failed', 'Failed pages', 'failed-pages'],
    ] as const) {
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), path).toBe(200);
      expect(await textOf(page, 'h1')).toContain(heading);
      await page.screenshot({ path: `${SCREENS}/${shot}.png`, fullPage: true });
    }
    expect(await textOf(page, 'body')).toContain(site.articlePath(15));
    expect(await textOf(page, 'body')).toContain('http-status 404');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the API docs (Swagger UI) load under the CSP', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchConsole(page);
    await page.goto(`${server.url}/docs`);
    expect(await textOf(page, '.swagger-ui .info .title')).toContain('newspipe API');
    await page.getByText('/api/v1/enqueue').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SCREENS}/api-docs.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a URL queued from the articles page becomes an article on that page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchConsole(page);
    const want = site.expected(10);
    await page.goto(`${server.url}/articles`);
    await page.locator('form.enqueue textarea[name="urls"]').fill(site.articleUrl(10));
    await page.locator('form.enqueue select[name="source"]').selectOption(SOURCE);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/enqueue') && r.request().method() === 'POST'),
      page.locator('form.enqueue button[type="submit"]').click(),
    ]);
    expect(response.status(), await response.text().catch(() => '')).toBe(303);
    await page.waitForURL(/\/runs\/[a-f0-9]{16}/);
    expect(await textOf(page, '.flash')).toContain('Queued 1 URL');

    // The run page reloads itself until done; the article then shows up in a search.
    await expect
      .poll(
        async () => {
          await page.goto(`${server.url}/articles?source=${SOURCE}&q=${encodeURIComponent(want.title)}`);
          return page.getByRole('link', { name: want.title }).count();
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(1);
    await page.screenshot({ path: `${SCREENS}/articles-search.png`, fullPage: true });
    await page.getByRole('link', { name: want.title }).click();
    expect(await textOf(page, 'h1')).toBe(want.title);
    expect(await textOf(page, 'article.body p')).toBe(want.body[0]);
    expect(await page.locator('article.body p').count()).toBe(want.body.length);
    expect(await textOf(page, 'ul.links')).toContain(want.related[0].title);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an article page shows fields, text, links and revisions', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const e = site.expected(1);
    await page.goto(`${server.url}/articles?source=${SOURCE}`);
    await page.getByRole('link', { name: `${e.title} (corrected)` }).click();
    expect(await textOf(page, 'h1')).toBe(`${e.title} (corrected)`);
    expect(await textOf(page, 'dl.fields')).toContain(e.storyCode);
    expect(await textOf(page, 'details summary')).toContain(`Revision 1: ${e.title}`);
    await page.locator('details summary').click();
    expect(await textOf(page, 'details article.body p')).toBe(e.body[0]);
    await page.screenshot({ path: `${SCREENS}/article.png`, fullPage: true });
    await page.close();
  });

  it('hostile article content stays text: no script runs, no element is injected', async () => {
    const src = await ctx.db.source.findUniqueOrThrow({ where: { key: SOURCE } });
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    await storeArticle(ctx.db, src.id, {
      storyCode: 'hostile-1', title: `Hostile ${evil}`, lead: evil, body: [`First ${evil}`, '<iframe src="https://example.org"></iframe>'],
      tags: [], related: [{ title: evil, url: 'javascript:window.__pwned=3', snippet: evil }], featured: [], origins: {}, warnings: [],
    }, null);
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${server.url}/articles/${SOURCE}/hostile-1`);
    expect(await textOf(page, 'h1')).toBe(`Hostile ${evil}`);
    expect(await page.locator('main img, main script, main iframe').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
    await ctx.db.article.deleteMany({ where: { storyCode: 'hostile-1' } });
  });
});

describe('a server with a token, in a browser', () => {
  let guarded: RunningServer;
  beforeAll(async () => {
    guarded = await serve(ctx, { token: TOKEN });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  it('refuses the browser until it gives the token, then keeps it in an HttpOnly cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const res = await page.goto(`${guarded.url}/articles`);
    expect(res?.status()).toBe(401);
    expect(await textOf(page, 'h1')).toBe('Token required');
    const api = await page.request.get(`${guarded.url}/api/v1/stats`);
    expect(api.status()).toBe(401);

    await page.locator('input[name="token"]').fill(TOKEN);
    await page.locator('form.login button').click();
    await page.waitForURL(`${guarded.url}/articles`);
    expect(await textOf(page, 'h1')).toContain('Articles');
    const cookies = await context.cookies();
    expect(cookies).toContainEqual(expect.objectContaining({ name: 'newspipe_session', httpOnly: true, sameSite: 'Strict' }));
    expect(cookies.some((c) => c.value.includes(TOKEN))).toBe(false);

    await page.goto(`${guarded.url}/admin/queues`);
    await page.getByText('fetch', { exact: true }).first().waitFor({ timeout: 10_000 });
    await context.close();
  });
});
