// Parse stage handler: archived page -> article stored with dedup by story code; for fetched
// pages, the links it shows (related/featured stories, listing entries, next pages) go back
// to the frontier.
import { UnrecoverableError, type Job } from 'bullmq';
import path from 'node:path';
import type { AppContext } from '../runtime/context.js';
import { trustedScope } from '../queues/trust.js';
import type { ArticleOutcome, ParseJob } from '../queues/jobs.js';
import { decodeBody, decodeWith } from '../fetch/charset.js';
import { isTextPage, parsePage, ParseError, type ParsedArticle } from '../parse/index.js';
import { markPageFailed, readPage } from '../store/pages.js';
import { storeArticle } from '../store/articles.js';
import type { SourceRow } from '../store/sources.js';
import { isArticleUrl, rulesFor } from '../sources/rules.js';
import { discoverListingLinks } from '../frontier/discover.js';
import { looksLikeFeed, parseFeed } from '../frontier/feeds.js';
import { countDiscovered, finishItem, finishUrl, splitWalk, submitUrls, type Candidate, type RunIncrements, type SubmitResult } from '../frontier/frontier.js';
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

/** A page the fetch stage has just archived, decoded, handed to the parse stage in the same job. */
export interface FetchedPage {
  /** The decoded page; '' when it was parsed already (`parsed`). */
  text: string;
  /** An article page parsed as soon as it was fetched (see parseFetchedArticle): the article, or why it could not be parsed. */
  parsed: ParsedOrFailed | null;
  page: {
    origin: 'fetch';
    url: string;
    finalUrl: string | null;
    path: null;
    contentType: string | null;
    charset: string | null;
    sourceId: number;
    source: SourceRow;
    outcome: null;
    storyCode: null;
  };
}

/** What a parse runs for: a job of the parse queue, or a fetch job parsing its page inline. */
export interface ParseTask {
  id?: string;
  queue: 'parse' | 'fetch';
  data: ParseJob;
}

export type ParsedOrFailed = { article: ParsedArticle } | { error: ParseError };

/**
 * Parses a fetched page that is an article by its source's rules, in the fetch job as soon as its
 * body is decoded; null for a listing, which is walked from its text later. Parsing is pure, so
 * doing it before the archive write changes nothing stored; what it changes is how long the page's
 * text lives. As a two-byte string (any non-Latin script on the page, a language menu will do)
 * that is 100-160 KB per page, and kept across the archive write it outlived young-generation
 * collections, which copied and promoted it: parsing first took about 5% off a crawl's CPU.
 */
export function parseFetchedArticle(text: string, page: FetchedPage['page']): ParsedOrFailed | null {
  const url = page.finalUrl ?? page.url;
  if (!isArticleUrl(rulesFor(page.source), url)) return null;
  try {
    return { article: parsePage({ content: text, contentType: page.contentType, path: null, url }, page.source) };
  } catch (err) {
    if (err instanceof ParseError) return { error: err };
    throw err;
  }
}

export async function handleParseJob(ctx: AppContext, job: Job<ParseJob>): Promise<ParseOutcome> {
  const d = job.data;
  // A job newspipe did not queue itself cannot have its links fetched as internal URLs.
  const scope = trustedScope(d.scope, !d.scope || d.scope.external === true || (await ctx.signer.verify(d.mark, 'parse', d.pageId, d.runId)));
  return parseArchivedPage(ctx, { id: job.id, queue: 'parse', data: scope === d.scope ? d : { ...d, scope } });
}

/**
 * Parses an archived page and stores what it holds. `handed` is the page as the fetch stage has
 * it in memory (it was archived a moment ago); without it the page is read back from the archive.
 */
export async function parseArchivedPage(ctx: AppContext, job: ParseTask, handed: FetchedPage | null = null): Promise<ParseOutcome> {
  const { pageId, runId, reparse } = job.data;
  const rec = handed ? { page: handed.page, raw: null } : await readPage(ctx.db, pageId);
  if (!rec) throw new UnrecoverableError(`page ${pageId} does not exist`);
  const { page, raw } = rec;
  const what = page.path ? path.basename(page.path) : (page.url ?? `page ${pageId}`);
  let log = jobLogger(ctx.log, { id: job.id, queue: job.queue }, { url: page.url, path: page.path, source: job.data.sourceKey ?? page.source?.key });
  // A fetched URL is finished (for the frontier and the run) once its page is parsed or failed;
  // the run counts each URL or loaded page once, however often this job runs.
  const fetched = page.origin === 'fetch' && page.url != null;
  const finish = async (counts: RunIncrements, failure?: string) => {
    // The page's fetch is counted with its outcome, once (see ParseJob.countFetch).
    const by = job.data.countFetch ? { ...counts, fetched: 1 } : counts;
    if (fetched) await finishUrl(ctx, runId, page.url!, by, failure);
    else if (runId) await finishItem(ctx, runId, `page:${pageId}`, by, failure);
  };

  // Parsed before: a re-run after a crash or a failure past the article write (a stalled job, a
  // lost connection). The article is not written again; what follows it (links, counts,
  // finishing the URL) is done again, each step idempotent, so nothing is lost or counted twice.
  const repeated = !!page.outcome && !reparse;

  const fail = async (reason: string): Promise<never> => {
    if (!repeated) await markPageFailed(ctx.db, pageId, reason);
    await finish({ failed: 1 }, `${what}: ${reason}`);
    log.warn({ reason }, 'parse failed');
    throw new UnrecoverableError(reason);
  };
  if (!raw && !handed) return fail('page has no stored content');

  const content = handed ? handed.text : page.charset ? decodeWith(raw!, page.charset) : decodeBody(raw!, page.contentType).text;
  const url = page.finalUrl ?? page.url;
  const input = { content, contentType: page.contentType, path: page.path, url };

  // A handed page comes with the source its fetch job resolved (from the same key) and parsed it for.
  let source: SourceRow | null = handed ? handed.page.source : job.data.sourceKey ? await ctx.sources.byKeyOrNull(job.data.sourceKey) : page.source;
  if (job.data.sourceKey && !source) return fail(`unknown source "${job.data.sourceKey}"`);
  if (!source && isTextPage(input)) source = await ctx.sources.byKeyOrNull(DEFAULT_TEXT_SOURCE);
  if (!source) source = await ctx.sources.forUrl(url);

  // A fetched page that is not an article by its source's rules is a listing (an HTML page of
  // links, a feed or a sitemap): walk its links.
  if (fetched && source && url && !isArticleUrl(rulesFor(source), url) && !isTextPage(input)) {
    const rules = rulesFor(source);
    const depth = job.data.depth ?? 0;
    const pos = job.data.listing;
    const feed = looksLikeFeed(content, page.contentType) ? parseFeed(content, url) : null;
    let articles: string[];
    let pages: Candidate[];
    let stopped = false;
    if (feed) {
      // Feed items and sitemap <url>s are stories; a sitemap index leads to more sitemaps (at the
      // same depth, at most the entry point's maxPages of them).
      articles = feed.articles.filter((u) => isArticleUrl(rules, u));
      const children = pos?.maxPages ? feed.sitemaps.slice(0, pos.maxPages) : feed.sitemaps;
      pages = children.map((u) => ({ url: u, depth, pagination: true, ...(pos ? { listing: { ...pos, page: pos.page + 1 } } : {}) }));
    } else {
      const links = discoverListingLinks(content, url, rules);
      articles = links.articles;
      // Next pages: up to the entry point's maxPages.
      const more = !pos?.maxPages || pos.page < pos.maxPages;
      stopped = !more && links.pages.length > 0;
      const page = (u: string, offset: number): Candidate => ({ url: u, depth, pagination: true, ...(pos ? { listing: { ...pos, page: pos.page + offset } } : {}) });
      pages = more ? links.pages.map((u) => page(u, 1)) : [];
      // A full walk also follows the later pages the pager names, within the entry point's
      // maxPages: the listing is walked several pages at a time instead of one fetch after
      // another (each page is queued once per run whichever page names it). An incremental walk
      // goes one page at a time, since it stops at the first page with nothing new.
      if (!job.data.scope?.stopAtKnown) {
        for (const a of links.ahead) if (!pos?.maxPages || pos.page + a.offset <= pos.maxPages) pages.push(page(a.url, a.offset));
      }
    }
    if (runId) await countDiscovered(ctx, runId, articles);
    const story = (u: string): Candidate => ({ url: u, depth: depth + 1 });
    let found: number;
    if (job.data.scope?.stopAtKnown && !feed && pages.length) {
      // An incremental walk (scheduled runs): a page whose own stories (not the ones every page
      // shows) are all stored already is where the news we have begins; its next pages are not
      // fetched. Stories another entry point queued in this run count as new here.
      const { own, repeated } = runId && pos?.walk ? await splitWalk(ctx, runId, pos.walk, articles) : { own: articles, repeated: [] };
      const a = await follow(ctx, job.data, source, own.map(story));
      found = a.queued + (await follow(ctx, job.data, source, repeated.map(story))).queued;
      if (a.known > 0 && a.queued === 0 && a.duplicate === 0) stopped = true;
      else found += (await follow(ctx, job.data, source, pages)).queued;
    } else {
      found = (await follow(ctx, job.data, source, [...articles.map(story), ...pages])).queued;
    }
    await ctx.db.page.update({ where: { id: pageId }, data: { status: 'parsed', outcome: 'listing', parsedAt: new Date(), sourceId: source.id } });
    await finish({ listings: 1 });
    log.debug({ kind: feed?.kind ?? 'html', articles: articles.length, pages: pages.length, queued: found, stopped }, 'listing walked');
    return { outcome: 'listing', links: found };
  }

  let article: ParsedArticle;
  try {
    const early = handed?.parsed;
    if (early && 'error' in early) throw early.error;
    article = early ? early.article : parsePage(input, source ?? {});
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
  const result = repeated
    ? { outcome: page.outcome as ArticleOutcome, articleId: undefined, revision: undefined }
    : await storeArticle(ctx.db, source.id, article, pageId);

  let links = 0;
  if (fetched) {
    const depth = (job.data.depth ?? 0) + 1;
    const urls = [...article.related, ...article.featured].map((l) => l.url).filter((u): u is string => !!u);
    links = (await follow(ctx, job.data, source, urls.map((u) => ({ url: u, depth })), log)).queued;
  }
  await finish({ [result.outcome]: 1 });
  if (repeated) {
    log.info({ storyCode: article.storyCode, outcome: result.outcome }, 'article stored before; links and counts redone');
    return { outcome: result.outcome, storyCode: article.storyCode, links, repeated };
  }
  log.info({ storyCode: article.storyCode, outcome: result.outcome, revision: result.revision }, 'article stored');
  return { outcome: result.outcome, storyCode: article.storyCode, articleId: result.articleId, links };
}

const NOTHING: SubmitResult = { queued: 0, known: 0, duplicate: 0, outOfScope: 0, invalid: 0, claimed: 0 };

/** Sends links found on a page to the frontier, within the crawl's scope. */
async function follow(ctx: AppContext, data: ParseJob, source: SourceRow, found: Candidate[], log?: Logger): Promise<SubmitResult> {
  if (!data.runId || !data.scope || found.length === 0) return NOTHING;
  const res = await submitUrls(
    ctx,
    data.runId,
    data.scope,
    found.map((c) => ({ ...c, sourceKey: source.key, site: data.site })),
    // The page submits its links: a re-run of its job re-queues what it admitted before.
    { owner: `page:${data.pageId}` },
  );
  log?.debug({ ...res }, 'links submitted');
  return res;
}
