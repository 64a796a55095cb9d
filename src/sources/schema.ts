// The sources file (seeds/sources.yaml): what a user declares about each news site.
// Objects are strict: a misspelt field is an error naming it, not silently ignored.
import { z } from 'zod';
import { CronExpressionParser } from 'cron-parser';
import { isValidTimeZone } from '../parse/time.js';
import { parseDuration } from './duration.js';

const regex = z.string().refine((v) => {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

const timeZone = z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Tehran');

/** A duration such as `30s`, `15m`, `2h`, `1d` or `1h30m`, at least `minMs`. */
const duration = (minMs: number, what = 'a duration') =>
  z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v),
    z
      .string({ error: `must be ${what} such as 30s, 15m, 2h or 1d` })
      .refine((v) => parseDuration(v) !== null, { message: `must be ${what} such as 30s, 15m, 2h or 1d`, abort: true })
      .refine((v) => (parseDuration(v) ?? 0) >= minMs, `must be at least ${minMs >= 1000 ? `${minMs / 1000}s` : `${minMs}ms`}`),
  );

function cronProblem(expr: string, tz?: string): string | null {
  try {
    CronExpressionParser.parse(expr, tz && isValidTimeZone(tz) ? { tz } : {});
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

export const ENTRY_POINT_TYPES = ['listing', 'rss', 'atom', 'feed', 'sitemap'] as const;
export type EntryPointType = (typeof ENTRY_POINT_TYPES)[number];

export const entryPointSchema = z.strictObject({
  /**
   * `listing`: an HTML page of story links, walked through its "next page" links;
   * `rss` / `atom` / `feed`: a feed (RSS 2.0, RSS 1.0 or Atom, told apart by content);
   * `sitemap`: a sitemap, a sitemap index (its child sitemaps are read) or a Google News sitemap.
   */
  type: z.enum(ENTRY_POINT_TYPES),
  url: z.url(),
  /**
   * Listing pages: follow "next page" links up to this many pages per run (a scheduled run
   * also stops at the first page whose stories are all stored). Sitemap indexes: read at most
   * this many child sitemaps, in the order the index lists them.
   */
  maxPages: z.number().int().min(1).max(10_000).optional(),
});

export const scheduleSchema = z
  .strictObject({
    /** Run every so often: `15m`, `1h`, `30s` (at least 1s). */
    every: duration(1000, 'an interval').optional(),
    /** Or on a cron expression (5 fields, or 6 with seconds), e.g. `*\/15 * * * *`. */
    cron: z.string().min(1).optional(),
    /** Time zone of the cron expression; default: the source's timezone. */
    tz: timeZone.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.every === undefined && s.cron === undefined) ctx.addIssue({ code: 'custom', message: 'needs either `every` (e.g. 15m) or `cron` (e.g. "*/15 * * * *")' });
    if (s.every !== undefined && s.cron !== undefined) ctx.addIssue({ code: 'custom', message: 'has both `every` and `cron`; use one' });
    if (s.every !== undefined && s.tz !== undefined) ctx.addIssue({ code: 'custom', path: ['tz'], message: 'applies to `cron` only' });
    if (s.cron !== undefined) {
      const problem = cronProblem(s.cron, s.tz);
      if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: `is not a valid cron expression (${problem})` });
    }
  });

export const recheckSchema = z.strictObject({
  /** Stories published (or, without a date, first stored) this recently are re-checked; `0` turns re-checks off. */
  window: duration(0).default('48h'),
  /** At most this many stories per run, newest first. */
  limit: z.number().int().min(0).max(100_000).default(200),
});

export const sourceSchema = z
  .strictObject({
    key: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be lower-case letters, digits, _ . - (start with a letter or digit)'),
    name: z.string().min(1),
    baseUrl: z.url(),
    timezone: timeZone.default('UTC'),
    language: z.string().min(2).max(8).optional(),
    parserProfile: z.enum(['islamtimes', 'generic']).default('generic'),
    /** URLs (absolute) that are article pages. */
    articlePattern: regex.optional(),
    /** Where the story code comes from, in order of preference. */
    storyCode: z
      .strictObject({
        /** A regex on the URL whose first capture group is the story code. */
        urlPattern: regex.optional(),
        /** `url` (urlPattern), `label` (the page's "Story Code : N"), `jsonld` (NewsArticle @id/identifier), `hash` (fallback: a hash of the canonical URL). */
        from: z.array(z.enum(['url', 'label', 'jsonld', 'hash'])).default(['label', 'url', 'jsonld', 'hash']),
      })
      .optional(),
    /** Where a crawl of the source starts: listing pages, feeds, sitemaps. */
    entryPoints: z.array(entryPointSchema).default([]),
    politeness: z
      .strictObject({
        maxConcurrent: z.number().int().min(1).max(64).default(2),
        minDelayMs: z.number().int().min(0).max(600_000).default(1000),
      })
      .optional(),
    /** When to crawl the entry points (`every: 30m`, or `cron:` + optional `tz:`). */
    schedule: scheduleSchema.optional(),
    /** Re-checking recent stories for updates (conditional GET; a change is a new revision). */
    recheck: recheckSchema.optional(),
    /** A run still going after this long is ended as failed, and the next one may start. */
    runTimeout: duration(10_000).default('2h'),
    /** At most this many URLs queued per run (listing pages, feeds and stories together). */
    maxPagesPerRun: z.number().int().min(1).max(1_000_000).optional(),
    enabled: z.boolean().default(true),
  })
  .superRefine((s, ctx) => {
    if (s.schedule && s.entryPoints.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['entryPoints'], message: 'a scheduled source needs at least one entry point (listing, feed or sitemap)' });
    }
  });

export const sourcesFileSchema = z.strictObject({ sources: z.array(sourceSchema) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.sources.forEach((s, i) => {
    if (seen.has(s.key)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'key'], message: `duplicate source key "${s.key}"` });
    seen.add(s.key);
  });
});

export type SourceDef = z.infer<typeof sourceSchema>;
export type SourceInput = z.input<typeof sourceSchema>;
export type EntryPoint = z.infer<typeof entryPointSchema>;
export type ScheduleDef = z.infer<typeof scheduleSchema>;
