// Parse stage handler: archived page -> article, stored with dedup by story code.
import { UnrecoverableError, type Job } from 'bullmq';
import path from 'node:path';
import type { AppContext } from '../runtime/context.js';
import type { ArticleOutcome, ParseJob } from '../queues/jobs.js';
import { decodeBody, decodeWith } from '../fetch/charset.js';
import { isTextPage, parsePage, ParseError, type ParsedArticle } from '../parse/index.js';
import { markPageFailed, readPage } from '../store/pages.js';
import { storeArticle } from '../store/articles.js';
import type { SourceRow } from '../store/sources.js';
import { jobLogger } from '../log.js';

/** Saved text pages are Islam Times' format; they go to this source unless told otherwise. */
export const DEFAULT_TEXT_SOURCE = 'islamtimes';

export interface ParseOutcome {
  outcome: ArticleOutcome;
  storyCode: string;
  articleId: number;
  /** True when the page had been parsed already (a job re-run after a stall). */
  repeated?: boolean;
}

export async function handleParseJob(ctx: AppContext, job: Job<ParseJob>): Promise<ParseOutcome> {
  const { pageId, runId, reparse } = job.data;
  const rec = await readPage(ctx.db, pageId);
  if (!rec) throw new UnrecoverableError(`page ${pageId} does not exist`);
  const { page, raw } = rec;
  const what = page.path ? path.basename(page.path) : (page.url ?? `page ${pageId}`);
  let log = jobLogger(ctx.log, { id: job.id, queue: 'parse' }, { url: page.url, path: page.path, source: job.data.sourceKey ?? page.source?.key });

  if (page.outcome && page.storyCode && !reparse) {
    const article = await ctx.db.article.findFirst({ where: { storyCode: page.storyCode, pageId }, select: { id: true } });
    if (article) return { outcome: page.outcome as ArticleOutcome, storyCode: page.storyCode, articleId: article.id, repeated: true };
  }

  const fail = async (reason: string): Promise<never> => {
    await markPageFailed(ctx.db, pageId, reason);
    if (runId) await ctx.runs.fail(runId, what, reason);
    log.warn({ reason }, 'parse failed');
    throw new UnrecoverableError(reason);
  };
  if (!raw) return fail('page has no stored content');

  const content = page.charset ? decodeWith(raw, page.charset) : decodeBody(raw, page.contentType).text;
  const input = { content, contentType: page.contentType, path: page.path, url: page.finalUrl ?? page.url };

  let source: SourceRow | null = job.data.sourceKey ? await ctx.sources.byKeyOrNull(job.data.sourceKey) : page.source;
  if (job.data.sourceKey && !source) return fail(`unknown source "${job.data.sourceKey}"`);
  if (!source && isTextPage(input)) source = await ctx.sources.byKeyOrNull(DEFAULT_TEXT_SOURCE);
  if (!source) source = await ctx.sources.forUrl(input.url);

  let article: ParsedArticle;
  try {
    article = parsePage(input, source ?? {});
    if (!source) {
      // A saved HTML page with no source: its canonical URL says which site it is from.
      const url = article.canonicalUrl ?? article.url;
      source = (await ctx.sources.forUrl(url)) ?? (await ctx.sources.ensureForHost(url));
      if (source.parserProfile !== 'generic') article = parsePage({ ...input, url: input.url ?? url }, source);
    }
  } catch (err) {
    if (err instanceof ParseError) return fail(`${err.code}: ${err.message}`);
    throw err;
  }
  log = log.child({ source: source.key });
  for (const w of article.warnings) log.warn({ storyCode: article.storyCode }, w);

  if (page.sourceId !== source.id) await ctx.db.page.update({ where: { id: pageId }, data: { sourceId: source.id } });
  const result = await storeArticle(ctx.db, source.id, article, pageId);
  if (runId) await ctx.runs.add(runId, result.outcome);
  log.info({ storyCode: article.storyCode, outcome: result.outcome, revision: result.revision }, 'article stored');
  return { outcome: result.outcome, storyCode: article.storyCode, articleId: result.articleId };
}
