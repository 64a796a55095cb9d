// bull-board at /admin/queues over every queue of the pipeline: counts, jobs with their data,
// logs and failure reasons; retry, promote, clean, pause.
import type { FastifyPluginAsync } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import type { ServerEnv } from '../app.js';

const DESCRIPTIONS: Record<string, string> = {
  load: 'saved pages read from disk',
  fetch: 'URLs downloaded over HTTP',
  parse: 'archived pages parsed into articles',
  crawl: 'crawl runs of sources (schedules fire here)',
};

export const queuesBoard: FastifyPluginAsync<{ env: ServerEnv; prefix?: string }> = async (app, { env, prefix }) => {
  const basePath = prefix ?? '/admin/queues';
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: Object.entries(env.ctx.queues).map(
      ([name, q]) => new BullMQAdapter(q, { description: DESCRIPTIONS[name], displayName: name }),
    ),
    // @bull-board/fastify 9.10.1 carries its own copy of @bull-board/api 9.10.1 typings (same shape).
    serverAdapter: serverAdapter as unknown as IServerAdapter,
    options: {
      uiConfig: {
        boardTitle: 'newspipe queues',
        miscLinks: [
          { text: 'Dashboard', url: '/' },
          { text: 'Failed pages', url: '/pages/failed' },
        ],
      },
    },
  });
  await app.register(serverAdapter.registerPlugin());
};
