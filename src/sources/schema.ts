// The sources file (seeds/sources.yaml): what a user declares about each news site.
import { z } from 'zod';
import { isValidTimeZone } from '../parse/time.js';

const regex = z.string().refine((v) => {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

export const entryPointSchema = z.object({
  type: z.enum(['listing', 'rss', 'atom', 'feed', 'sitemap']),
  url: z.url(),
  /** Listing pages: follow "next page" links up to this many pages. */
  maxPages: z.number().int().min(1).max(10_000).optional(),
});

export const sourceSchema = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be lower-case letters, digits, _ . - (start with a letter or digit)'),
  name: z.string().min(1),
  baseUrl: z.url(),
  timezone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Tehran').default('UTC'),
  language: z.string().min(2).max(8).optional(),
  parserProfile: z.enum(['islamtimes', 'generic']).default('generic'),
  /** URLs (absolute) that are article pages. */
  articlePattern: regex.optional(),
  /** Where the story code comes from, in order of preference. */
  storyCode: z
    .object({
      /** A regex on the URL whose first capture group is the story code. */
      urlPattern: regex.optional(),
      from: z.array(z.enum(['url', 'label', 'jsonld', 'hash'])).default(['label', 'url', 'jsonld', 'hash']),
    })
    .optional(),
  entryPoints: z.array(entryPointSchema).default([]),
  politeness: z
    .object({
      maxConcurrent: z.number().int().min(1).max(64).default(2),
      minDelayMs: z.number().int().min(0).max(600_000).default(1000),
    })
    .optional(),
  schedule: z
    .union([
      z.object({ every: z.string().regex(/^\d+\s*(s|m|h|d)$/, 'must look like 15m, 1h, 30s or 1d') }),
      z.object({ cron: z.string().min(9), tz: z.string().refine(isValidTimeZone, 'must be an IANA time zone').optional() }),
    ])
    .optional(),
  enabled: z.boolean().default(true),
});

export const sourcesFileSchema = z.object({ sources: z.array(sourceSchema) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.sources.forEach((s, i) => {
    if (seen.has(s.key)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'key'], message: `duplicate source key "${s.key}"` });
    seen.add(s.key);
  });
});

export type SourceDef = z.infer<typeof sourceSchema>;
