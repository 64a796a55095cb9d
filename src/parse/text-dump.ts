// Parser for pages saved as text (the format of seeds/000_dfeb03326fbda3cc.txt):
//
//    date 2021-12-08 0                      header: save date, index
//   Wednesday 8 December 2021 - 11:05       published, source-local time
//   <title>
//   Story Code : 967483
//   <title again>
//   <paragraph>                             paragraphs separated by lines of NBSP
//   Related Stories                         title, then a snippet "Islam Times - ..."
//   Comment
//   Featured Stories                        title (often twice, once maybe truncated), date line
//
// The section labels are the page's own words, so they are what we key on.
import { ParseError, type ParseContext, type ParsedArticle, type ParsedLink } from './types.js';
import { isoDay, monthNumber, zonedTimeToUtc } from './time.js';

const HEADER_RE = /^\s*date\s+(\d{4})-(\d{2})-(\d{2})\b/;
const STORY_CODE_RE = /^\s*Story\s*Code\s*:\s*(\S+)\s*$/i;
// "Wednesday 8 December 2021 - 11:05" (weekday optional, 12 or 24 h clock).
const DATETIME_RE =
  /^\s*(?:[A-Za-z]+,?\s+)?(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})(?:\s*[-–,|]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*$/;
const DAY_RE = /^\s*(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})\s*$/;
const SNIPPET_PREFIX_RE = /^\s*Islam\s+Times\s*[-–—]\s*/i;
const SECTION = { related: /^related stories$/i, comment: /^comments?$/i, featured: /^featured stories$/i };

/** A line with nothing but whitespace, NBSP included, separates blocks. */
function clean(line: string): string {
  return line.replace(/[\s\u00a0\u200b\ufeff]+/g, ' ').trim();
}

/** Cheap check used to route content: does this look like a saved text page? */
export function looksLikeTextDump(content: string): boolean {
  const head = content.slice(0, 600).replace(/^\ufeff/, '');
  return HEADER_RE.test(head.split('\n', 1)[0] ?? '') || /^\s*Story\s*Code\s*:/im.test(head);
}

function parseDateTime(line: string, tz: string): Date | null {
  const m = DATETIME_RE.exec(line);
  if (!m) return null;
  const month = monthNumber(m[2]);
  if (!month) return null;
  let hour = m[4] ? Number(m[4]) : 0;
  const ampm = m[7]?.toLowerCase();
  if (ampm === 'pm' && hour < 12) hour += 12;
  if (ampm === 'am' && hour === 12) hour = 0;
  return zonedTimeToUtc(Number(m[3]), month, Number(m[1]), hour, m[5] ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0, tz);
}

function parseDay(line: string): string | null {
  const m = DAY_RE.exec(line);
  if (!m) return null;
  const month = monthNumber(m[2]);
  return month ? isoDay(Number(m[3]), month, Number(m[1])) : null;
}

const normTitle = (s: string) => s.replace(/(\.\.\.|…)$/, '').trim().toLowerCase();

/** One title shown twice, or cut short once, is the same item: keep the longest form. */
function sameTitle(a: string, b: string): boolean {
  const x = normTitle(a);
  const y = normTitle(b);
  return x === y || (x.length >= 12 && y.startsWith(x)) || (y.length >= 12 && x.startsWith(y));
}

function parseRelated(lines: string[]): ParsedLink[] {
  const out: ParsedLink[] = [];
  for (const line of lines) {
    if (SNIPPET_PREFIX_RE.test(line) && out.length > 0 && !out[out.length - 1].snippet) {
      out[out.length - 1].snippet = line.replace(SNIPPET_PREFIX_RE, '').trim();
    } else if (!SNIPPET_PREFIX_RE.test(line)) {
      out.push({ title: line, url: null, snippet: null });
    }
  }
  return out;
}

function parseFeatured(lines: string[]): ParsedLink[] {
  const out: ParsedLink[] = [];
  let open: ParsedLink | null = null;
  for (const line of lines) {
    const day = parseDay(line);
    if (day) {
      if (open) {
        open.date = day;
        open = null;
      }
      continue;
    }
    if (open && sameTitle(open.title, line)) {
      if (normTitle(line).length > normTitle(open.title).length) open.title = line;
      continue;
    }
    // A new title while the previous item had no date: that item simply has none.
    open = { title: line, url: null, date: null };
    out.push(open);
  }
  return out;
}

/**
 * Parses a saved text page. Throws ParseError when the page has no story code, no title or
 * no body; an unparseable date is a warning, not a failure.
 */
export function parseTextDump(content: string, ctx: ParseContext = {}): ParsedArticle {
  const tz = ctx.timezone ?? 'UTC';
  if (!content || !content.trim()) throw new ParseError('empty', 'the file is empty');
  if (content.includes('\u0000')) throw new ParseError('invalid-input', 'the file holds binary data (NUL bytes), not a text page');
  const lines = content.replace(/^\ufeff/, '').split(/\r\n|\r|\n/).map(clean);

  const warnings: string[] = [];
  const origins: ParsedArticle['origins'] = {};
  let i = 0;
  while (i < lines.length && lines[i] === '') i++;
  let headerDay: string | null = null;
  const hm = i < lines.length ? HEADER_RE.exec(lines[i]) : null;
  if (hm) {
    headerDay = `${hm[1]}-${hm[2]}-${hm[3]}`;
    i++;
  }

  const codeAt = lines.findIndex((l, k) => k >= i && STORY_CODE_RE.test(l));
  if (codeAt < 0) throw new ParseError('no-story-code', 'no "Story Code : N" line in the text page');
  const storyCode = STORY_CODE_RE.exec(lines[codeAt])![1];
  origins.storyCode = 'label';

  // Between the header and the story code: the date-time line, then the title. Either may
  // be missing; the title is repeated right after the story code, so it can come from there.
  const head = lines.slice(i, codeAt).filter(Boolean);
  let publishedAt: Date | null = null;
  let title = '';
  if (head.length > 0) {
    publishedAt = parseDateTime(head[0], tz);
    if (publishedAt) {
      origins.publishedAt = 'text';
      title = head.slice(1).join(' ');
    } else if (head.length >= 2) {
      warnings.push(`unparseable date line: ${JSON.stringify(head[0].slice(0, 80))}`);
      title = head.slice(1).join(' ');
    } else {
      title = head[0];
    }
  }
  let k = codeAt + 1;
  while (k < lines.length && lines[k] === '') k++;
  if (k < lines.length && title && lines[k] === title) k++;
  else if (!title && k < lines.length) title = lines[k++];
  if (!title) throw new ParseError('no-title', 'no title before the story code line');
  origins.title = 'text';

  const sectionAt = (re: RegExp, from: number) => {
    for (let j = from; j < lines.length; j++) if (re.test(lines[j])) return j;
    return -1;
  };
  const relatedAt = sectionAt(SECTION.related, k);
  const featuredAt = sectionAt(SECTION.featured, k);
  const commentAt = sectionAt(SECTION.comment, k);
  const bodyEnd = [relatedAt, commentAt, featuredAt].filter((x) => x >= 0).reduce((a, b) => Math.min(a, b), lines.length);

  const body = lines.slice(k, bodyEnd).filter(Boolean);
  if (body.length === 0) throw new ParseError('no-body', 'no body paragraphs after the title');
  origins.body = 'text';

  const related =
    relatedAt >= 0
      ? parseRelated(lines.slice(relatedAt + 1, [commentAt, featuredAt].filter((x) => x > relatedAt).reduce((a, b) => Math.min(a, b), lines.length)).filter(Boolean))
      : [];
  const featured =
    featuredAt >= 0
      ? parseFeatured(lines.slice(featuredAt + 1, [relatedAt, commentAt].filter((x) => x > featuredAt).reduce((a, b) => Math.min(a, b), lines.length)).filter(Boolean))
      : [];

  if (!publishedAt && headerDay) warnings.push(`no publication time; the header only gives the day ${headerDay}`);

  return {
    storyCode,
    url: ctx.url ?? null,
    canonicalUrl: null,
    title,
    lead: null,
    body,
    author: null,
    publishedAt,
    modifiedAt: null,
    language: null,
    imageUrl: null,
    tags: [],
    related,
    featured,
    origins,
    warnings,
  };
}
