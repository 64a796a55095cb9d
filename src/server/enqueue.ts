// URLs submitted over HTTP (API or dashboard form): each one is checked (http(s), length, no
// credentials, public address unless NEWSPIPE_ALLOW_PRIVATE_URLS) before anything is queued.
// All or nothing: one refused URL refuses the request, with the reason per URL.
import { z } from 'zod';
import type { AppContext } from '../runtime/context.js';
import { seedRun, type SubmitResult } from '../frontier/frontier.js';
import { InvalidUrlError, normalizeUrl } from '../frontier/normalize.js';
import { assertPublicUrl, MAX_URL_LENGTH, type ResolveAll } from '../fetch/address-guard.js';
import type { CrawlScope } from '../queues/jobs.js';
import type { CrawlRunService } from './schedules.js';
import { HttpError, sourceKey } from './validation.js';

export const MAX_URLS_PER_REQUEST = 100;

export const enqueueBodySchema = z
  .object({
    urls: z
      .array(z.string().min(1, 'must not be empty'))
      .min(1, 'give at least one URL')
      .max(MAX_URLS_PER_REQUEST, `at most ${MAX_URLS_PER_REQUEST} URLs per request`)
      .describe('http(s) URLs to fetch: articles or listing pages'),
    source: sourceKey.optional().describe('source of the URLs (default: by host; unknown hosts get a generic source)'),
    depth: z.number().int().min(0).max(5).default(0).describe('follow links this many hops from the given URLs (listing pagination does not count)'),
    maxPages: z.number().int().min(1).max(100_000).default(1000).describe('queue at most this many URLs in this run'),
    refresh: z.boolean().default(false).describe('fetch stories that are already stored'),
  })
  .strict();

export type EnqueueInput = z.output<typeof enqueueBodySchema>;

export interface RefusedUrl {
  url: string;
  reason: string;
}

export interface EnqueueOutcome {
  runId: string;
  urls: string[];
  result: SubmitResult;
}

export class RefusedUrlsError extends HttpError {
  constructor(readonly refused: RefusedUrl[]) {
    super(400, `${refused.length} URL(s) refused: ${refused.map((r) => `${r.url.slice(0, 200)}: ${r.reason}`).join('; ')}`, { refused });
    this.name = 'RefusedUrlsError';
  }
}

/** Why `url` must not be fetched for an outside caller, or null when it may. */
export async function refusal(ctx: AppContext, url: string, resolveAll?: ResolveAll): Promise<string | null> {
  if (url.length > MAX_URL_LENGTH) return `URL is ${url.length} characters long (limit ${MAX_URL_LENGTH})`;
  // Two URLs on one line, or a space the URL parser would quietly encode.
  if (/^https?:\/\/\S*\s/i.test(url.trim())) return 'contains white space: give one URL per line, and a space inside a URL as %20';
  try {
    await assertPublicUrl(url.trim(), { allowPrivate: ctx.config.NEWSPIPE_ALLOW_PRIVATE_URLS, resolveAll });
    normalizeUrl(url);
    return null;
  } catch (err) {
    if (err instanceof InvalidUrlError) return err.message;
    return (err as Error).message;
  }
}

export async function enqueueUrls(
  ctx: AppContext,
  input: EnqueueInput,
  opts: { trigger: 'api' | 'dashboard'; crawlRuns?: CrawlRunService; resolveAll?: ResolveAll },
): Promise<EnqueueOutcome> {
  if (input.source && !(await ctx.sources.byKeyOrNull(input.source))) {
    throw new HttpError(400, `unknown source "${input.source}"`, { source: input.source });
  }
  const reasons = await Promise.all(input.urls.map((u) => refusal(ctx, u, opts.resolveAll)));
  const refused = input.urls.flatMap((url, i) => (reasons[i] ? [{ url, reason: reasons[i]! }] : []));
  if (refused.length) throw new RefusedUrlsError(refused);

  const urls = [...new Set(input.urls.map((u) => normalizeUrl(u)))];
  const scope: CrawlScope = { maxDepth: input.depth, maxPages: input.maxPages, refresh: input.refresh, external: true };
  const { runId, result } = await seedRun(ctx, urls, { scope, sourceKey: input.source });
  // The scheduler's CrawlRun row (ends with the run's counts), recorded right after seeding.
  if (result.queued > 0) {
    await opts.crawlRuns?.recordRun?.({ runId, source: input.source ?? null, trigger: opts.trigger, urls }).catch((err: Error) =>
      ctx.log.warn({ runId, err: err.message }, 'recording the run failed'),
    );
  }
  ctx.log.info({ runId, trigger: opts.trigger, urls: urls.length, ...result }, 'URLs enqueued over HTTP');
  return { runId, urls, result };
}
