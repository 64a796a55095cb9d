// Load stage handler: read one saved page from disk, archive it, queue its parse.
import { UnrecoverableError, type Job } from 'bullmq';
import path from 'node:path';
import type { AppContext } from '../runtime/context.js';
import type { LoadJob, ParseJob } from '../queues/jobs.js';
import { contentTypeForFile, LoadPathError, readPageFile } from '../load/files.js';
import { archivePage, recordFailedPage } from '../store/pages.js';
import { finishItem } from '../frontier/frontier.js';
import { jobLogger } from '../log.js';

export async function handleLoadJob(ctx: AppContext, job: Job<LoadJob>): Promise<{ pageId: number }> {
  const { root, path: file, sourceKey, runId } = job.data;
  const log = jobLogger(ctx.log, { id: job.id, queue: 'load' }, { path: file, source: sourceKey });
  const allowedRoots = ctx.config.NEWSPIPE_LOAD_ROOTS.split(',').map((s) => s.trim()).filter(Boolean);
  // The folder the user named counts only when newspipe itself queued the job; otherwise the
  // file must lie under a folder of this worker's own configuration.
  const rootTrusted = await ctx.signer.verify(job.data.mark, 'load', root, file);
  const source = sourceKey ? await ctx.sources.byKeyOrNull(sourceKey) : null;

  const fail = async (reason: string): Promise<never> => {
    await recordFailedPage(ctx.db, { origin: 'load', path: file, sourceId: source?.id, runId, contentType: contentTypeForFile(file) }, reason);
    // Counted once per load job, however often it runs.
    if (runId) await finishItem(ctx, runId, `load:${job.id}`, { failed: 1 }, `${path.basename(file)}: ${reason}`);
    log.warn({ reason }, 'load failed');
    throw new UnrecoverableError(reason);
  };
  if (sourceKey && !source) return fail(`unknown source "${sourceKey}" (run \`newspipe sources sync\`)`);

  // A job re-run after a stall finds its page already archived: reuse it, queue nothing twice.
  if (runId) {
    const done = await ctx.db.page.findFirst({ where: { runId, path: file, origin: 'load' }, select: { id: true, status: true } });
    if (done && done.status !== 'failed') {
      await enqueueParse(ctx, { pageId: done.id, sourceKey, runId });
      return { pageId: done.id };
    }
  }

  if (!rootTrusted && !allowedRoots.length) return fail(`${file}: load job not queued by newspipe, and NEWSPIPE_LOAD_ROOTS names no folder it may read`);
  let raw: Buffer;
  try {
    raw = await readPageFile(rootTrusted ? root : null, file, { maxBytes: ctx.config.NEWSPIPE_MAX_PAGE_BYTES, allowedRoots });
  } catch (err) {
    if (err instanceof LoadPathError) return fail(err.message);
    throw err; // an I/O hiccup: let BullMQ retry
  }
  if (raw.length === 0) return fail(`${file}: empty file`);

  const pageId = await archivePage(
    ctx.db,
    { origin: 'load', path: file, sourceId: source?.id, contentType: contentTypeForFile(file), runId },
    raw,
  );
  await enqueueParse(ctx, { pageId, sourceKey, runId });
  log.debug({ pageId, bytes: raw.length }, 'page archived');
  return { pageId };
}

export async function enqueueParse(ctx: AppContext, data: ParseJob): Promise<void> {
  // The caller's scope is already what it may use (trustedScope), so it is marked as it is.
  const mark = data.scope && !data.scope.external ? await ctx.signer.sign('parse', data.pageId, data.runId) : undefined;
  // The page id makes the job id: queuing the same page twice gives one job.
  await ctx.queues.parse.add('parse', mark ? { ...data, mark } : data, { jobId: `page-${data.pageId}${data.reparse ? `-r${Date.now()}` : ''}` });
}
