// Binds stage handlers to their queues. `newspipe work` runs all of them; workers/*.ts run one.
import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { AppContext } from './context.js';
import { createRedis } from '../queues/connection.js';
import { ALL_QUEUES, QUEUE, type QueueName } from '../queues/jobs.js';
import { handleLoadJob } from '../jobs/load-job.js';
import { handleParseJob } from '../jobs/parse-job.js';
import { createFetchStage } from '../jobs/fetch-job.js';

interface QueueBinding {
  process: (job: Job, token?: string) => Promise<unknown>;
  options?: Partial<WorkerOptions>;
  close?: () => Promise<void>;
}

function bind(ctx: AppContext, q: QueueName): QueueBinding {
  switch (q) {
    case QUEUE.load:
      return { process: (job) => handleLoadJob(ctx, job), options: { concurrency: ctx.config.NEWSPIPE_LOAD_CONCURRENCY } };
    case QUEUE.parse:
      return { process: (job) => handleParseJob(ctx, job), options: { concurrency: ctx.config.NEWSPIPE_PARSE_CONCURRENCY } };
    case QUEUE.fetch: {
      const stage = createFetchStage(ctx);
      return {
        process: (job, token) => stage.handle(job, token),
        options: {
          concurrency: ctx.config.NEWSPIPE_FETCH_CONCURRENCY,
          settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => stage.backoff(attemptsMade, err ?? new Error('unknown')) },
        },
        close: () => stage.close(),
      };
    }
  }
}

export interface WorkerSet {
  workers: Worker[];
  /** Stops taking jobs, waits for the running ones (up to `timeoutMs`), then closes. */
  close(timeoutMs?: number): Promise<void>;
}

export function startWorkers(ctx: AppContext, queues: QueueName[] = ALL_QUEUES): WorkerSet {
  const workers: Worker[] = [];
  const bindings: QueueBinding[] = [];
  const connections: ReturnType<typeof createRedis>[] = [];
  for (const q of queues) {
    const b = bind(ctx, q);
    bindings.push(b);
    const connection = createRedis(ctx.config);
    connections.push(connection);
    connection.on('error', (err) => ctx.log.debug({ err: err.message, queue: q }, 'redis connection error'));
    const worker = new Worker(q, (job, token) => b.process(job, token), {
      connection,
      prefix: ctx.config.NEWSPIPE_QUEUE_PREFIX,
      // Parsing is bounded per page; a generous lock still covers a slow database write.
      lockDuration: 60_000,
      maxStalledCount: 2,
      ...b.options,
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
      await Promise.all(bindings.map((b) => b.close?.()));
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
