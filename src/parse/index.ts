// Routes a page to its parser: saved text pages, a site profile, or the generic extractor.
// Every parser is a pure function of (content, context); only ParseError leaves this module.
import { extractArticle } from './generic/index.js';
import { parseIslamTimesHtml } from './profiles/islamtimes.js';
import { looksLikeTextDump, parseTextDump } from './text-dump.js';
import { ParseError, type ParseContext, type ParsedArticle } from './types.js';
import { MAX_PAGE_BYTES_CEILING } from '../config.js';

export { ParseError } from './types.js';
export type { ParsedArticle, ParsedLink, ParseContext } from './types.js';

export type ParserProfile = 'islamtimes' | 'generic';

type HtmlParser = (html: string, ctx: ParseContext) => ParsedArticle;

/** One entry per site profile; everything else goes to the generic extractor. */
const PROFILES: Record<ParserProfile, HtmlParser> = {
  islamtimes: parseIslamTimesHtml,
  generic: extractArticle,
};

export interface PageInput {
  content: string;
  contentType?: string | null;
  /** File name of a loaded page; `.txt` means the saved-text format. */
  path?: string | null;
  url?: string | null;
}

export interface ParseTarget {
  parserProfile?: string | null;
  timezone?: string | null;
  key?: string | null;
}

/**
 * Characters beyond which a page is refused rather than parsed (bounded work per page). Load and
 * fetch refuse a page over NEWSPIPE_MAX_PAGE_BYTES before it is stored, and no charset decodes
 * to more UTF-16 units than it had bytes, so this default, the highest that setting can be, never
 * refuses a page they let through. A caller holding the configuration may pass the exact limit.
 */
export const MAX_PARSE_CHARS = MAX_PAGE_BYTES_CEILING;

export interface ParseLimits {
  /** Default MAX_PARSE_CHARS. */
  maxChars?: number;
}

export function isTextPage(input: PageInput): boolean {
  if (input.contentType && /^text\/plain\b/i.test(input.contentType)) return true;
  if (input.path && /\.txt$/i.test(input.path)) return true;
  return !/^\s*</.test(input.content.slice(0, 512)) && looksLikeTextDump(input.content);
}

export function parsePage(input: PageInput, target: ParseTarget = {}, limits: ParseLimits = {}): ParsedArticle {
  const maxChars = limits.maxChars ?? MAX_PARSE_CHARS;
  if (input.content.length > maxChars) {
    throw new ParseError('too-large', `page is ${input.content.length} characters, over the ${maxChars}-character limit`);
  }
  const ctx: ParseContext = { url: input.url ?? null, timezone: target.timezone ?? undefined, sourceKey: target.key ?? undefined };
  try {
    if (isTextPage(input)) return parseTextDump(input.content, ctx);
    // Each HTML parser bounds its own work on pages nested absurdly deep (see light-dom.ts).
    const profile = (target.parserProfile ?? 'generic') as ParserProfile;
    const parser = PROFILES[profile] ?? PROFILES.generic;
    return parser(input.content, ctx);
  } catch (err) {
    if (err instanceof ParseError) throw err;
    // A parser bug must not take the worker down or hide the page: report it as this page's error.
    throw new ParseError('invalid-input', `parser failed: ${(err as Error)?.message ?? String(err)}`);
  }
}
