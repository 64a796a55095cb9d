// Binds stage handlers to their queues. `newspipe work` runs all of them; workers/*.ts run one.
import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { AppContext } from './context.js';
import { createRedis } from '../queues/connection.js';
import { ALL_QUEUES, QUEUE, type QueueName } from '../queues/jobs.js';
import { handleLoadJob } from '../jobs/load-job.js';
import { handleParseJob } from '../jobs/parse-job.js';
import { createFetchStage } from '../jobs/fetch-job.js';
import { handleCrawlRunJob } from '../jobs/crawl-run-job.js';

interface QueueBinding {
  /** `signal` fires when the worker gives up waiting for the job at shutdown. */
  process: (job: Job, token?: string, signal?: AbortSignal) => Promise<unknown>;
  options?: Partial<WorkerOptions>;
  close?: () => Promise<void>;
}

function bind(ctx: AppContext, q: QueueName, all: QueueName[]): QueueBinding {
  switch (q) {
    case QUEUE.load:
      return { process: (job) => handleLoadJob(ctx, job), options: { concurrency: ctx.config.NEWSPIPE_LOAD_CONCURRENCY } };
    case QUEUE.parse:
      return { process: (job) => handleParseJob(ctx, job), options: { concurrency: ctx.config.NEWSPIPE_PARSE_CONCURRENCY } };
    case QUEUE.fetch: {
      // With the parse stage in this process too, a fetch job parses its own page.
      const stage = createFetchStage(ctx, { parseInline: all.includes(QUEUE.parse) });
      return {
        process: (job, token, signal) => stage.handle(job, token, signal),
        options: {
          concurrency: ctx.config.NEWSPIPE_FETCH_CONCURRENCY,
          settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => stage.backoff(attemptsMade, err ?? new Error('unknown')) },
        },
        close: () => stage.close(),
      };
    }
    case QUEUE.crawl:
      // A crawl job only queues a run's entry points; a few at once is plenty.
      return { process: (job) => handleCrawlRunJob(ctx, job), options: { concurrency: 4 } };
  }
}

/** After interrupting overrunning jobs at shutdown, how long they get to hand themselves back. */
const SHUTDOWN_GRACE_MS = 5_000;

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
    const b = bind(ctx, q, queues);
    bindings.push(b);
    const connection = createRedis(ctx.config);
    connections.push(connection);
    connection.on('error', (err) => ctx.log.debug({ err: err.message, queue: q }, 'redis connection error'));
    // Three parameters: BullMQ then gives each job an abort signal (see close()).
    const worker = new Worker(q, (job, token, signal) => b.process(job, token, signal), {
      connection,
      prefix: ctx.config.NEWSPIPE_QUEUE_PREFIX,
      // Parsing is bounded per page; a generous lock still covers a slow database write. The
      // lock is how long a dead worker's job waits before it is retried (see config.ts).
      lockDuration: ctx.config.NEWSPIPE_LOCK_DURATION_MS,
      stalledInterval: ctx.config.NEWSPIPE_STALLED_INTERVAL_MS,
      maxStalledCount: 2,
      ...b.options,
    });
    worker.on('failed', (job, err) => {
      ctx.log.debug({ queue: q, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => ctx.log.error({ queue: q, err: err.message }, 'worker error'));
    // A job whose worker died (or lost its lock): it is back in the queue and will run again.
    worker.on('stalled', (jobId) => ctx.log.warn({ queue: q, jobId }, 'job stalled; returned to the queue'));
    workers.push(worker);
  }
  return {
    workers,
    async close(timeoutMs = 30_000) {
      // (BullMQ's close() cannot be turned into close(true) once it runs: a second call returns
      // the first one's promise. So jobs that overrun are interrupted through their signals.)
      const closing = Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const);
      const within = (ms: number) => Promise.race([closing, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);
      if ((await within(timeoutMs)) === 'timeout') {
        // A fetch stops at once and its job goes back to the queue, no attempt spent; a database
        // write gets a few seconds more.
        ctx.log.warn({ timeoutMs }, 'workers did not finish in time; interrupting their jobs (they return to the queue)');
        for (const w of workers) w.cancelAllJobs('shutdown');
        if ((await within(SHUTDOWN_GRACE_MS)) === 'timeout') {
          // Left running when the process exits: their locks lapse and any worker runs them again.
          ctx.log.warn('jobs still running; leaving them to be retried once their locks expire');
        }
      }
      await Promise.all(bindings.map((b) => b.close?.()));
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
