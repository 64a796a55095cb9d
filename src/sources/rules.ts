// What a source says about its URLs: which are articles, and which carry the story code.
import type { SourceDef } from './schema.js';

export interface SourceRules {
  key: string;
  parserProfile: string;
  articlePattern: RegExp | null;
  storyCodePattern: RegExp | null;
  politeness?: { maxConcurrent: number; minDelayMs: number };
}

/** Built-in URL rules of each site profile, used when the source file does not say. */
const PROFILE_DEFAULTS: Record<string, { article: RegExp; storyCode: RegExp }> = {
  // Islam Times: /en/news/967483/slug (language code, "news", the story code).
  islamtimes: { article: /\/[a-z]{2}\/news\/\d+(?:\/|$)/, storyCode: /\/news\/(\d+)(?:\/|$)/ },
};

interface SourceLike {
  key: string;
  parserProfile: string;
  config?: unknown;
}

const cache = new WeakMap<object, SourceRules>();

export function rulesFor(source: SourceLike): SourceRules {
  const hit = cache.get(source);
  if (hit) return hit;
  const def = (source.config ?? {}) as Partial<SourceDef>;
  const profile = PROFILE_DEFAULTS[source.parserProfile];
  const rules: SourceRules = {
    key: source.key,
    parserProfile: source.parserProfile,
    articlePattern: def.articlePattern ? new RegExp(def.articlePattern) : (profile?.article ?? null),
    storyCodePattern: def.storyCode?.urlPattern ? new RegExp(def.storyCode.urlPattern) : (profile?.storyCode ?? null),
    politeness: def.politeness as SourceRules['politeness'],
  };
  cache.set(source, rules);
  return rules;
}

/**
 * Is this URL an article page (rather than a listing, feed or section)? With no pattern, a
 * path that ends in a long slug, a numeric id or `.html` looks like an article.
 */
export function isArticleUrl(rules: SourceRules, url: string): boolean {
  if (rules.articlePattern) return rules.articlePattern.test(url);
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  const last = path.split('/').filter(Boolean).pop() ?? '';
  return /\d{5,}/.test(path) || /\.s?html?$/i.test(last) || last.split('-').length >= 4;
}

/** The story code a URL reveals, if the source's pattern finds one. */
export function storyCodeFromUrl(rules: SourceRules, url: string): string | null {
  if (!rules.storyCodePattern) return null;
  const m = rules.storyCodePattern.exec(url);
  return m?.[1] ?? null;
}
