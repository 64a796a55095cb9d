// The frontier: every URL that may be fetched passes here. It normalises, applies the crawl's
// depth / same-site / page-budget limits, skips stories already stored, claims the URL so no
// other process fetches it at the same time, and queues one fetch job per URL.
import { createHash } from 'node:crypto';
import type { AppContext } from '../runtime/context.js';
import { QUEUE, type CrawlScope, type FetchJob, type ListingPosition } from '../queues/jobs.js';
import { siteOf, tryNormalizeUrl } from './normalize.js';
import { newRunId, type RunCounter } from '../queues/runs.js';
import { isArticleUrl, rulesFor, storyCodeFromUrl } from '../sources/rules.js';
import type { SourceRow } from '../store/sources.js';
import { onRunDrained } from '../schedule/finalize.js';
import { luaScript, runScript } from '../queues/lua.js';
import { storedStoryCodes } from '../store/articles.js';

export interface Candidate {
  url: string;
  depth: number;
  /** Pagination of a listing: followed at the same depth. */
  pagination?: boolean;
  sourceKey?: string;
  site?: string;
  /** The page's place in the walk of an entry point (listing pages, sitemap children). */
  listing?: ListingPosition;
}

export interface SubmitResult {
  queued: number;
  known: number;
  duplicate: number;
  outOfScope: number;
  invalid: number;
  /** Not queued: another run is fetching them now (a subset of `duplicate`). */
  claimed: number;
}

/** How long a claimed URL stays claimed if its worker dies without releasing it. */
const CLAIM_TTL_SECONDS = 6 * 3600;

export const urlHash = (url: string) => createHash('sha1').update(url).digest('hex').slice(0, 24);

function keys(ctx: AppContext, runId: string) {
  const p = ctx.config.NEWSPIPE_QUEUE_PREFIX;
  return {
    /** url hash -> `owner|state` for every URL the run has admitted (see ADMIT_LUA). */
    admitted: `${p}:run:${runId}:admitted`,
    /** Items (URLs, loaded pages) the run has finished, each counted once (see FINISH_LUA). */
    finished: `${p}:run:${runId}:finished`,
    /** The run's counters and failure list: the keys RunTracker (queues/runs.ts) reads. */
    counters: `${p}:run:${runId}`,
    failures: `${p}:run:${runId}:failures`,
    budget: `${p}:run:${runId}:budget`,
    articles: `${p}:run:${runId}:articles`,
    claim: (h: string) => `${p}:claim:${h}`,
    runPrefix: `${p}:run:`,
  };
}

const RUN_KEY_TTL_SECONDS = 7 * 24 * 3600;

// Admits a batch of URLs to a run, atomically per call: marks each as seen by the run (with who
// submitted it), spends the page budget, claims it across runs, and counts the queued ones as
// pending. A submitter that runs again after a crash (the same parse job, re-run) finds the URLs
// it admitted before as "mine, queued" and queues their jobs again (same job ids: no duplicates),
// so a crash between admitting and queuing loses no URL and counts nothing twice. Stories known
// to be stored already (flag per URL) are not admitted, unless they are such a submitter's own
// (with `mineFirst`: a named submitter re-queues what it admitted, whatever it is now).
// A claim held by a run whose owning process is gone (a held run, see RunHold, whose owner key
// expired: a crawl killed mid-run) is taken over: that run will never fetch the URL, and its
// leftover job gives way (see claimHolder).
// KEYS: admitted, budget, counters. ARGV: owner, maxPages (-1 = none), claim key prefix, run id,
// claim ttl s, key ttl s, mineFirst (1/0), run key prefix, then (url hash, known 1/0) pairs. Returns per hash:
// 1 admitted now, 2 admitted and queued before by this owner, 0 duplicate in this run, 5 claimed
// by another run, 3 over the page budget, 4 stored already (not admitted; counted as skipped).
const ADMIT_LUA = `
local owner, maxPages, mineFirst = ARGV[1], tonumber(ARGV[2]), ARGV[7] == '1'
local out, queued, skipped, claimed = {}, 0, 0, 0
local function abandoned(run)
  return redis.call('HGET', ARGV[8] .. run, 'owned') == '1' and redis.call('EXISTS', ARGV[8] .. run .. ':owner') == 0
end
for i = 9, #ARGV, 2 do
  local h, known = ARGV[i], ARGV[i + 1] == '1'
  local v = redis.call('HGET', KEYS[1], h)
  if mineFirst and v == owner .. '|q' then
    out[#out + 1] = 2
  elseif known then
    skipped = skipped + 1
    out[#out + 1] = 4
  elseif v then
    out[#out + 1] = (v == owner .. '|q') and 2 or 0
  else
    local state = 'q'
    if maxPages >= 0 and redis.call('INCR', KEYS[2]) > maxPages then state = 'o'
    elseif not redis.call('SET', ARGV[3] .. h, ARGV[4], 'EX', ARGV[5], 'NX') then
      local holder = redis.call('GET', ARGV[3] .. h)
      if holder and holder ~= ARGV[4] and abandoned(holder) then redis.call('SET', ARGV[3] .. h, ARGV[4], 'EX', ARGV[5])
      else state = 'c' end
    end
    redis.call('HSET', KEYS[1], h, owner .. '|' .. state)
    if state == 'q' then queued = queued + 1; out[#out + 1] = 1
    elseif state == 'o' then out[#out + 1] = 3 else claimed = claimed + 1; out[#out + 1] = 5 end
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[6])
if maxPages >= 0 then redis.call('EXPIRE', KEYS[2], ARGV[6]) end
if queued > 0 then
  redis.call('HINCRBY', KEYS[3], 'pending', queued)
  redis.call('HINCRBY', KEYS[3], 'queued', queued)
end
if skipped > 0 then redis.call('HINCRBY', KEYS[3], 'skipped', skipped) end
if claimed > 0 then redis.call('HINCRBY', KEYS[3], 'claimed', claimed) end
if queued > 0 or skipped > 0 or claimed > 0 then redis.call('EXPIRE', KEYS[3], ARGV[6]) end
return out
`;
const ADMIT = luaScript(ADMIT_LUA);

/**
 * Queues the candidates that pass. Counts each queued URL as `pending` on the run; whoever
 * finishes the URL (fetch failure, 304, parse) calls `finishUrl`. `owner` names the submitter
 * (e.g. the page whose links these are): when it submits again after a crash, the URLs it had
 * admitted are queued again instead of being taken for duplicates.
 */
export async function submitUrls(
  ctx: AppContext,
  runId: string,
  scope: CrawlScope,
  items: Candidate[],
  opts: { owner?: string } = {},
): Promise<SubmitResult> {
  const res: SubmitResult = { queued: 0, known: 0, duplicate: 0, outOfScope: 0, invalid: 0, claimed: 0 };
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

  // 2. Stories already stored are not fetched again unless the crawl asks for a refresh (or a
  //    re-check with conditional GET).
  const known = !scope.refresh && !scope.revalidate && staged.some((s) => s.article)
    ? await knownArticles(ctx, staged.filter((s) => s.article))
    : new Set<string>();

  // 3. Once per run (listing pages included), and never twice in flight across processes; the
  //    admitted ones count as pending before their jobs exist, so a fast worker never sees
  //    pending reach 0 early. A submitter running again after a crash gets the URLs it admitted
  //    before back, whatever they are now (they are pending on the run until their fetch job
  //    finishes them). One script call does all of it.
  const owner = opts.owner ?? '-';
  const admit: Item[] = [];
  if (staged.length) {
    const codes = (await runScript(ctx.redis, ADMIT, [k.admitted, k.budget, k.counters], [
      owner, scope.maxPages ?? -1, k.claim(''), runId, CLAIM_TTL_SECONDS, RUN_KEY_TTL_SECONDS, opts.owner ? 1 : 0, k.runPrefix,
      ...staged.flatMap((s) => [s.hash, known.has(s.norm) ? 1 : 0]),
    ])) as number[];
    staged.forEach((s, i) => {
      const code = Number(codes[i]);
      if (code === 1 || code === 2) admit.push(s);
      else if (code === 3) res.outOfScope++;
      else if (code === 4) res.known++;
      else {
        res.duplicate++;
        if (code === 5) res.claimed++;
      }
    });
  }
  // Only scopes that may reach private addresses need a mark (callers pass a job's scope
  // after trustedScope, so an unmarked job cannot have its links marked here).
  const marks = scope.external ? null : await Promise.all(admit.map((s) => ctx.signer.sign('fetch', s.norm, runId)));
  const jobs = admit.map((s, i) => ({
    name: QUEUE.fetch,
    data: {
      url: s.norm, sourceKey: s.source.key, runId, depth: s.depth, scope, site: s.site,
      ...(s.listing ? { listing: s.listing } : {}), ...(marks ? { mark: marks[i] } : {}),
    } as FetchJob,
    // Listing and other navigation pages go to the front of the queue (LIFO), articles to the
    // back: a listing's next page is found only by fetching this one, so behind a queue of the
    // articles it led to, each hop of the listing would wait for all of them, and a site's
    // discovery (one page after another) would set the pace of the whole crawl.
    opts: { jobId: `f-${runId}-${s.hash}`, attempts: ctx.config.NEWSPIPE_FETCH_ATTEMPTS, backoff: { type: 'custom' as const }, lifo: !s.article },
  }));
  // Job ids are fixed per (run, URL): queuing one again while it exists is a no-op.
  if (jobs.length) await ctx.queues.fetch.addBulk(jobs);
  res.queued = jobs.length;
  return res;
}

// Finishes one item of a run once: the first call adds its counters (and failure line), later
// calls (a job re-run after a crash, a command resent after a lost reply) change nothing. A URL's
// claim (KEYS[4], when given) is released either way, if the run still holds it. Returns
// {counted now (1/0), pending}.
// KEYS: finished, counters, failures[, claim]. ARGV: item, key ttl s, failure line ('' = none),
// run id, then counter/increment pairs.
const FINISH = luaScript(`
if KEYS[4] and redis.call('GET', KEYS[4]) == ARGV[4] then redis.call('DEL', KEYS[4]) end
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
  return {0, tonumber(redis.call('HGET', KEYS[2], 'pending') or '0')}
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
for i = 5, #ARGV, 2 do redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[2], ARGV[2])
if ARGV[3] ~= '' then
  redis.call('RPUSH', KEYS[3], ARGV[3])
  redis.call('LTRIM', KEYS[3], 0, 999)
  redis.call('EXPIRE', KEYS[3], ARGV[2])
end
return {1, tonumber(redis.call('HGET', KEYS[2], 'pending') or '0')}
`);

export type RunIncrements = Partial<Record<RunCounter, number>>;

async function finish(ctx: AppContext, runId: string, item: string, by: RunIncrements, failure: string | undefined, claim?: string) {
  const k = keys(ctx, runId);
  const pairs = Object.entries(by).filter(([, n]) => n).flatMap(([f, n]) => [f, String(n)]);
  const [counted, pending] = (await runScript(ctx.redis, FINISH, [k.finished, k.counters, k.failures, ...(claim ? [claim] : [])], [
    item, RUN_KEY_TTL_SECONDS, failure ?? '', runId, ...pairs,
  ])) as [number, number];
  return { counted: Number(counted) === 1, pending: Number(pending) };
}

/**
 * Counts `by` (and `failure`, a line for the run's failure list) for `item` of the run, once
 * however often it is called. Returns whether this call counted it.
 */
export async function finishItem(ctx: AppContext, runId: string, item: string, by: RunIncrements, failure?: string): Promise<boolean> {
  return (await finish(ctx, runId, item, by, failure)).counted;
}

/**
 * A queued URL is done (stored, unchanged, listing walked, or failed for good): its claim is
 * released and, once per URL and run, it stops being pending and `by` is counted, in one script.
 * The call that finds the run's `pending` at 0 ends its CrawlRun, if it has one (see
 * schedule/finalize.ts); a re-run of that call does it again, harmlessly.
 */
export async function finishUrl(ctx: AppContext, runId: string | undefined, url: string, by: RunIncrements = {}, failure?: string): Promise<void> {
  const claim = keys(ctx, runId ?? '-').claim(urlHash(url));
  if (!runId) {
    await ctx.redis.del(claim);
    return;
  }
  const { pending } = await finish(ctx, runId, `url:${urlHash(url)}`, { ...by, pending: -1 }, failure, claim);
  if (pending <= 0) await onRunDrained(ctx, runId);
}

/** The run that holds the URL's claim now, or null when nobody does. */
export async function claimHolder(ctx: AppContext, url: string): Promise<string | null> {
  return ctx.redis.get(keys(ctx, '-').claim(urlHash(url)));
}

/**
 * Splits a listing page's story links into its own (not shown on an earlier page of the same
 * walk) and repeated ones (site chrome: "latest news" and "most read" boxes shown on every page).
 */
export async function splitWalk(ctx: AppContext, runId: string, walk: string, urls: string[]): Promise<{ own: string[]; repeated: string[] }> {
  if (!urls.length) return { own: [], repeated: [] };
  const key = `${ctx.config.NEWSPIPE_QUEUE_PREFIX}:run:${runId}:walk:${walk}`;
  const m = ctx.redis.multi();
  for (const u of urls) m.sadd(key, urlHash(tryNormalizeUrl(u) ?? u));
  m.expire(key, 24 * 3600);
  const res = (await m.exec()) ?? [];
  const own: string[] = [];
  const repeated: string[] = [];
  urls.forEach((u, i) => (Number(res[i]?.[1]) === 1 ? own : repeated).push(u));
  return { own, repeated };
}

/**
 * Counts article URLs a run found on its entry points (listings, feeds, sitemaps), each once per
 * run, as the run's `total`. Returns how many were not counted before.
 */
export async function countDiscovered(ctx: AppContext, runId: string, urls: string[]): Promise<number> {
  if (!urls.length) return 0;
  const k = keys(ctx, runId);
  const m = ctx.redis.multi();
  for (const u of urls) m.sadd(k.articles, urlHash(tryNormalizeUrl(u) ?? u));
  m.expire(k.articles, 7 * 24 * 3600);
  const res = (await m.exec()) ?? [];
  const added = res.slice(0, urls.length).reduce((n, [, v]) => n + (Number(v) || 0), 0);
  if (added) await ctx.runs.add(runId, 'total', added);
  return added;
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
  // Plain SQL: this runs for every parsed page, and the ORM's per-query cost dominated it.
  for (const [sourceId, codes] of bySource) {
    for (const code of await storedStoryCodes(ctx.db, sourceId, [...codes.keys()])) for (const u of codes.get(code) ?? []) known.add(u);
  }
  if (byUrl.length) {
    const rows = await ctx.db.pool.query<{ url: string | null; canonicalUrl: string | null }>(
      `SELECT url, "canonicalUrl" FROM "Article" WHERE url = ANY($1::text[]) OR "canonicalUrl" = ANY($1::text[])`,
      [byUrl],
    );
    for (const r of rows.rows) {
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
