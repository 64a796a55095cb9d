// GET /api/v1/stats: queue counts per state, article totals per source, pages per status.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { stats } from '../data.js';

export const statsApi: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  app.get(
    '/stats',
    { schema: { tags: ['stats'], summary: 'Queue counts per state, article totals per source, pages per status, failed pages' } },
    async () => stats(env.ctx),
  );
};
