// The fixture site's content: a deterministic list of articles, each generated on demand
// from (seed, index). Index 0 is the oldest article; related and featured links only point
// to older articles, so a page never changes when articles are added.

import { zoneOffsetMinutes } from '../../src/parse/time.js';
import { islamTimesSlug } from '../../src/parse/profiles/islamtimes.js';
import { Rng } from './prng.js';
import { makeLead, makeParagraph, makeSubheading, makeTags, makeTitle, truncateWords } from './text.js';

export const SITE_TZ = 'Asia/Tehran';
export const SITE_NAME = 'Islam Times';

/** How an article page is laid out; the profile must read all of them the same way. */
export type PageVariant = 'div' | 'br' | 'table' | 'article';
export const VARIANTS: readonly PageVariant[] = ['div', 'br', 'table', 'article'];

export interface ExpectedLink {
  title: string;
  url: string;
  snippet?: string | null;
  date?: string | null;
}

/** Ground truth for one article, as a parser should report it. */
export interface ExpectedArticle {
  index: number;
  storyCode: string;
  /** Absolute canonical URL. */
  url: string;
  path: string;
  title: string;
  /** og:description without the leading `Islam Times - `. */
  lead: string;
  /** UTC instant, ISO 8601 (`2021-12-08T07:35:00.000Z`). */
  publishedAt: string;
  /** As printed on the page: `Wednesday 8 December 2021 - 11:05`. */
  printedDate: string;
  /** With offset, as in JSON-LD: `2021-12-08T11:05:00+03:30`. */
  publishedLocalIso: string;
  body: string[];
  related: Array<{ title: string; url: string; snippet: string | null }>;
  featured: Array<{ title: string; url: string; date: string | null }>;
  tags: string[];
  imageUrl: string;
  language: 'en';
  variant: PageVariant;
  /** Whether the page carries JSON-LD (the `table` variant has none). */
  hasJsonLd: boolean;
}

export interface ArticleContent {
  index: number;
  storyCode: number;
  title: string;
  slug: string;
  lead: string;
  /** Body blocks in order; `h` marks a subheading. */
  blocks: Array<{ text: string; h?: boolean; link?: { index: number; words: number } }>;
  tags: string[];
  related: Array<{ index: number; snippet: string }>;
  featured: Array<{ index: number; truncated: string | null; dated: boolean }>;
  variant: PageVariant;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface LocalTime {
  y: number; m: number; d: number; hh: number; mi: number; weekday: number; offsetMin: number;
}

export function localTime(utcMs: number, tz = SITE_TZ): LocalTime {
  const offsetMin = zoneOffsetMinutes(tz, utcMs);
  const t = new Date(utcMs + offsetMin * 60000);
  return {
    y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), hh: t.getUTCHours(), mi: t.getUTCMinutes(),
    weekday: t.getUTCDay(), offsetMin,
  };
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** `Wednesday 8 December 2021 - 11:05` */
export function printedDateTime(lt: LocalTime): string {
  return `${DAY_NAMES[lt.weekday]} ${lt.d} ${MONTH_NAMES[lt.m - 1]} ${lt.y} - ${p2(lt.hh)}:${p2(lt.mi)}`;
}

/** `Wednesday 8 December 2021` */
export function printedWeekdayDate(lt: LocalTime): string {
  return `${DAY_NAMES[lt.weekday]} ${lt.d} ${MONTH_NAMES[lt.m - 1]} ${lt.y}`;
}

/** `8 December 2021` */
export function printedDay(lt: LocalTime): string {
  return `${lt.d} ${MONTH_NAMES[lt.m - 1]} ${lt.y}`;
}

export function isoDayOf(lt: LocalTime): string {
  return `${lt.y}-${p2(lt.m)}-${p2(lt.d)}`;
}

/** `2021-12-08T11:05:00+03:30` */
export function localIso(lt: LocalTime): string {
  const sign = lt.offsetMin < 0 ? '-' : '+';
  const o = Math.abs(lt.offsetMin);
  return `${isoDayOf(lt)}T${p2(lt.hh)}:${p2(lt.mi)}:00${sign}${p2(Math.floor(o / 60))}:${p2(o % 60)}`;
}

export interface ModelOptions {
  seed: number;
  /** UTC ms of article 0. */
  startMs: number;
  /** Minutes between consecutive articles, inclusive range. */
  gapMinutes: [number, number];
  variants: readonly PageVariant[];
}

export class SiteModel {
  readonly opts: ModelOptions;
  /** UTC ms of each article, ascending. */
  private times: number[] = [];
  private codes: number[] = [];
  private codeIndex = new Map<number, number>();
  private titleCache = new Map<number, string>();
  private leadCache = new Map<number, string>();
  private pathCache = new Map<number, string>();
  private localCache = new Map<number, LocalTime>();

  constructor(opts: ModelOptions, count: number) {
    this.opts = opts;
    this.extend(count);
  }

  get count(): number {
    return this.times.length;
  }

  extend(n: number): void {
    const [gmin, gmax] = this.opts.gapMinutes;
    for (let k = 0; k < n; k++) {
      const i = this.times.length;
      const r = new Rng(this.opts.seed, i, 'time');
      const t = i === 0 ? Math.floor(this.opts.startMs / 60000) * 60000 : this.times[i - 1] + r.int(gmin, gmax) * 60000;
      this.times.push(t);
      // distinct, increasing, not sequential: 900000 + 7i + (0..6)
      const code = 900000 + i * 7 + (new Rng(this.opts.seed, i, 'code').int(0, 6));
      this.codes.push(code);
      this.codeIndex.set(code, i);
    }
  }

  time(i: number): number {
    return this.times[i];
  }

  storyCode(i: number): number {
    return this.codes[i];
  }

  indexOfCode(code: number): number | undefined {
    return this.codeIndex.get(code);
  }

  title(i: number): string {
    let t = this.titleCache.get(i);
    if (t === undefined) {
      t = makeTitle(new Rng(this.opts.seed, i, 'title'));
      this.titleCache.set(i, t);
    }
    return t;
  }

  slug(i: number): string {
    return islamTimesSlug(this.title(i));
  }

  path(i: number): string {
    let p = this.pathCache.get(i);
    if (p === undefined) {
      p = `/en/news/${this.codes[i]}/${this.slug(i)}`;
      this.pathCache.set(i, p);
    }
    return p;
  }

  /** Publication time of article i as local (Tehran) wall time. */
  local(i: number): LocalTime {
    let t = this.localCache.get(i);
    if (t === undefined) {
      t = localTime(this.times[i]);
      this.localCache.set(i, t);
    }
    return t;
  }

  lead(i: number): string {
    let t = this.leadCache.get(i);
    if (t === undefined) {
      t = makeLead(new Rng(this.opts.seed, i, 'lead'));
      this.leadCache.set(i, t);
    }
    return t;
  }

  /** Related-story teaser as shown under a link (without the `Islam Times - ` prefix). */
  snippet(i: number): string {
    return `${truncateWords(this.lead(i), 140)} ...`;
  }

  variant(i: number): PageVariant {
    const v = this.opts.variants;
    return v[new Rng(this.opts.seed, i, 'variant').int(0, v.length - 1)];
  }

  content(i: number): ArticleContent {
    const r = new Rng(this.opts.seed, i, 'body');
    const variant = this.variant(i);
    const blocks: ArticleContent['blocks'] = [];
    const nPara = r.int(4, 14);
    for (let k = 0; k < nPara; k++) {
      if (variant === 'article' && k > 1 && r.chance(0.15)) blocks.push({ text: makeSubheading(r), h: true });
      const text = makeParagraph(r, k === 0 ? 2 : 1, 4);
      const block: ArticleContent['blocks'][number] = { text };
      // inline link to an older story on some paragraphs
      if (i > 0 && r.chance(0.12)) block.link = { index: r.int(Math.max(0, i - 500), i - 1), words: r.int(2, 4) };
      blocks.push(block);
    }
    const related: ArticleContent['related'] = [];
    if (i > 0) {
      const rr = new Rng(this.opts.seed, i, 'related');
      const n = rr.chance(0.1) ? 0 : rr.int(1, 3);
      const lo = Math.max(0, i - 300);
      const seen = new Set<number>();
      for (let k = 0; k < n * 3 && related.length < n; k++) {
        const j = rr.int(lo, i - 1);
        if (seen.has(j)) continue;
        seen.add(j);
        related.push({ index: j, snippet: this.snippet(j) });
      }
    }
    const featured: ArticleContent['featured'] = [];
    {
      const fr = new Rng(this.opts.seed, i, 'featured');
      const picks = new Set<number>();
      for (let j = i - 1; j >= Math.max(0, i - 7); j--) picks.add(j);
      for (let k = 0; k < 12 && picks.size < 13 && i > 8; k++) picks.add(fr.int(0, i - 8));
      const ordered = [...picks].sort((a, b) => b - a);
      ordered.forEach((j, k) => {
        const full = this.title(j);
        let truncated: string | null = null;
        if (fr.chance(0.25) && full.split(' ').length > 4) {
          truncated = truncateWords(full, Math.max(12, Math.floor(full.length * fr.float() * 0.7)));
          if (truncated === full) truncated = null;
          else if (fr.chance(0.3)) truncated += '…';
        }
        featured.push({ index: j, truncated, dated: k > 0 });
      });
    }
    return {
      index: i,
      storyCode: this.codes[i],
      title: this.title(i),
      slug: this.slug(i),
      lead: this.lead(i),
      blocks,
      tags: makeTags(new Rng(this.opts.seed, i, 'tags')),
      related,
      featured,
      variant,
    };
  }

  expected(i: number, base: string): ExpectedArticle {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`no article ${i}`);
    const c = this.content(i);
    const lt = this.local(i);
    const abs = (p: string) => new URL(p, base).href;
    return {
      index: i,
      storyCode: String(c.storyCode),
      url: abs(this.path(i)),
      path: this.path(i),
      title: c.title,
      lead: c.lead,
      publishedAt: new Date(this.times[i]).toISOString(),
      printedDate: printedDateTime(lt),
      publishedLocalIso: localIso(lt),
      body: c.blocks.map((b) => b.text),
      related: c.related.map((x) => ({ title: this.title(x.index), url: abs(this.path(x.index)), snippet: x.snippet })),
      featured: c.featured.map((x) => ({
        title: this.title(x.index),
        url: abs(this.path(x.index)),
        date: x.dated ? isoDayOf(this.local(x.index)) : null,
      })),
      tags: c.tags,
      imageUrl: abs(`/images/upload/${c.storyCode}.jpg`),
      language: 'en',
      variant: c.variant,
      hasJsonLd: c.variant !== 'table',
    };
  }
}
