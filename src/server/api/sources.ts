// GET /api/v1/sources; GET /api/v1/schedules and POST /api/v1/schedules/:source/run|pause|resume.
import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from '../app.js';
import { listSources } from '../data.js';
import { sourceKey, zodSchema } from '../validation.js';

const scheduleParams = z.object({ source: sourceKey });

export const sourcesApi: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  const { ctx, services } = env;

  app.get(
    '/sources',
    { schema: { tags: ['sources'], summary: 'Sources with their schedule, last run and article counts' } },
    async () => ({ items: await listSources(ctx, services) }),
  );

  app.get(
    '/schedules',
    {
      schema: {
        tags: ['schedules'],
        summary: 'Crawl schedules, one per source',
        description: '`state`: active (registered with the scheduler), paused, or declared (in the sources file, not registered).',
      },
    },
    async () => ({ items: await services.schedules.listSchedules() }),
  );

  const action = (name: 'run' | 'pause' | 'resume', summary: string) =>
    app.post(
      `/schedules/:source/${name}`,
      { schema: { tags: ['schedules'], summary, params: zodSchema(scheduleParams) } },
      async (req, reply) => {
        const { source } = req.params as z.output<typeof scheduleParams>;
        if (name === 'run') {
          const { runId } = await services.schedules.runNow(source);
          ctx.log.info({ source, runId }, 'schedule run started over HTTP');
          reply.code(202);
          return { source, runId, run: `/api/v1/runs/${runId}` };
        }
        const schedule = name === 'pause' ? await services.schedules.pause(source) : await services.schedules.resume(source);
        ctx.log.info({ source, action: name }, 'schedule changed over HTTP');
        return schedule;
      },
    );
  action('run', "Start a crawl of the source's entry points now");
  action('pause', "Pause the source's schedule");
  action('resume', "Resume the source's schedule");
};
