// Parse stage handler: archived page -> article stored with dedup by story code; for fetched
// pages, the links it shows (related/featured stories, listing entries, next pages) go back
// to the frontier.
import { UnrecoverableError, type Job } from 'bullmq';
import path from 'node:path';
import type { AppContext } from '../runtime/context.js';
import type { ArticleOutcome, ParseJob } from '../queues/jobs.js';
import { decodeBody, decodeWith } from '../fetch/charset.js';
import { isTextPage, parsePage, ParseError, type ParsedArticle } from '../parse/index.js';
import { markPageFailed, readPage } from '../store/pages.js';
import { storeArticle } from '../store/articles.js';
import type { SourceRow } from '../store/sources.js';
import { isArticleUrl, rulesFor } from '../sources/rules.js';
import { discoverListingLinks } from '../frontier/discover.js';
import { finishUrl, submitUrls, type Candidate } from '../frontier/frontier.js';
import { jobLogger, type Logger } from '../log.js';

/** Saved text pages are Islam Times' format; they go to this source unless told otherwise. */
export const DEFAULT_TEXT_SOURCE = 'islamtimes';

export interface ParseOutcome {
  outcome: ArticleOutcome | 'listing';
  storyCode?: string;
  articleId?: number;
  links?: number;
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
  // A fetched URL is finished (for the frontier and the run) once its page is parsed or failed.
  const fetched = page.origin === 'fetch' && page.url != null;
  const finish = () => (fetched ? finishUrl(ctx, runId, page.url!) : Promise.resolve());

  if (page.outcome && !reparse) {
    // Done before: this is a re-run after a stall. Report, do not count twice.
    return { outcome: page.outcome as ParseOutcome['outcome'], storyCode: page.storyCode ?? undefined, repeated: true };
  }

  const fail = async (reason: string): Promise<never> => {
    await markPageFailed(ctx.db, pageId, reason);
    if (runId) await ctx.runs.fail(runId, what, reason);
    await finish();
    log.warn({ reason }, 'parse failed');
    throw new UnrecoverableError(reason);
  };
  if (!raw) return fail('page has no stored content');

  const content = page.charset ? decodeWith(raw, page.charset) : decodeBody(raw, page.contentType).text;
  const url = page.finalUrl ?? page.url;
  const input = { content, contentType: page.contentType, path: page.path, url };

  let source: SourceRow | null = job.data.sourceKey ? await ctx.sources.byKeyOrNull(job.data.sourceKey) : page.source;
  if (job.data.sourceKey && !source) return fail(`unknown source "${job.data.sourceKey}"`);
  if (!source && isTextPage(input)) source = await ctx.sources.byKeyOrNull(DEFAULT_TEXT_SOURCE);
  if (!source) source = await ctx.sources.forUrl(url);

  // A fetched page that is not an article by its source's rules is a listing: walk its links.
  if (fetched && source && url && !isArticleUrl(rulesFor(source), url) && !isTextPage(input)) {
    const links = discoverListingLinks(content, url, rulesFor(source));
    const depth = job.data.depth ?? 0;
    const found = await follow(ctx, job.data, source, [
      ...links.articles.map((u) => ({ url: u, depth: depth + 1 })),
      ...links.pages.map((u) => ({ url: u, depth, pagination: true })),
    ]);
    await ctx.db.page.update({ where: { id: pageId }, data: { status: 'parsed', outcome: 'listing', parsedAt: new Date(), sourceId: source.id } });
    if (runId) await ctx.runs.add(runId, 'listings');
    await finish();
    log.debug({ articles: links.articles.length, pages: links.pages.length, queued: found }, 'listing walked');
    return { outcome: 'listing', links: found };
  }

  let article: ParsedArticle;
  try {
    article = parsePage(input, source ?? {});
    if (!source) {
      // A saved HTML page with no source: its canonical URL says which site it is from.
      const canonical = article.canonicalUrl ?? article.url;
      source = (await ctx.sources.forUrl(canonical)) ?? (await ctx.sources.ensureForHost(canonical));
      if (source.parserProfile !== 'generic') article = parsePage({ ...input, url: input.url ?? canonical }, source);
    }
  } catch (err) {
    if (err instanceof ParseError) return fail(`${err.code}: ${err.message}`);
    throw err;
  }
  log = log.child({ source: source.key });
  for (const w of article.warnings) log.warn({ storyCode: article.storyCode }, w);
  if (!article.url && url) article.url = url;

  if (page.sourceId !== source.id) await ctx.db.page.update({ where: { id: pageId }, data: { sourceId: source.id } });
  const result = await storeArticle(ctx.db, source.id, article, pageId);

  let links = 0;
  if (fetched) {
    const depth = (job.data.depth ?? 0) + 1;
    const urls = [...article.related, ...article.featured].map((l) => l.url).filter((u): u is string => !!u);
    links = await follow(ctx, job.data, source, urls.map((u) => ({ url: u, depth })), log);
  }
  if (runId) await ctx.runs.add(runId, result.outcome);
  await finish();
  log.info({ storyCode: article.storyCode, outcome: result.outcome, revision: result.revision }, 'article stored');
  return { outcome: result.outcome, storyCode: article.storyCode, articleId: result.articleId, links };
}

/** Sends links found on a page to the frontier, within the crawl's scope. */
async function follow(ctx: AppContext, data: ParseJob, source: SourceRow, found: Candidate[], log?: Logger): Promise<number> {
  if (!data.runId || !data.scope || found.length === 0) return 0;
  const res = await submitUrls(
    ctx,
    data.runId,
    data.scope,
    found.map((c) => ({ ...c, sourceKey: source.key, site: data.site })),
  );
  log?.debug({ ...res }, 'links submitted');
  return res.queued;
}
