// POST /api/v1/enqueue: queue URLs for the workers as a new run.
import type { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { enqueueBodySchema, enqueueUrls } from '../enqueue.js';
import { zodSchema } from '../validation.js';

export const enqueueApi: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  app.post(
    '/enqueue',
    {
      schema: {
        tags: ['crawl'],
        summary: 'Queue URLs to fetch as a new run',
        description:
          'Every URL must be http(s), at most 2048 characters, without credentials, and resolve only to public addresses ' +
          '(private, loopback and link-local are refused unless the server runs with NEWSPIPE_ALLOW_PRIVATE_URLS=1). ' +
          'One refused URL refuses the request: 400 with `refused: [{url, reason}]`, nothing queued. ' +
          'On success 202 with the run id (follow it at /api/v1/runs/{runId}) and what the frontier did with the URLs ' +
          '(queued, known = already stored, duplicate = already queued, outOfScope, invalid).',
        body: zodSchema(enqueueBodySchema),
      },
    },
    async (req, reply) => {
      const body = req.body as z.output<typeof enqueueBodySchema>;
      const out = await enqueueUrls(env.ctx, body, { trigger: 'api', crawlRuns: env.services.crawlRuns, resolveAll: env.resolveAll });
      reply.code(202);
      return { runId: out.runId, urls: out.urls, result: out.result, run: `/api/v1/runs/${out.runId}` };
    },
  );
};
