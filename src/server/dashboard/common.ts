// Shared by the dashboard pages: sending a page, reading forms, the CSRF field, small widgets.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { ServerEnv } from '../app.js';
import { html, type SafeHtml } from '../html.js';
import { layout, type LayoutOptions } from './layout.js';
import { HttpError } from '../validation.js';

export function sendPage(reply: FastifyReply, o: LayoutOptions, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(layout(o).value);
}

export type FormBody = Record<string, string | string[]>;

/** application/x-www-form-urlencoded -> fields (repeated names become arrays). */
export function parseForm(text: string): FormBody {
  const out: FormBody = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export const field = (b: FormBody | undefined, name: string): string | undefined => {
  const v = b?.[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Query values with empty strings dropped (an empty form field means "not given"). */
export function nonEmpty(q: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((q as Record<string, unknown>) ?? {})) if (v !== '' && v !== undefined) out[k] = v;
  return out;
}

export function csrfField(env: ServerEnv): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${env.csrf}">`;
}

export function checkCsrf(env: ServerEnv, body: FormBody | undefined): void {
  const given = Buffer.from(field(body, '_csrf') ?? '');
  const want = Buffer.from(env.csrf);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new HttpError(403, 'this form is out of date (the server restarted?): reload the page and submit it again');
  }
}

export function badge(text: string | null | undefined, kind: '' | 'ok' | 'bad' | 'warn' = ''): SafeHtml {
  if (!text) return html`<span class="muted">—</span>`;
  return html`<span class="badge ${kind}">${text}</span>`;
}

/** The form that queues URLs (POST /enqueue). */
export function enqueueForm(env: ServerEnv, sources: string[], values: { urls?: string; source?: string; depth?: number; refresh?: boolean } = {}): SafeHtml {
  return html`<form class="enqueue" method="post" action="/enqueue" aria-label="Queue URLs">
    ${csrfField(env)}
    <label>URLs to fetch (one per line)
      <textarea name="urls" required placeholder="https://www.example.com/en/news/123456/story">${values.urls ?? ''}</textarea>
    </label>
    <label>Source
      <select name="source">
        <option value="">by host</option>
        ${sources.map((s) => html`<option value="${s}"${s === values.source ? html` selected` : ''}>${s}</option>`)}
      </select>
    </label>
    <label>Depth <input type="number" name="depth" min="0" max="5" value="${values.depth ?? 0}" class="narrow"></label>
    <label>Refresh <input type="checkbox" name="refresh"${values.refresh ? html` checked` : ''}></label>
    <button type="submit">Queue</button>
  </form>`;
}
