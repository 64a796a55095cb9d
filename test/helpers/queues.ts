// Reading a stage's failed jobs from a test.
import type { Job } from 'bullmq';
import type { AppContext } from '../../src/runtime/context.js';
import { waitFor } from '../reliability/harness.js';

type Stage = keyof AppContext['queues'];

/**
 * The failed job of `stage` that `match` picks, once BullMQ has moved it there.
 *
 * Why wait: a job that gives up records its page and ends its URL in the run before it throws,
 * and the worker moves the job to the failed set only after the processor returns. A run can
 * therefore be over a moment before its last failed job is in the set. Returns undefined if no
 * such job shows up within `timeoutMs`.
 */
export function failedJob(ctx: AppContext, stage: Stage, match: (job: Job) => boolean, timeoutMs = 5_000): Promise<Job | undefined> {
  return waitFor(`a failed ${stage} job`, async () => (await ctx.queues[stage].getFailed()).find(match), timeoutMs, { intervalMs: 25 })
    .catch(() => undefined);
}
