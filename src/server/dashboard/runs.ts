// GET /runs (recent runs) and GET /runs/:runId (counters, failures, pages; reloads while pending).
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { getRun, listRuns, type RunStatus } from '../data.js';
import type { RunCounts } from '../../queues/runs.js';
import { fmtDate, fmtNumber, html, qs, type SafeHtml } from '../html.js';
import { parseWith, runIdSchema } from '../validation.js';
import { runsQuerySchema } from '../api/runs.js';
import { badge, nonEmpty, sendPage } from './common.js';

const SHOWN: (keyof RunCounts)[] = ['queued', 'pending', 'fetched', 'new', 'updated', 'unchanged', 'skipped', 'notModified', 'listings', 'failed', 'total'];

export function runCounters(c: RunCounts): SafeHtml {
  const parts = SHOWN.filter((k) => c[k]).map((k) => badge(`${k} ${fmtNumber(c[k])}`, k === 'failed' ? 'bad' : k === 'new' ? 'ok' : k === 'pending' ? 'warn' : ''));
  return parts.length ? html`${parts.map((p) => html`${p} `)}` : html`<span class="muted">no counters (expired or nothing queued)</span>`;
}

/** A run's status as a badge (data.ts's runStatusOf gives the word). */
export function runStatus(status: RunStatus): SafeHtml {
  return badge(status, status === 'failed' ? 'bad' : status === 'finished' ? 'ok' : status === 'skipped' ? '' : 'warn');
}

export const runsPage: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  const { ctx, services } = env;

  app.get('/runs', async (req, reply) => {
    const q = parseWith(runsQuerySchema, nonEmpty(req.query));
    const runs = await listRuns(ctx, services, q);
    const body = html`
      <h1>Runs</h1>
      <p class="muted">Crawl runs recorded by the scheduler, and every run (crawl, load, API) that brought in pages in the last 7 days.
        Counters live in Redis for 7 days.</p>
      ${q.source ? html`<p>Source <b>${q.source}</b> · <a href="/runs">all sources</a></p>` : ''}
      ${runs.length
        ? html`<table>
          <thead><tr><th>run</th><th>source</th><th>trigger</th><th>status</th><th>started</th><th>last activity</th><th class="num">pages</th><th>counters</th></tr></thead>
          <tbody>${runs.map(
            (r) => html`<tr>
              <td class="mono"><a href="/runs/${r.runId}">${r.runId}</a></td>
              <td>${r.source ? html`<a href="/runs${qs({ source: r.source })}">${r.source}</a>` : '—'}</td>
              <td>${r.trigger ?? '—'}</td>
              <td>${runStatus(r.status)}</td>
              <td class="nowrap">${fmtDate(r.startedAt)}</td>
              <td class="nowrap">${fmtDate(r.finishedAt ?? r.lastActivityAt)}</td>
              <td class="num">${fmtNumber(r.pages)}</td>
              <td>${runCounters(r.counts)}</td>
            </tr>`,
          )}</tbody></table>`
        : html`<p class="muted">No runs yet.</p>`}
      <nav class="pager">
        ${q.offset > 0 ? html`<a href="/runs${qs({ source: q.source, offset: Math.max(0, q.offset - q.limit) })}">← newer</a>` : ''}
        ${runs.length === q.limit ? html`<a href="/runs${qs({ source: q.source, offset: q.offset + q.limit })}">older →</a>` : ''}
      </nav>`;
    return sendPage(reply, { title: 'Runs', body, nav: '/runs' });
  });

  app.get('/runs/:runId', async (req, reply) => {
    const runId = parseWith(runIdSchema, (req.params as { runId: string }).runId, 'path');
    const run = await getRun(ctx, services, runId);
    if (!run) {
      return sendPage(reply, { title: 'Run not found', body: html`<h1>Run ${runId}</h1><p>Nothing is known about this run (counters are kept 7 days).</p>`, nav: '/runs' }, 404);
    }
    const queuedNow = Number((req.query as { queued?: string }).queued);
    const inProgress = run.status === 'queued' || run.status === 'running';
    const cr = run.crawlRun;
    const body = html`
      <h1>Run <span class="mono">${run.runId}</span> ${runStatus(run.status)}</h1>
      ${run.status === 'queued'
        ? html`<p class="muted">Queued${run.source ? html` for <b>${run.source}</b>` : ''}: it starts when a worker takes it (<span class="mono">newspipe start</span> or <span class="mono">newspipe work</span> must be running). This page reloads until then.</p>`
        : ''}
      ${Number.isFinite(queuedNow) && (req.query as { queued?: string }).queued !== undefined
        ? html`<p class="flash ok">Queued ${fmtNumber(queuedNow)} URL(s). ${inProgress ? 'This page reloads until the run is done.' : ''}</p>`
        : ''}
      <p>${runCounters(run.counts)}</p>
      ${cr
        ? html`<dl class="fields">
            <dt>source</dt><dd>${cr.source ?? '—'}</dd><dt>trigger</dt><dd>${cr.trigger ?? '—'}</dd>
            <dt>status</dt><dd>${cr.status ?? '—'}</dd><dt>started</dt><dd>${fmtDate(cr.startedAt)}</dd>
            <dt>finished</dt><dd>${fmtDate(cr.finishedAt)}</dd>${cr.error ? html`<dt>error</dt><dd class="error-text">${cr.error}</dd>` : ''}
          </dl>`
        : ''}
      <h2>Pages of this run</h2>
      <p>${Object.keys(run.pages).length
        ? Object.entries(run.pages).map(([k, n]) => html`${badge(`${k} ${fmtNumber(n)}`, k === 'failed' ? 'bad' : '')} `)
        : html`<span class="muted">none yet</span>`}
        ${run.pages.failed ? html` · <a href="/pages/failed">failed pages</a>` : ''}</p>
      <p><a href="/articles">Articles</a></p>
      <h2>Failures ${run.failures.length ? html`<span class="muted">(${run.failures.length}${run.failures.length >= 200 ? '+' : ''})</span>` : ''}</h2>
      ${run.failures.length
        ? html`<ul>${run.failures.map((f) => html`<li class="error-text mono">${f}</li>`)}</ul>`
        : html`<p class="muted">None.</p>`}`;
    return sendPage(reply, { title: `Run ${run.runId}`, body, nav: '/runs', refreshSeconds: inProgress ? 2 : undefined });
  });
};

