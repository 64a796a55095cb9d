// The frontier: every URL that may be fetched passes here. It normalises, applies the crawl's
// depth / same-site / page-budget limits, skips stories already stored, claims the URL so no
// other process fetches it at the same time, and queues one fetch job per URL.
import { createHash } from 'node:crypto';
import type { AppContext } from '../runtime/context.js';
import { QUEUE, type CrawlScope, type FetchJob } from '../queues/jobs.js';
import { siteOf, tryNormalizeUrl } from './normalize.js';
import { newRunId } from '../queues/runs.js';
import { isArticleUrl, rulesFor, storyCodeFromUrl } from '../sources/rules.js';
import type { SourceRow } from '../store/sources.js';

export interface Candidate {
  url: string;
  depth: number;
  /** Pagination of a listing: followed at the same depth. */
  pagination?: boolean;
  sourceKey?: string;
  site?: string;
}

export interface SubmitResult {
  queued: number;
  known: number;
  duplicate: number;
  outOfScope: number;
  invalid: number;
}

/** How long a claimed URL stays claimed if its worker dies without releasing it. */
const CLAIM_TTL_SECONDS = 6 * 3600;

export const urlHash = (url: string) => createHash('sha1').update(url).digest('hex').slice(0, 24);

function keys(ctx: AppContext, runId: string) {
  const p = ctx.config.NEWSPIPE_QUEUE_PREFIX;
  return { seen: `${p}:run:${runId}:seen`, budget: `${p}:run:${runId}:budget`, claim: (h: string) => `${p}:claim:${h}` };
}

/**
 * Queues the candidates that pass. Counts each queued URL as `pending` on the run; whoever
 * finishes the URL (fetch failure, 304, parse) calls `finishUrl`.
 */
export async function submitUrls(ctx: AppContext, runId: string, scope: CrawlScope, items: Candidate[]): Promise<SubmitResult> {
  const res: SubmitResult = { queued: 0, known: 0, duplicate: 0, outOfScope: 0, invalid: 0 };
  const k = keys(ctx, runId);

  // 1. Normalise, depth and site limits.
  type Item = Candidate & { norm: string; hash: string; source: SourceRow; storyCode: string | null; article: boolean };
  const staged: Item[] = [];
  const seenHere = new Set<string>();
  for (const c of items) {
    const norm = tryNormalizeUrl(c.url);
    if (!norm) {
      res.invalid++;
      continue;
    }
    if (seenHere.has(norm)) continue;
    seenHere.add(norm);
    const site = c.site ?? siteOf(norm);
    if (c.depth > scope.maxDepth || (!scope.crossSite && siteOf(norm) !== site)) {
      res.outOfScope++;
      continue;
    }
    // The page's source holds for links on its own site; other sites are looked up by host.
    const ownSource = c.sourceKey && (!c.site || siteOf(norm) === c.site) ? await ctx.sources.byKeyOrNull(c.sourceKey) : null;
    const source = ownSource ?? (await ctx.sources.forUrl(norm)) ?? (await ctx.sources.ensureForHost(norm));
    const rules = rulesFor(source);
    staged.push({ ...c, site, norm, hash: urlHash(norm), source, storyCode: storyCodeFromUrl(rules, norm), article: isArticleUrl(rules, norm) });
  }

  // 2. Stories already stored are not fetched again unless the crawl asks for a refresh.
  let fresh = staged;
  if (!scope.refresh && staged.some((s) => s.article)) {
    const known = await knownArticles(ctx, staged.filter((s) => s.article));
    fresh = staged.filter((s) => !known.has(s.norm));
    res.known = staged.length - fresh.length;
  }

  // 3. Once per run (listing pages included), and never twice in flight across processes.
  const jobs: { name: string; data: FetchJob; opts: { jobId: string; attempts: number; backoff: { type: 'custom' } } }[] = [];
  for (const s of fresh) {
    const firstInRun = await ctx.redis.sadd(k.seen, s.hash);
    if (!firstInRun) {
      res.duplicate++;
      continue;
    }
    if (scope.maxPages != null) {
      const used = await ctx.redis.incr(k.budget);
      if (used > scope.maxPages) {
        res.outOfScope++;
        continue;
      }
    }
    const claimed = await ctx.redis.set(k.claim(s.hash), runId, 'EX', CLAIM_TTL_SECONDS, 'NX');
    if (!claimed) {
      res.duplicate++;
      continue;
    }
    jobs.push({
      name: QUEUE.fetch,
      data: { url: s.norm, sourceKey: s.source.key, runId, depth: s.depth, scope, site: s.site },
      opts: { jobId: `f-${runId}-${s.hash}`, attempts: ctx.config.NEWSPIPE_FETCH_ATTEMPTS, backoff: { type: 'custom' } },
    });
  }
  await ctx.redis.expire(k.seen, 7 * 24 * 3600);
  if (jobs.length) {
    // Count before queuing: a fast worker must never see pending reach 0 early.
    await ctx.runs.addMany(runId, { pending: jobs.length, queued: jobs.length });
    await ctx.queues.fetch.addBulk(jobs);
  }
  res.queued = jobs.length;
  if (res.known) await ctx.runs.add(runId, 'skipped', res.known);
  return res;
}

/** A queued URL is done (stored, unchanged, listing walked, or failed for good). */
export async function finishUrl(ctx: AppContext, runId: string | undefined, url: string): Promise<void> {
  await ctx.redis.del(keys(ctx, runId ?? '-').claim(urlHash(url)));
  if (runId) await ctx.runs.add(runId, 'pending', -1);
}

/** Which of these article URLs are stored already: by story code from the URL, or by URL. */
async function knownArticles(ctx: AppContext, items: { norm: string; source: SourceRow; storyCode: string | null }[]): Promise<Set<string>> {
  const known = new Set<string>();
  const bySource = new Map<number, Map<string, string[]>>();
  const byUrl: string[] = [];
  for (const it of items) {
    if (it.storyCode) {
      const m = bySource.get(it.source.id) ?? new Map<string, string[]>();
      m.set(it.storyCode, [...(m.get(it.storyCode) ?? []), it.norm]);
      bySource.set(it.source.id, m);
    } else byUrl.push(it.norm);
  }
  for (const [sourceId, codes] of bySource) {
    const rows = await ctx.db.article.findMany({ where: { sourceId, storyCode: { in: [...codes.keys()] } }, select: { storyCode: true } });
    for (const r of rows) for (const u of codes.get(r.storyCode) ?? []) known.add(u);
  }
  if (byUrl.length) {
    const rows = await ctx.db.article.findMany({ where: { OR: [{ url: { in: byUrl } }, { canonicalUrl: { in: byUrl } }] }, select: { url: true, canonicalUrl: true } });
    for (const r of rows) {
      if (r.url) known.add(r.url);
      if (r.canonicalUrl) known.add(r.canonicalUrl);
    }
  }
  return known;
}

/** Starts a run from seed URLs (CLI `crawl`/`enqueue`, API, schedules). */
export async function seedRun(
  ctx: AppContext,
  urls: string[],
  opts: { scope: CrawlScope; sourceKey?: string; runId?: string },
): Promise<{ runId: string; result: SubmitResult }> {
  const runId = opts.runId ?? newRunId();
  const result = await submitUrls(
    ctx,
    runId,
    opts.scope,
    urls.map((url) => ({ url, depth: 0, sourceKey: opts.sourceKey })),
  );
  return { runId, result };
}
