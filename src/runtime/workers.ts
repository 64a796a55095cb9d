// Binds stage handlers to their queues. `newspipe work` runs all of them; workers/*.ts run one.
import { Worker, type Job } from 'bullmq';
import type { AppContext } from './context.js';
import { createRedis } from '../queues/connection.js';
import { QUEUE, type QueueName } from '../queues/jobs.js';
import { handleLoadJob } from '../jobs/load-job.js';
import { handleParseJob } from '../jobs/parse-job.js';

type Handler = (ctx: AppContext, job: Job) => Promise<unknown>;

const HANDLERS: Partial<Record<QueueName, Handler>> = {
  [QUEUE.load]: handleLoadJob,
  [QUEUE.parse]: handleParseJob,
};

export interface WorkerSet {
  workers: Worker[];
  /** Stops taking jobs, waits for the running ones (up to `timeoutMs`), then closes. */
  close(timeoutMs?: number): Promise<void>;
}

function concurrencyFor(ctx: AppContext, q: QueueName): number {
  if (q === QUEUE.load) return ctx.config.NEWSPIPE_LOAD_CONCURRENCY;
  if (q === QUEUE.fetch) return ctx.config.NEWSPIPE_FETCH_CONCURRENCY;
  return ctx.config.NEWSPIPE_PARSE_CONCURRENCY;
}

export function startWorkers(ctx: AppContext, queues: QueueName[] = Object.keys(HANDLERS) as QueueName[]): WorkerSet {
  const workers: Worker[] = [];
  const connections: ReturnType<typeof createRedis>[] = [];
  for (const q of queues) {
    const handler = HANDLERS[q];
    if (!handler) continue;
    const connection = createRedis(ctx.config);
    connections.push(connection);
    connection.on('error', (err) => ctx.log.debug({ err: err.message, queue: q }, 'redis connection error'));
    const worker = new Worker(q, (job) => handler(ctx, job), {
      connection,
      prefix: ctx.config.NEWSPIPE_QUEUE_PREFIX,
      concurrency: concurrencyFor(ctx, q),
      // Parsing is bounded per page; a generous lock still covers a slow database write.
      lockDuration: 60_000,
      maxStalledCount: 2,
    });
    worker.on('failed', (job, err) => {
      ctx.log.debug({ queue: q, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => ctx.log.error({ queue: q, err: err.message }, 'worker error'));
    workers.push(worker);
  }
  return {
    workers,
    async close(timeoutMs = 30_000) {
      const closing = Promise.all(workers.map((w) => w.close()));
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
      if ((await Promise.race([closing, timer])) === 'timeout') {
        ctx.log.warn({ timeoutMs }, 'workers did not finish in time; forcing close (their jobs return to the queue)');
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
