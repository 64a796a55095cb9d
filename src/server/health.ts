// GET /healthz: 200 when Postgres and Redis answer, else 503 naming the one that does not.
// Public (no token), so it says "ok"/"unreachable" and nothing about addresses; details go to the log.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerEnv } from './app.js';

const TIMEOUT_MS = 2000;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

export const healthPlugin: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  const { ctx } = env;
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Postgres and Redis reachable',
        description: '200 `{status:"ok"}` when both answer within 2 s; 503 naming the one that did not. Needs no token.',
      },
    },
    async (_req, reply) => {
      const check = async (what: string, fn: () => Promise<unknown>) => {
        try {
          await within(fn(), TIMEOUT_MS, what);
          return 'ok';
        } catch (err) {
          ctx.log.warn({ err: (err as Error).message }, `healthz: ${what} unreachable`);
          return 'unreachable';
        }
      };
      const [postgres, redis] = await Promise.all([
        check('postgres', () => ctx.db.$queryRaw`SELECT 1`),
        check('redis', () => ctx.redis.ping()),
      ]);
      const ok = postgres === 'ok' && redis === 'ok';
      const failed = [postgres !== 'ok' && 'postgres', redis !== 'ok' && 'redis'].filter(Boolean);
      reply.code(ok ? 200 : 503).header('Cache-Control', 'no-store');
      return ok ? { status: 'ok', postgres, redis } : { status: 'unavailable', postgres, redis, failed };
    },
  );
};
