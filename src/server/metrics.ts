// Prometheus metrics at /metrics: gauges read at scrape time from Redis (queue depths) and
// Postgres (pages by status and HTTP status, articles stored), cached a few seconds so frequent
// scrapes cost little; plus the process-wide registry the pipeline observes into (fetch
// latency, src/runtime/metrics.ts) and Node's process metrics.
import type { FastifyPluginAsync } from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { runtimeRegistry } from '../runtime/metrics.js';
import { JOB_STATES, queueCounts } from './data.js';
import type { ServerEnv } from './app.js';

interface Snapshot {
  queues: Awaited<ReturnType<typeof queueCounts>>;
  pages: { status: string; httpStatus: number | null; n: number }[];
  articles: { source: string; n: number }[];
  revisions: number;
  ok: boolean;
}

export function createMetrics(env: ServerEnv, cacheMs = 5000) {
  const { ctx } = env;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'newspipe_' });

  let cached: { at: number; snap: Promise<Snapshot> } | null = null;
  const read = async (): Promise<Snapshot> => {
    try {
      const [queues, pages, articles, sources, revisions] = await Promise.all([
        queueCounts(ctx),
        ctx.db.page.groupBy({ by: ['status', 'httpStatus'], _count: { _all: true } }),
        ctx.db.article.groupBy({ by: ['sourceId'], _count: { _all: true } }),
        ctx.db.source.findMany({ select: { id: true, key: true } }),
        ctx.db.articleRevision.count(),
      ]);
      const key = new Map(sources.map((s) => [s.id, s.key]));
      return {
        queues,
        pages: pages.map((p) => ({ status: p.status, httpStatus: p.httpStatus, n: p._count._all })),
        articles: articles.map((a) => ({ source: key.get(a.sourceId) ?? String(a.sourceId), n: a._count._all })),
        revisions,
        ok: true,
      };
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, 'metrics: reading Postgres or Redis failed');
      return { queues: {}, pages: [], articles: [], revisions: 0, ok: false };
    }
  };
  const snapshot = () => {
    if (!cached || Date.now() - cached.at > cacheMs) cached = { at: Date.now(), snap: read() };
    return cached.snap;
  };

  new Gauge({
    name: 'newspipe_queue_jobs',
    help: 'Jobs in each BullMQ queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const [queue, c] of Object.entries(s.queues)) for (const state of JOB_STATES) this.set({ queue, state }, c[state]);
    },
  });
  new Gauge({
    name: 'newspipe_queue_paused',
    help: '1 when the queue is paused',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const [queue, c] of Object.entries(s.queues)) this.set({ queue }, c.isPaused ? 1 : 0);
    },
  });
  new Gauge({
    name: 'newspipe_pages',
    help: 'Page rows (fetched or loaded pages, failures included) by status and HTTP status',
    labelNames: ['status', 'http_status'] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const p of s.pages) this.set({ status: p.status, http_status: p.httpStatus == null ? 'none' : String(p.httpStatus) }, p.n);
    },
  });
  new Gauge({
    name: 'newspipe_articles_stored',
    help: 'Articles stored, all sources',
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.set(s.articles.reduce((n, a) => n + a.n, 0));
    },
  });
  new Gauge({
    name: 'newspipe_articles_stored_by_source',
    help: 'Articles stored per source',
    labelNames: ['source'] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const a of s.articles) this.set({ source: a.source }, a.n);
    },
  });
  new Gauge({
    name: 'newspipe_article_revisions_stored',
    help: 'Superseded article versions kept (ArticleRevision rows)',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).revisions);
    },
  });
  new Gauge({
    name: 'newspipe_metrics_backend_up',
    help: '1 when the last read of Postgres and Redis for these metrics worked',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).ok ? 1 : 0);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    async text(): Promise<string> {
      const own = await registry.metrics();
      const shared = await runtimeRegistry.metrics();
      return `${own.trimEnd()}\n${shared}`;
    },
  };
}

export const metricsPlugin: FastifyPluginAsync<{ env: ServerEnv }> = async (app, { env }) => {
  const metrics = createMetrics(env);
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('Content-Type', metrics.contentType).header('Cache-Control', 'no-store');
    return metrics.text();
  });
};
