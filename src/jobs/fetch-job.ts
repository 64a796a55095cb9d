// Fetch stage handler: politeness, robots.txt, conditional GET, archive, then parse.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { AppContext } from '../runtime/context.js';
import type { FetchJob, ParseJob } from '../queues/jobs.js';
import {
  createHostLimiter, createHttpClient, createRetryPolicy, createRobotsCache, isFetchError,
  type HttpClient, type HostLimiter, type RetryPolicy, type RobotsCache,
} from '../fetch/index.js';
import { archivePage, pageHistory, recordFailedPage } from '../store/pages.js';
import { enqueueParse } from './load-job.js';
import { parseArchivedPage, parseFetchedArticle, type FetchedPage, type ParseOutcome } from './parse-job.js';
import { claimHolder, finishUrl } from '../frontier/frontier.js';
import { isArticleUrl, rulesFor } from '../sources/rules.js';
import { jobLogger } from '../log.js';
import { observeFetch } from '../runtime/metrics.js';
import { trustedScope } from '../queues/trust.js';

interface Mode {
  client: HttpClient;
  robots: RobotsCache;
  plain: HttpClient;
}

export interface FetchStage {
  /** `signal` aborts the fetch (worker shutting down): the job goes back to the queue. */
  handle(job: Job<FetchJob>, token?: string, signal?: AbortSignal): Promise<unknown>;
  /** BullMQ backoff for fetch jobs: exponential with jitter, or the server's Retry-After. */
  backoff(attemptsMade: number, err: Error): number;
  retry: RetryPolicy;
  limiter: HostLimiter;
  close(): Promise<void>;
}

export interface FetchStageOptions {
  /**
   * Parse each page in the job that fetched it (this process runs the parse stage too): the
   * decoded page goes straight to the parser, with no parse job's queue round trips and no
   * read-back from the archive. Otherwise a parse job is queued for whichever process parses.
   */
  parseInline: boolean;
}

export function createFetchStage(ctx: AppContext, opts: FetchStageOptions): FetchStage {
  const c = ctx.config;
  const prefix = c.NEWSPIPE_QUEUE_PREFIX;
  const mode = (allowPrivate: boolean, tag: string): Mode => {
    const opts = {
      userAgent: c.NEWSPIPE_USER_AGENT,
      totalTimeoutMs: c.NEWSPIPE_FETCH_TIMEOUT_MS,
      maxBodyBytes: c.NEWSPIPE_MAX_BODY_BYTES,
      maxDecodedBytes: c.NEWSPIPE_MAX_PAGE_BYTES,
      connectionsPerOrigin: Math.max(4, c.NEWSPIPE_FETCH_CONCURRENCY),
      allowPrivate,
    };
    const plain = createHttpClient(opts);
    const robots = createRobotsCache({
      fetchText: (u) => plain.fetchText(u),
      userAgent: c.NEWSPIPE_USER_AGENT,
      redis: ctx.redis,
      prefix: `${prefix}:robots:${tag}:`,
    });
    return { plain, robots, client: createHttpClient({ ...opts, robots }) };
  };
  // URLs from the CLI and the sources file may be on the intranet; URLs from the API may not.
  const internal = mode(true, 'int');
  const external = mode(c.NEWSPIPE_ALLOW_PRIVATE_URLS, 'ext');
  // The limiter's own limits are the loosest; each call passes the host's effective limits
  // (its source's, else the configured defaults, tightened by robots.txt Crawl-delay).
  const limiter = createHostLimiter(ctx.redis, {
    prefix: `${prefix}:polite:`,
    maxConcurrent: 1024,
    minDelayMs: 0,
    leaseMs: c.NEWSPIPE_FETCH_TIMEOUT_MS + 10_000,
  });
  const retry = createRetryPolicy({ baseMs: c.NEWSPIPE_RETRY_BASE_MS, maxAttempts: c.NEWSPIPE_FETCH_ATTEMPTS });

  async function handle(job: Job<FetchJob>, token?: string, signal?: AbortSignal) {
    const { url, runId, depth, site, listing } = job.data;
    // A job newspipe did not queue itself is held to what an API-submitted URL may do.
    const scope = trustedScope(job.data.scope, job.data.scope.external === true || (await ctx.signer.verify(job.data.mark, 'fetch', url, runId)));
    const source = (job.data.sourceKey ? await ctx.sources.byKeyOrNull(job.data.sourceKey) : null) ?? (await ctx.sources.ensureForHost(url));
    const log = jobLogger(ctx.log, { id: job.id, queue: 'fetch' }, { url, source: source.key });
    const m = scope.external ? external : internal;
    const host = new URL(url).host;
    const rules = rulesFor(source);
    // A story unchanged; a listing, feed or sitemap unchanged means nothing new there.
    const notModifiedCounts = () => (isArticleUrl(rules, url) ? { notModified: 1, unchanged: 1 } : { notModified: 1, listings: 1 });

    const giveUp = async (reason: string, httpStatus?: number): Promise<never> => {
      await recordFailedPage(ctx.db, { origin: 'fetch', url, sourceId: source.id, runId, httpStatus }, reason);
      // Counted once per URL and run; this may have been the run's last URL.
      await finishUrl(ctx, runId, url, { failed: 1 }, `${url}: ${reason}`);
      log.warn({ reason, httpStatus }, 'fetch failed');
      throw new UnrecoverableError(reason);
    };

    // A re-run after a crash past the archive step (the job stalled, or failed on Redis): the
    // page is there, so it is parsed again (or its parse job queued again, same job id) rather
    // than fetched and archived twice.
    const history = await pageHistory(ctx.db, url, runId, source.id, !scope.refresh);
    // The archived page goes on to parse: here (this process runs the parse stage; `handed` is
    // the page in memory, else it is read back) or through a parse job.
    const parseNext = async (pageId: number, handed: FetchedPage | null): Promise<Partial<ParseOutcome>> => {
      const data: ParseJob = { pageId, sourceKey: source.key, runId, depth, scope, site, ...(listing ? { listing } : {}), countFetch: true };
      if (opts.parseInline) return parseArchivedPage(ctx, { id: job.id, queue: 'fetch', data }, handed);
      await enqueueParse(ctx, data);
      return {};
    };
    if (runId) {
      // A crawl that took this URL over from this job's dead run fetches it itself.
      const holder = await claimHolder(ctx, url);
      if (holder && holder !== runId) {
        log.info({ runId, holder }, 'run taken over by another; job dropped');
        return { supersededBy: holder };
      }
      const done = history.done;
      if (done?.status === 'not_modified') {
        await finishUrl(ctx, runId, url, notModifiedCounts());
        return { status: 304, repeated: true };
      }
      if (done) {
        log.info({ pageId: done.id }, opts.parseInline ? 'fetched before; parsing the archived copy' : 'fetched before; parse queued again');
        return { pageId: done.id, repeated: true, ...(await parseNext(done.id, null)) };
      }
    }

    // Politeness: a busy host means "come back later", never a failure.
    const crawlDelay = await m.robots.crawlDelayMs(url).catch(() => undefined);
    const limits = rules.politeness;
    const minDelayMs = Math.max(limits?.minDelayMs ?? c.NEWSPIPE_HOST_MIN_DELAY_MS, crawlDelay ?? 0);
    const slot = await limiter.tryAcquire(host, { minDelayMs, maxConcurrent: limits?.maxConcurrent ?? c.NEWSPIPE_HOST_MAX_CONCURRENT });
    if (!slot.ok) {
      await job.moveToDelayed(Date.now() + slot.waitMs, token);
      throw new DelayedError();
    }

    let result;
    try {
      const prev = history.prev;
      const started = performance.now();
      try {
        result = await m.client.fetchPage(url, { etag: prev?.etag, lastModified: prev?.lastModified, signal });
        observeFetch(result.kind === 'ok' ? 'ok' : 'not_modified', performance.now() - started);
      } catch (err) {
        observeFetch('error', performance.now() - started);
        throw err;
      }
    } catch (err) {
      if (signal?.aborted) {
        // The worker is shutting down: back to the queue at once, no attempt spent.
        log.info('fetch interrupted by shutdown; job returned to the queue');
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (!isFetchError(err)) throw err;
      const decision = retry.decide(err, job.attemptsMade + 1);
      const attempts = job.opts.attempts ?? 1;
      if (decision.retry && job.attemptsMade + 1 < attempts) {
        log.info({ code: err.code, status: err.status, attempt: job.attemptsMade + 1 }, 'fetch failed; will retry');
        throw err;
      }
      return giveUp(`${err.code}${err.status ? ` ${err.status}` : ''}: ${err.message}`, err.status);
    } finally {
      await limiter.release(host, slot.token).catch(() => {});
    }

    if (result.kind === 'not-modified') {
      await ctx.db.page.create({
        data: { origin: 'fetch', url, finalUrl: result.finalUrl, sourceId: source.id, status: 'not_modified', httpStatus: 304, runId, outcome: 'unchanged', parsedAt: new Date() },
      });
      await ctx.db.article.updateMany({ where: { OR: [{ url }, { canonicalUrl: url }] }, data: { lastSeenAt: new Date() } });
      await finishUrl(ctx, runId, url, notModifiedCounts());
      log.debug('not modified');
      return { status: 304 };
    }

    const page: FetchedPage['page'] = {
      origin: 'fetch', url, finalUrl: result.finalUrl, path: null, contentType: result.contentType, charset: result.charset,
      sourceId: source.id, source, outcome: null, storyCode: null,
    };
    // An article is parsed before the archive write, and its text let go (see parseFetchedArticle).
    const parsed = opts.parseInline ? parseFetchedArticle(result.text, page) : null;
    if (parsed) result.text = '';
    const pageId = await archivePage(
      ctx.db,
      {
        origin: 'fetch', url, finalUrl: result.finalUrl, sourceId: source.id, httpStatus: result.status,
        contentType: result.contentType, charset: result.charset, etag: result.headers.etag ?? null,
        lastModified: result.headers.lastModified ?? null, runId,
      },
      result.body,
      result.gzipped,
    );
    log.debug({ pageId, status: result.status, bytes: result.bytes, ms: Math.round(result.timings.totalMs) }, 'fetched');
    return { pageId, status: result.status, ...(await parseNext(pageId, { text: result.text, page, parsed })) };
  }

  return {
    handle,
    retry,
    limiter,
    backoff(attemptsMade, err) {
      // Not the site's fault (Postgres or Redis had a moment): a steady exponential backoff, so
      // the job's attempts span an outage (1 + 2 + 4 + 8 s with 5 attempts) instead of a random
      // fraction of it.
      if (!isFetchError(err)) return Math.min(60_000, 1000 * 2 ** Math.max(0, attemptsMade - 1));
      return retry.decide(err, attemptsMade).delayMs || retry.backoffMs(attemptsMade);
    },
    async close() {
      await Promise.all([internal, external].flatMap((x) => [x.client.close(), x.plain.close()]));
    },
  };
}
