// A worker process: context, workers on the given queues, graceful stop on SIGTERM/SIGINT.
import { setup, untilSignal } from '../cli/shared.js';
import { preflight } from './preflight.js';
import { closeContext, createContext } from './context.js';
import { startWorkers } from './workers.js';
import type { QueueName } from '../queues/jobs.js';
import { warnWithoutHeapFlags } from './heap-flags.js';

export async function runWorkers(queues: QueueName[], opts: { shutdownTimeoutMs?: number } = {}): Promise<void> {
  const { config, log } = setup();
  await preflight(config);
  const ctx = createContext(config, log);
  try {
    const set = startWorkers(ctx, queues);
    log.info({ queues, prefix: config.NEWSPIPE_QUEUE_PREFIX, pid: process.pid }, 'workers running');
    warnWithoutHeapFlags(log);
    const sig = await untilSignal();
    log.info({ signal: sig }, 'shutting down: finishing running jobs');
    const timeoutMs = opts.shutdownTimeoutMs ?? 30_000;
    // The stop is bounded whatever hangs (a job that ignores its signal, a connection that does
    // not close): what is left running is retried elsewhere once its lock expires.
    setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown is taking too long; exiting');
      process.exit(1);
    }, timeoutMs + 15_000).unref();
    await set.close(timeoutMs);
    log.info('workers stopped');
  } finally {
    await closeContext(ctx);
  }
}
