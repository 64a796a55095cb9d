// The JSON API under /api/v1: zod-validated requests (400 naming every bad field), JSON errors.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { zodValidatorCompiler } from '../validation.js';
import { articlesApi } from './articles.js';
import { enqueueApi } from './enqueue.js';
import { sourcesApi } from './sources.js';
import { runsApi } from './runs.js';
import { pagesApi } from './pages.js';
import { statsApi } from './stats.js';

export const apiV1: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  app.setValidatorCompiler(zodValidatorCompiler);
  // Bodies are JSON only: text/plain is a content type other sites' pages may send without a preflight.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
  for (const plugin of [articlesApi, enqueueApi, sourcesApi, runsApi, pagesApi, statsApi]) await app.register(plugin, { env });
};
