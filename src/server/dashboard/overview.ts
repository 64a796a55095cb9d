// GET / : queues, totals, recent runs, and the form that queues URLs (POST /enqueue).
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { listRuns, stats } from '../data.js';
import { enqueueBodySchema, enqueueUrls, RefusedUrlsError } from '../enqueue.js';
import { fmtDate, fmtNumber, html, type SafeHtml } from '../html.js';
import { parseWith } from '../validation.js';
import { badge, checkCsrf, enqueueForm, field, sendPage, type FormBody } from './common.js';
import { runCounters } from './runs.js';

export const overviewPage: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  const { ctx, services } = env;

  app.get('/', async (_req, reply) => {
    const [s, runs, sources] = await Promise.all([
      stats(ctx),
      listRuns(ctx, services, { limit: 8, offset: 0 }),
      ctx.db.source.findMany({ select: { key: true }, orderBy: { key: 'asc' } }),
    ]);
    const pages = Object.values(s.pages).reduce((a, b) => a + b, 0);
    const card = (n: number, label: string, href?: string): SafeHtml =>
      html`<div class="card"><div class="n">${href ? html`<a href="${href}">${fmtNumber(n)}</a>` : fmtNumber(n)}</div><div class="l">${label}</div></div>`;
    const body = html`
      <h1>Overview</h1>
      <div class="cards">
        ${card(s.articles, 'articles stored', '/articles')}
        ${card(Object.keys(s.bySource).length, 'sources with articles', '/sources')}
        ${card(pages, 'pages fetched or loaded')}
        ${card(s.failedPages, 'failed pages', '/pages/failed')}
      </div>

      <h2>Queues <span class="muted">(prefix <code>${s.prefix}</code>; jobs, retries and logs in <a href="/admin/queues">the queue board</a>)</span></h2>
      <table>
        <thead><tr><th>queue</th><th class="num">waiting</th><th class="num">active</th><th class="num">delayed</th><th class="num">failed</th><th class="num">completed</th><th>state</th></tr></thead>
        <tbody>
        ${Object.entries(s.queues).map(
          ([name, c]) => html`<tr>
            <td><a href="/admin/queues/queue/${name}">${name}</a></td>
            <td class="num">${fmtNumber(c.waiting + c.prioritized + c['waiting-children'])}</td>
            <td class="num">${fmtNumber(c.active)}</td>
            <td class="num">${fmtNumber(c.delayed)}</td>
            <td class="num">${c.failed ? html`<a href="/admin/queues/queue/${name}?status=failed">${fmtNumber(c.failed)}</a>` : '0'}</td>
            <td class="num">${fmtNumber(c.completed)}</td>
            <td>${c.isPaused ? badge('paused', 'warn') : badge('running', 'ok')}</td>
          </tr>`,
        )}
        </tbody>
      </table>

      <h2>Queue URLs</h2>
      ${enqueueForm(env, sources.map((x) => x.key))}

      <h2>Recent runs <span class="muted"><a href="/runs">all runs</a></span></h2>
      ${runs.length
        ? html`<table>
            <thead><tr><th>run</th><th>source</th><th>last activity</th><th>counters</th></tr></thead>
            <tbody>${runs.map(
              (r) => html`<tr><td class="mono"><a href="/runs/${r.runId}">${r.runId}</a></td><td>${r.source ?? '—'}</td>
                <td class="nowrap">${fmtDate(r.lastActivityAt ?? r.startedAt)}</td><td>${runCounters(r.counts)}</td></tr>`,
            )}</tbody></table>`
        : html`<p class="muted">No runs in the last 7 days.</p>`}

      <h2>Pages by status</h2>
      <p>${Object.entries(s.pages).map(([k, n]) => html`${badge(`${k} ${fmtNumber(n)}`, k === 'failed' ? 'bad' : '')} `)}
        ${Object.keys(s.pages).length ? '' : html`<span class="muted">none yet</span>`}</p>`;
    return sendPage(reply, { title: 'Overview', body, nav: '/' });
  });

  // The enqueue form of the overview and articles pages: queue, then follow the run.
  app.post('/enqueue', async (req, reply) => {
    const form = req.body as FormBody | undefined;
    checkCsrf(env, form);
    const urlsText = field(form, 'urls') ?? '';
    const input = parseWith(
      enqueueBodySchema,
      {
        // One URL per line: a space inside a line belongs to its URL (the validator names it).
        urls: urlsText.split(/\r?\n/).map((l) => l.trim()).filter(Boolean),
        source: field(form, 'source') || undefined,
        depth: field(form, 'depth') ? Number(field(form, 'depth')) : undefined,
        refresh: field(form, 'refresh') === 'on' || field(form, 'refresh') === '1',
      },
      'form',
    );
    try {
      const out = await enqueueUrls(ctx, input, { trigger: 'dashboard', crawlRuns: services.crawlRuns, resolveAll: env.resolveAll });
      return reply.redirect(`/runs/${encodeURIComponent(out.runId)}?queued=${out.result.queued}`, 303);
    } catch (err) {
      if (!(err instanceof RefusedUrlsError)) throw err;
      const sources = await ctx.db.source.findMany({ select: { key: true }, orderBy: { key: 'asc' } });
      const body = html`<h1>URLs refused</h1>
        <p>Nothing was queued. Fix or remove these URLs and submit again:</p>
        <table><thead><tr><th>URL</th><th>reason</th></tr></thead><tbody>
        ${err.refused.map((r) => html`<tr><td class="wrap mono">${r.url}</td><td class="error-text">${r.reason}</td></tr>`)}
        </tbody></table>
        <h2>Queue URLs</h2>
        ${enqueueForm(env, sources.map((s) => s.key), { urls: urlsText, source: input.source, depth: input.depth, refresh: input.refresh })}`;
      return sendPage(reply, { title: 'URLs refused', body, nav: '/' }, 400);
    }
  });
};
