// The dashboard and HTTP API: a Fastify app built from plugins, one file per area.
//   /healthz                 health.ts        Postgres and Redis reachable (no token needed)
//   /metrics                 metrics.ts       Prometheus
//   /api/v1/...              api/*.ts         JSON API (zod-validated), OpenAPI at /docs
//   /, /sources, /runs, /articles, /pages/failed   dashboard/*.ts   server-rendered pages
//   /admin/queues            dashboard/queues.ts   bull-board over every pipeline queue
// Access rules (token, loopback, same-origin changes) are in auth.ts.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AppContext } from '../runtime/context.js';
import type { ResolveAll } from '../fetch/address-guard.js';
import { checkServerAccess, registerAuth, ServerConfigError, wantsHtml, withoutToken } from './auth.js';
import { declaredScheduleService, type CrawlRunService, type ScheduleService } from './schedules.js';
import { crawlRunService } from '../schedule/service.js';
import type { Services } from './data.js';
import { HttpError, ValidationError } from './validation.js';
import { healthPlugin } from './health.js';
import { metricsPlugin } from './metrics.js';
import { apiV1 } from './api/index.js';
import { dashboardPlugin } from './dashboard/index.js';
import { queuesBoard } from './dashboard/queues.js';
import { html } from './html.js';
import { layout, NAV } from './dashboard/layout.js';

export interface ServerOptions {
  /** Interface the server is for (checked: off loopback a token is required). Default NEWSPIPE_HTTP_HOST. */
  host?: string;
  /** Default NEWSPIPE_HTTP_PORT; 0 picks a free port. */
  port?: number;
  /** Default NEWSPIPE_TOKEN; null for none. */
  token?: string | null;
  /** The scheduler's services; defaults work from the sources file and the CrawlRun table if present. */
  schedules?: ScheduleService;
  crawlRuns?: CrawlRunService;
  /** DNS for the address check of enqueued URLs (tests). */
  resolveAll?: ResolveAll;
}

/** What every plugin gets. */
export interface ServerEnv {
  ctx: AppContext;
  services: Services;
  token: string | null;
  /** Per-process secret that dashboard forms carry (and other sites cannot read). */
  csrf: string;
  resolveAll?: ResolveAll;
}

const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
// bull-board's page uses inline style attributes and a <base href>; its scripts are files.
const BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
// Swagger UI: script files only; inline styles; data: images.
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

function cspFor(path: string): string {
  if (path === '/admin/queues' || path.startsWith('/admin/queues/')) return BOARD_CSP;
  if (path === '/docs' || path.startsWith('/docs/')) return DOCS_CSP;
  return STRICT_CSP;
}

const WHERE: Record<string, string> = { query: 'in the address', path: 'in the address', form: 'in the form', body: 'in the request' };

/** An error as a dashboard page: the navigation stays, and bad fields are named as a user sees them. */
function errorPage(req: FastifyRequest, reply: FastifyReply, status: number, title: string, err: Error | string) {
  const path = req.url.split('?')[0];
  const section = [...NAV].reverse().find((n) => n.href === '/' ? path === '/' : path === n.href || path.startsWith(`${n.href}/`));
  const detail =
    err instanceof ValidationError
      ? html`<p>This page cannot be shown with these values:</p><ul>${err.issues.map(
          (i) => html`<li><b>${i.path || 'the request'}</b> ${WHERE[i.in] ?? ''}: <span class="error-text">${i.message}</span></li>`,
        )}</ul>`
      : html`<p class="error-text">${typeof err === 'string' ? err : err.message}</p>`;
  const body = html`<h1>${title}</h1>${detail}<p><a href="${section?.href ?? '/'}">Back to ${section ? section.label : 'the overview'}</a></p>`;
  return reply.code(status).type('text/html; charset=utf-8').send(layout({ title, body, nav: section?.href ?? '/' }).value);
}

const TITLES: Record<number, string> = { 400: 'bad request', 401: 'unauthorized', 403: 'forbidden', 404: 'not found', 409: 'conflict', 413: 'too large', 415: 'unsupported media type', 501: 'not implemented', 503: 'unavailable' };

export async function buildServer(ctx: AppContext, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const token = opts.token !== undefined ? opts.token : (ctx.config.NEWSPIPE_TOKEN ?? null);
  checkServerAccess({ host: opts.host ?? ctx.config.NEWSPIPE_HTTP_HOST, token });

  const env: ServerEnv = {
    ctx,
    token: token || null,
    services: {
      schedules: opts.schedules ?? declaredScheduleService(ctx),
      // Reading runs needs nothing but the table; recording API runs is left to the caller's service.
      crawlRuns: opts.crawlRuns ?? readOnlyRuns(ctx),
    },
    csrf: randomBytes(24).toString('base64url'),
    resolveAll: opts.resolveAll,
  };

  const app = Fastify({
    loggerInstance: ctx.log.child({ component: 'http' }) as FastifyBaseLogger,
    // Request lines are logged below (onResponse), without the query's token.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
  });

  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: withoutToken(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const path = req.url.split('?')[0];
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    // Not no-referrer: with it, browsers send `Origin: null` on our own form posts.
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Content-Security-Policy', cspFor(path));
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  registerAuth(app, { token: env.token });

  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    // HttpError and Fastify's errors carry `statusCode`; services may throw errors with a 4xx `status` (e.g. ScheduleError).
    const own = (err as { status?: unknown }).status;
    const status =
      err.statusCode && err.statusCode >= 400 && err.statusCode < 600
        ? err.statusCode
        : typeof own === 'number' && own >= 400 && own < 500
          ? own
          : 500;
    const exposed = err instanceof HttpError || status < 500;
    if (!exposed) req.log.error({ err, url: withoutToken(req.url) }, 'request failed');
    const message = exposed ? err.message : 'internal error (see the server log)';
    const title = TITLES[status] ?? (status >= 500 ? 'server error' : 'error');
    if (wantsHtml(req)) return errorPage(req, reply, status, title.charAt(0).toUpperCase() + title.slice(1), exposed ? err : message);
    return reply.code(status).send({ error: title, message, ...(err instanceof HttpError ? err.details : {}) });
  });

  app.setNotFoundHandler((req, reply) => {
    const message = `no such page: ${req.method} ${withoutToken(req.url).split('?')[0]}`;
    if (wantsHtml(req)) return errorPage(req, reply, 404, 'Not found', message);
    return reply.code(404).send({ error: 'not found', message });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'newspipe API',
        version: '1',
        description:
          'Articles, sources, runs and schedules of the newspipe pipeline, and queuing URLs to fetch. ' +
          'When the server has a token (NEWSPIPE_TOKEN), send it as `Authorization: Bearer <token>`.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: env.token ? [{ bearerAuth: [] }] : [],
      tags: [
        { name: 'articles', description: 'Stored articles' },
        { name: 'crawl', description: 'Queue URLs' },
        { name: 'runs', description: 'Runs (a crawl, a load, a schedule firing)' },
        { name: 'sources', description: 'News sites' },
        { name: 'schedules', description: 'Crawl schedules per source' },
        { name: 'pages', description: 'Fetched and loaded pages' },
        { name: 'stats', description: 'Totals' },
        { name: 'health', description: 'Liveness' },
      ],
    },
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: false, validatorUrl: null } });

  await app.register(healthPlugin, { env });
  await app.register(metricsPlugin, { env });
  await app.register(apiV1, { env, prefix: '/api/v1' });
  await app.register(dashboardPlugin, { env });
  await app.register(queuesBoard, { env, prefix: '/admin/queues' });
  return app;
}

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/** Builds the server and listens; refuses (ServerConfigError) a public interface without a token or a busy port. */
export async function startServer(ctx: AppContext, opts: ServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? ctx.config.NEWSPIPE_HTTP_HOST;
  const port = opts.port ?? ctx.config.NEWSPIPE_HTTP_PORT;
  const app = await buildServer(ctx, { ...opts, host });
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close().catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ServerConfigError(`port ${port} on ${host} is in use; choose another with --port or NEWSPIPE_HTTP_PORT`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new ServerConfigError(`cannot listen on ${host}: no such local address (${code})`);
    }
    if (code === 'EACCES') throw new ServerConfigError(`not allowed to listen on ${host}:${port} (EACCES); ports below 1024 need privileges`);
    throw err;
  }
  const addr = app.server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' || addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return { app, url: `http://${shown}:${addr.port}`, close: () => app.close() };
}

function readOnlyRuns(ctx: AppContext): CrawlRunService {
  const { listCrawlRuns, getCrawlRun } = crawlRunService(ctx);
  return { listCrawlRuns, getCrawlRun };
}
