// Turns paths on disk into load jobs, one per page file, under one run id.
import type { AppContext } from '../runtime/context.js';
import { QUEUE, type LoadJob } from '../queues/jobs.js';
import { newRunId } from '../queues/runs.js';
import { findPageFiles } from './files.js';

export async function enqueueLoad(ctx: AppContext, paths: string[], opts: { sourceKey?: string; runId?: string } = {}) {
  const files = await findPageFiles(paths);
  const runId = opts.runId ?? newRunId();
  await ctx.runs.add(runId, 'total', files.length);
  const BATCH = 500;
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH);
    const marks = await Promise.all(batch.map((f) => ctx.signer.sign('load', f.root, f.path)));
    await ctx.queues.load.addBulk(
      batch.map((f, j) => ({
        name: QUEUE.load,
        data: { root: f.root, path: f.path, sourceKey: opts.sourceKey, runId, mark: marks[j] } satisfies LoadJob,
        opts: { jobId: `load-${runId}-${i + j}` },
      })),
    );
  }
  return { runId, files: files.length };
}
