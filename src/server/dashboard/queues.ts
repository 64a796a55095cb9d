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

// bull-board's changing routes that NEWSPIPE_BOARD_WRITE=safe keeps: putting jobs that exist
// back to work or away, and holding queues. Adding jobs, editing their data, delays, priorities,
// schedulers, limits and emptying queues are off.
const SAFE_ACTIONS: RegExp[] = [
  /^\/api\/queues\/[^/]+\/(?:retry|clean)\/[^/]+$/,
  /^\/api\/queues\/[^/]+\/promote$/,
  /^\/api\/queues\/[^/]+\/[^/]+\/(?:retry|clean|promote)$/,
  /^\/api\/queues\/(?:[^/]+\/)?(?:pause|resume)$/,
];

// A <link> (stylesheet, preconnect) to another origin. bull-board's page links Google Fonts,
// which the CSP refuses anyway; its CSS falls back to system fonts.
const FOREIGN_LINK = /<link\b[^>]*?\bhref=["']?(?:https?:)?\/\/[^>]*>\s*/gi;

/** The board's HTML without links to other origins, so the page asks nothing of them. */
export function withoutForeignLinks(page: string): string {
  return page.replace(FOREIGN_LINK, '');
}

export function boardAllows(mode: 'none' | 'safe' | 'all', method: string, route: string): boolean {
  if (method === 'GET' || method === 'HEAD' || mode === 'all') return true;
  return mode === 'safe' && method === 'PUT' && SAFE_ACTIONS.some((re) => re.test(route));
}

export const queuesBoard: FastifyPluginAsync<{ env: ServerEnv; prefix?: string }> = async (app, { env, prefix }) => {
  const basePath = prefix ?? '/admin/queues';
  const mode = env.ctx.config.NEWSPIPE_BOARD_WRITE;
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (!path.startsWith(basePath + '/')) return;
    let route: string | null = null;
    try {
      route = decodeURIComponent(path.slice(basePath.length));
    } catch {
      // a malformed escape: refused below unless nothing may be refused
    }
    if (route !== null ? boardAllows(mode, req.method, route) : mode === 'all') return;
    return reply.code(403).send({ error: `the queue board may not do this (NEWSPIPE_BOARD_WRITE=${mode})` });
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    return withoutForeignLinks(payload);
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: Object.entries(env.ctx.queues).map(
      ([name, q]) => new BullMQAdapter(q, { description: DESCRIPTIONS[name], displayName: name, readOnlyMode: mode === 'none' }),
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
