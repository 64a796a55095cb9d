// GET /api/v1/pages/failed: failed Page rows grouped by error prefix, every failure listed.
import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { failedPages, failureGroups } from '../data.js';
import { pageParams, sourceKey, textParam, zodSchema } from '../validation.js';

export const failedQuerySchema = z
  .object({
    prefix: textParam(200).optional().describe('start of the error, before the first ":" (see `groups`)'),
    source: sourceKey.optional(),
    url: textParam(4096).optional().describe('only the failures of this URL (or saved file path)'),
    ...pageParams(500, 100),
  })
  .strict();

export const pagesApi: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  app.get(
    '/pages/failed',
    {
      schema: {
        tags: ['pages'],
        summary: 'Failed pages, grouped by error prefix; every failure listed (a URL that failed 3 times has 3 rows)',
        querystring: zodSchema(failedQuerySchema),
      },
    },
    async (req) => {
      const q = req.query as z.output<typeof failedQuerySchema>;
      const [groups, list] = await Promise.all([failureGroups(env.ctx, q.source), failedPages(env.ctx, q)]);
      return { groups, total: list.total, limit: q.limit, offset: q.offset, items: list.items };
    },
  );
};
