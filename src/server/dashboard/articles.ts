// GET /articles (search: title and body text, source, date range, paging) and
// GET /articles/:source/:storyCode (fields, body as escaped paragraphs, related/featured links,
// revisions, pages).
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { getArticle, searchArticles } from '../data.js';
import { externalLink, fmtDate, fmtNumber, html, paragraphs, qs } from '../html.js';
import { endOf, parseWith, startOf } from '../validation.js';
import { articleParamsSchema, articleQuerySchema } from '../api/articles.js';
import { badge, enqueueForm, nonEmpty, sendPage } from './common.js';
import { pager } from './layout.js';

const articleHref = (source: string, storyCode: string) => `/articles/${encodeURIComponent(source)}/${encodeURIComponent(storyCode)}`;

export const articlesPage: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  const { ctx } = env;

  app.get('/articles', async (req, reply) => {
    const q = parseWith(articleQuerySchema, { limit: 25, ...nonEmpty(req.query) });
    const [{ total, items }, sources] = await Promise.all([
      searchArticles(ctx, { q: q.q, source: q.source, since: startOf(q.since), until: endOf(q.until), limit: q.limit, offset: q.offset }),
      ctx.db.source.findMany({ select: { key: true }, orderBy: { key: 'asc' } }),
    ]);
    const keep = { q: q.q, source: q.source, since: q.since, until: q.until, limit: q.limit === 25 ? undefined : q.limit };
    const dateValue = (v?: string) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : '');
    const body = html`
      <h1>Articles <span class="muted">${fmtNumber(total)}</span></h1>
      <form class="search" method="get" action="/articles" role="search">
        <label>Words in title or text <input type="search" name="q" value="${q.q ?? ''}" maxlength="200"></label>
        <label>Source
          <select name="source"><option value="">all</option>
            ${sources.map((s) => html`<option value="${s.key}"${s.key === q.source ? html` selected` : ''}>${s.key}</option>`)}
          </select>
        </label>
        <label>Published from <input type="date" name="since" value="${dateValue(q.since)}"></label>
        <label>to <input type="date" name="until" value="${dateValue(q.until)}"></label>
        <button type="submit">Search</button>
        ${q.q || q.source || q.since || q.until ? html`<a href="/articles">clear</a>` : ''}
      </form>
      ${items.length
        ? html`<table>
            <thead><tr><th>published</th><th>source</th><th>title</th><th class="num">words</th><th class="num">rev</th><th>last seen</th></tr></thead>
            <tbody>${items.map(
              (a) => html`<tr>
                <td class="nowrap">${fmtDate(a.publishedAt)}</td>
                <td>${a.source}</td>
                <td class="wrap"><a href="${articleHref(a.source, a.storyCode)}">${a.title}</a><br><span class="muted mono">${a.storyCode}</span></td>
                <td class="num">${fmtNumber(a.wordCount)}</td>
                <td class="num">${a.revision > 1 ? badge(String(a.revision), 'warn') : a.revision}</td>
                <td class="nowrap">${fmtDate(a.lastSeenAt)}</td>
              </tr>`,
            )}</tbody></table>`
        : html`<p class="muted">No articles match.</p>`}
      ${pager({ total, limit: q.limit, offset: q.offset, href: (offset) => `/articles${qs({ ...keep, offset: offset || undefined })}` })}
      <h2>Queue URLs</h2>
      ${enqueueForm(env, sources.map((s) => s.key), { source: q.source })}`;
    return sendPage(reply, { title: 'Articles', body, nav: '/articles' });
  });

  app.get('/articles/:source/:storyCode', async (req, reply) => {
    const p = parseWith(articleParamsSchema, req.params, 'path');
    const a = await getArticle(ctx, p.source, p.storyCode);
    if (!a) {
      return sendPage(reply, { title: 'Article not found', body: html`<h1>Not found</h1><p>No article ${p.storyCode} in source ${p.source}.</p>`, nav: '/articles' }, 404);
    }
    const related = a.links.filter((l) => l.kind === 'related');
    const featured = a.links.filter((l) => l.kind === 'featured');
    const body = html`
      <p class="muted"><a href="/articles${qs({ source: a.source })}">${a.source}</a> · story <span class="mono">${a.storyCode}</span></p>
      <h1>${a.title}</h1>
      ${a.lead ? html`<p class="lead">${a.lead}</p>` : ''}
      <dl class="fields">
        <dt>source</dt><dd>${a.source}</dd>
        <dt>story code</dt><dd class="mono">${a.storyCode}</dd>
        <dt>URL</dt><dd>${externalLink(a.url)}</dd>
        ${a.canonicalUrl && a.canonicalUrl !== a.url ? html`<dt>canonical URL</dt><dd>${externalLink(a.canonicalUrl)}</dd>` : ''}
        <dt>author</dt><dd>${a.author ?? '—'}</dd>
        <dt>published</dt><dd>${fmtDate(a.publishedAt)}</dd>
        ${a.modifiedAt ? html`<dt>modified</dt><dd>${fmtDate(a.modifiedAt)}</dd>` : ''}
        <dt>language</dt><dd>${a.language ?? '—'}</dd>
        <dt>tags</dt><dd>${a.tags.length ? a.tags.map((t) => html`${badge(t)} `) : '—'}</dd>
        <dt>image</dt><dd>${a.imageUrl ? externalLink(a.imageUrl) : '—'}</dd>
        <dt>words</dt><dd>${fmtNumber(a.wordCount)}</dd>
        <dt>revision</dt><dd>${a.revision}${a.revisions.length ? html` <span class="muted">(${a.revisions.length} earlier version${a.revisions.length > 1 ? 's' : ''} below)</span>` : ''}</dd>
        <dt>first seen</dt><dd>${fmtDate(a.firstSeenAt)}</dd>
        <dt>last seen</dt><dd>${fmtDate(a.lastSeenAt)}</dd>
      </dl>

      <h2>Text</h2>
      <article class="body">${paragraphs(a.body)}</article>

      <h2>Related stories <span class="muted">(${related.length})</span></h2>
      ${related.length
        ? html`<ul class="links">${related.map((l) => html`<li>${externalLink(l.url, l.title)}${l.snippet ? html`<br><span class="muted">${l.snippet}</span>` : ''}</li>`)}</ul>`
        : html`<p class="muted">None.</p>`}

      <h2>Featured stories <span class="muted">(${featured.length})</span></h2>
      ${featured.length
        ? html`<ul class="links">${featured.map((l) => html`<li>${externalLink(l.url, l.title)}${l.date ? html` <span class="muted">${l.date}</span>` : ''}</li>`)}</ul>`
        : html`<p class="muted">None.</p>`}

      <h2>Revisions <span class="muted">(${a.revisions.length} earlier)</span></h2>
      ${a.revisions.length
        ? a.revisions.map(
            (r) => html`<details>
              <summary>Revision ${r.revision}: ${r.title} <span class="muted">— seen ${fmtDate(r.seenAt)}, replaced ${fmtDate(r.replacedAt)}</span></summary>
              ${r.lead ? html`<p class="lead">${r.lead}</p>` : ''}
              <article class="body">${paragraphs(r.body)}</article>
            </details>`,
          )
        : html`<p class="muted">This is the only version seen.</p>`}

      <h2>Pages</h2>
      ${a.pages.length
        ? html`<table><thead><tr><th>page</th><th>when</th><th>status</th><th>outcome</th><th>run</th><th>from</th></tr></thead><tbody>
          ${a.pages.map(
            (pg) => html`<tr>
              <td><a href="/pages/${pg.id}">#${pg.id}</a></td><td class="nowrap">${fmtDate(pg.createdAt)}</td>
              <td>${badge(pg.status, pg.status === 'failed' ? 'bad' : '')}${pg.httpStatus ? html` <span class="muted">${pg.httpStatus}</span>` : ''}</td>
              <td>${pg.outcome ?? '—'}</td>
              <td class="mono">${pg.runId ? html`<a href="/runs/${pg.runId}">${pg.runId}</a>` : '—'}</td>
              <td class="wrap">${pg.url ? externalLink(pg.url) : (pg.path ?? '—')}</td>
            </tr>`,
          )}</tbody></table>`
        : html`<p class="muted">No pages recorded.</p>`}`;
    return sendPage(reply, { title: a.title, body, nav: '/articles' });
  });
};
