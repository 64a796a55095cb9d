// GET /sources: each source with its schedule, last run and article count; buttons to run a
// source now and to pause/resume its schedule (POST /sources/:key/run|pause|resume).
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { listSources, type RunStatus } from '../data.js';
import { runStatus } from './runs.js';
import { externalLink, fmtDate, fmtNumber, html, qs } from '../html.js';
import { parseWith, sourceKey } from '../validation.js';
import { badge, checkCsrf, csrfField, sendPage, type FormBody } from './common.js';
import type { ScheduleInfo } from '../schedules.js';

const DONE: Record<string, string> = { paused: 'Schedule paused', resumed: 'Schedule resumed' };

function scheduleCell(s: ScheduleInfo | null) {
  if (!s) return html`<span class="muted">none</span>`;
  const what = s.every ? `every ${s.every}` : `cron ${s.cron}${s.tz ? ` (${s.tz})` : ''}`;
  const state = s.paused || s.state === 'paused' ? badge('paused', 'warn') : s.state === 'active' ? badge('active', 'ok') : badge('declared');
  return html`${what} ${state}${s.nextRunAt ? html`<br><span class="muted">next ${fmtDate(s.nextRunAt)}</span>` : ''}`;
}

export const sourcesPage: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  const { ctx, services } = env;

  app.get('/sources', async (req, reply) => {
    const sources = await listSources(ctx, services);
    const q = req.query as { done?: string; source?: string };
    const flash = q.done && DONE[q.done] && q.source ? { kind: 'ok' as const, text: `${DONE[q.done]}: ${q.source}` } : null;
    const action = (key: string, name: 'run' | 'pause' | 'resume', label: string, secondary = true) =>
      html`<form class="inline" method="post" action="/sources/${key}/${name}">${csrfField(env)}<button type="submit"${secondary ? html` class="secondary"` : ''}>${label}</button></form>`;
    const body = html`
      <h1>Sources</h1>
      <table>
        <thead><tr><th>source</th><th>site</th><th>parser</th><th>schedule</th><th>last run</th><th>last article seen</th><th class="num">articles</th><th></th></tr></thead>
        <tbody>${sources.map(
          (s) => html`<tr>
            <td><b>${s.key}</b><br><span class="muted">${s.name}</span> ${s.enabled ? '' : badge('disabled', 'warn')}</td>
            <td class="wrap">${externalLink(s.baseUrl)}</td>
            <td>${s.parserProfile}<br><span class="muted">${s.timezone}</span></td>
            <td>${scheduleCell(s.schedule)}</td>
            <td class="nowrap">${s.lastRun ? html`<a class="mono" href="/runs/${s.lastRun.runId}">${s.lastRun.runId}</a><br><span class="muted">${fmtDate(s.lastRun.at)}</span>${s.lastRun.status ? html` ${runStatus(s.lastRun.status as RunStatus)}` : ''}` : html`<span class="muted">never</span>`}</td>
            <td class="nowrap">${fmtDate(s.lastArticleAt)}</td>
            <td class="num"><a href="/articles${qs({ source: s.key })}">${fmtNumber(s.articles)}</a></td>
            <td class="nowrap">
              ${action(s.key, 'run', 'Run now', false)}
              ${!s.schedule || s.schedule.state === 'declared'
                ? '' // not registered with the scheduler: nothing to pause
                : s.schedule.paused || s.schedule.state === 'paused'
                  ? action(s.key, 'resume', 'Resume')
                  : action(s.key, 'pause', 'Pause')}
            </td>
          </tr>`,
        )}</tbody>
      </table>`;
    return sendPage(reply, { title: 'Sources', body, nav: '/sources', flash });
  });

  for (const name of ['run', 'pause', 'resume'] as const) {
    app.post(`/sources/:source/${name}`, async (req, reply) => {
      checkCsrf(env, req.body as FormBody | undefined);
      const source = parseWith(sourceKey, (req.params as { source: string }).source, 'path');
      if (name === 'run') {
        const { runId } = await services.schedules.runNow(source);
        ctx.log.info({ source, runId }, 'source run started from the dashboard');
        return reply.redirect(`/runs/${encodeURIComponent(runId)}`, 303);
      }
      await (name === 'pause' ? services.schedules.pause(source) : services.schedules.resume(source));
      ctx.log.info({ source, action: name }, 'schedule changed from the dashboard');
      return reply.redirect(`/sources${qs({ done: name === 'pause' ? 'paused' : 'resumed', source })}`, 303);
    });
  }
};
