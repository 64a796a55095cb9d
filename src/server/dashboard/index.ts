// The server-rendered pages (everything bull-board does not show), their stylesheet and the
// form body parser they need.
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { parseForm } from './common.js';
import { FAVICON, STYLESHEET } from './layout.js';
import { overviewPage } from './overview.js';
import { sourcesPage } from './sources.js';
import { runsPage } from './runs.js';
import { articlesPage } from './articles.js';
import { pagesPage } from './pages.js';

const CSS_ETAG = `"${createHash('sha1').update(STYLESHEET).digest('base64url').slice(0, 16)}"`;

export const dashboardPlugin: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, parseForm(body as string));
  });

  app.get('/static/newspipe.css', async (req, reply) => {
    reply.header('Cache-Control', 'public, max-age=3600').header('ETag', CSS_ETAG).type('text/css; charset=utf-8');
    if (req.headers['if-none-match'] === CSS_ETAG) return reply.code(304).send();
    return STYLESHEET;
  });

  app.get('/static/favicon.svg', async (_req, reply) => {
    reply.header('Cache-Control', 'public, max-age=86400').type('image/svg+xml');
    return FAVICON;
  });
  app.get('/favicon.ico', async (_req, reply) => reply.redirect('/static/favicon.svg', 301));

  for (const page of [overviewPage, sourcesPage, runsPage, articlesPage, pagesPage]) await app.register(page, { env });
};
