// GET /api/v1/runs and GET /api/v1/runs/:runId.
import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { getRun, listRuns } from '../data.js';
import { HttpError, pageParams, runIdSchema, sourceKey, zodSchema } from '../validation.js';

export const runsQuerySchema = z.object({ source: sourceKey.optional(), ...pageParams(200, 50) }).strict();
export const runParamsSchema = z.object({ runId: runIdSchema });

export const runsApi: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  const { ctx, services } = env;

  app.get(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Recent runs with their counters',
        description:
          'CrawlRun rows when the scheduler records them, and runs seen through their pages in the last 7 days; counters from Redis.',
        querystring: zodSchema(runsQuerySchema),
      },
    },
    async (req) => {
      const q = req.query as z.output<typeof runsQuerySchema>;
      return { limit: q.limit, offset: q.offset, items: await listRuns(ctx, services, q) };
    },
  );

  app.get(
    '/runs/:runId',
    {
      schema: {
        tags: ['runs'],
        summary: 'One run: counters (Redis), failures, pages by status, CrawlRun row',
        description: '`done` is true once nothing of the run is pending.',
        params: zodSchema(runParamsSchema),
      },
    },
    async (req) => {
      const { runId } = req.params as z.output<typeof runParamsSchema>;
      const run = await getRun(ctx, services, runId);
      if (!run) throw new HttpError(404, `no run ${runId} (run counters are kept 7 days)`);
      return run;
    },
  );
};
