// GET /pages/failed: failed Page rows grouped by the start of their error, every failure listed
// (a URL that failed three times shows three rows, with its count). GET /pages/:id: one page's
// record and a sanitised preview of what was archived.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { failedPages, failureGroups } from '../data.js';
import { externalLink, fmtDate, fmtNumber, html, paragraphs, qs, sanitize } from '../html.js';
import { parseWith } from '../validation.js';
import { intFrom } from '../../config.js';
import { failedQuerySchema } from '../api/pages.js';
import { decodeBody, decodeWith } from '../../fetch/charset.js';
import { decompressContent } from '../../store/pages.js';
import { badge, nonEmpty, sendPage } from './common.js';
import { pager } from './layout.js';

const PREVIEW_BYTES = 512 * 1024;

export const pagesPage: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  const { ctx } = env;

  app.get('/pages/failed', async (req, reply) => {
    const q = parseWith(failedQuerySchema, nonEmpty(req.query));
    const [groups, list] = await Promise.all([failureGroups(ctx, q.source), failedPages(ctx, q)]);
    const totalFailed = groups.reduce((n, g) => n + g.pages, 0);
    const filter = { source: q.source, prefix: q.prefix, url: q.url };
    const body = html`
      <h1>Failed pages <span class="muted">${fmtNumber(totalFailed)}</span></h1>
      <p class="muted">Pages that could not be fetched, read or parsed. Every failure is listed; the last column counts all failures of the same URL.</p>
      ${q.source || q.prefix || q.url
        ? html`<p>Showing ${q.prefix ? html`errors <b>${q.prefix}</b> ` : ''}${q.source ? html`of source <b>${q.source}</b> ` : ''}${q.url ? html`of <span class="mono">${q.url}</span> ` : ''}· <a href="/pages/failed">show all</a></p>`
        : ''}
      <h2>By error</h2>
      ${groups.length
        ? html`<table><thead><tr><th>error</th><th class="num">failures</th><th class="num">distinct URLs</th><th>last</th></tr></thead><tbody>
            ${groups.map(
              (g) => html`<tr${g.prefix === q.prefix ? html` class="active"` : ''}>
                <td><a href="/pages/failed${qs({ source: q.source, prefix: g.prefix })}">${g.prefix}</a></td>
                <td class="num">${fmtNumber(g.pages)}</td><td class="num">${fmtNumber(g.urls)}</td><td class="nowrap">${fmtDate(g.last)}</td>
              </tr>`,
            )}</tbody></table>`
        : html`<p class="muted">No failed pages.</p>`}
      ${list.items.length
        ? html`<h2>Failures <span class="muted">${fmtNumber(list.total)}</span></h2>
          <table><thead><tr><th>when</th><th>page</th><th>URL or file</th><th>source</th><th>HTTP</th><th>error</th><th>run</th><th class="num">failures of URL</th></tr></thead><tbody>
          ${list.items.map(
            (p) => html`<tr>
              <td class="nowrap">${fmtDate(p.createdAt)}</td>
              <td><a href="/pages/${p.id}">#${p.id}</a></td>
              <td class="wrap mono">${p.url ? externalLink(p.url) : (p.path ?? '—')}</td>
              <td>${p.source ?? '—'}</td>
              <td>${p.httpStatus ?? '—'}</td>
              <td class="error-text">${p.error ?? '(no reason recorded)'}</td>
              <td class="mono">${p.runId ? html`<a href="/runs/${p.runId}">${p.runId}</a>` : '—'}</td>
              <td class="num">${p.failuresOfUrl > 1 && (p.url || p.path) ? html`<a href="/pages/failed${qs({ url: p.url ?? p.path })}">${p.failuresOfUrl}</a>` : p.failuresOfUrl}</td>
            </tr>`,
          )}</tbody></table>
          ${pager({ total: list.total, limit: q.limit, offset: q.offset, href: (offset) => `/pages/failed${qs({ ...filter, offset: offset || undefined })}` })}`
        : ''}`;
    return sendPage(reply, { title: 'Failed pages', body, nav: '/pages/failed' });
  });

  app.get('/pages/:id', async (req, reply) => {
    const id = parseWith(intFrom(1, 2 ** 31 - 1), (req.params as { id: string }).id, 'path');
    const page = await ctx.db.page.findUnique({ where: { id }, include: { source: { select: { key: true } }, content: true } });
    if (!page) return sendPage(reply, { title: 'Page not found', body: html`<h1>Not found</h1><p>No page #${id}.</p>`, nav: '/pages/failed' }, 404);
    let preview = html`<p class="muted">No content archived for this page.</p>`;
    if (page.content) {
      const raw = (await decompressContent(page.content.encoding, page.content.data)).subarray(0, PREVIEW_BYTES);
      const text = page.charset ? decodeWith(raw, page.charset) : decodeBody(raw, page.contentType).text;
      const isHtml = /html|xml/i.test(page.contentType ?? '') || /^\s*</.test(text);
      preview = isHtml
        ? html`<p class="muted">Sanitised preview: scripts, styles, images and forms removed; links are not followed.</p><article class="body">${sanitize(text)}</article>`
        : html`<article class="body">${paragraphs(text)}</article>`;
    }
    const articles = await ctx.db.article.findMany({ where: { pageId: id }, select: { storyCode: true, title: true, source: { select: { key: true } } } });
    const body = html`
      <h1>Page #${page.id} ${badge(page.status, page.status === 'failed' ? 'bad' : '')}</h1>
      <dl class="fields">
        <dt>origin</dt><dd>${page.origin}</dd>
        <dt>URL</dt><dd>${page.url ? externalLink(page.url) : '—'}</dd>
        ${page.finalUrl && page.finalUrl !== page.url ? html`<dt>final URL</dt><dd>${externalLink(page.finalUrl)}</dd>` : ''}
        ${page.path ? html`<dt>file</dt><dd class="mono">${page.path}</dd>` : ''}
        <dt>source</dt><dd>${page.source?.key ?? '—'}</dd>
        <dt>HTTP status</dt><dd>${page.httpStatus ?? '—'}</dd>
        <dt>content type</dt><dd>${page.contentType ?? '—'}${page.charset ? ` (${page.charset})` : ''}</dd>
        <dt>size</dt><dd>${page.size != null ? `${fmtNumber(page.size)} bytes` : '—'}</dd>
        <dt>outcome</dt><dd>${page.outcome ?? '—'}${page.storyCode ? html` · story <span class="mono">${page.storyCode}</span>` : ''}</dd>
        ${page.error ? html`<dt>error</dt><dd class="error-text">${page.error}</dd>` : ''}
        <dt>run</dt><dd class="mono">${page.runId ? html`<a href="/runs/${page.runId}">${page.runId}</a>` : '—'}</dd>
        <dt>created</dt><dd>${fmtDate(page.createdAt)}</dd>
        <dt>parsed</dt><dd>${fmtDate(page.parsedAt)}</dd>
        ${articles.length
          ? html`<dt>article</dt><dd>${articles.map((a) => html`<a href="/articles/${encodeURIComponent(a.source.key)}/${encodeURIComponent(a.storyCode)}">${a.title}</a> `)}</dd>`
          : ''}
      </dl>
      <h2>Archived content</h2>
      ${preview}`;
    return sendPage(reply, { title: `Page #${page.id}`, body, nav: '/pages/failed' });
  });
};
