// Field resolution: each metadata field is taken from the first source that has it, in a
// fixed order (structured data before prose), and remembers where it came from so
// `newspipe parse` can show why a value is what it is. Sources: JSON-LD, OpenGraph
// (og:, article:), Twitter cards, plain <meta> names (author, pubdate, parsely-*, dc.*,
// sailthru.*), itemprop microdata, <time> and the URL.

import type { FieldOrigin } from '../types.js';
import { authorFromBylines, authorFromMicrodata, joinAuthors } from './authors.js';
import { textOf } from './dom.js';
import { dateFromUrl, parseDate } from './dates.js';
import { deref, jsonString, jsonStrings, readJsonLd, type JsonLdResult, type JsonObject } from './jsonld.js';
import type { PageInfo, TimeEl } from './page-info.js';
import { collapse } from './text.js';
import { decodeEntities } from '../entities.js';
import { absoluteUrl, looksLikeUrl } from './url.js';

export type { Heading, PageInfo } from './page-info.js';
export { collectPageInfo } from './page-info.js';

export interface Resolved<T> {
  value: T;
  origin: FieldOrigin;
}

export interface Metadata {
  jsonld: JsonLdResult;
  canonicalUrl?: Resolved<string>;
  lead?: Resolved<string>;
  author?: Resolved<string>;
  publishedAt?: Resolved<Date>;
  modifiedAt?: Resolved<Date>;
  language?: Resolved<string>;
  imageUrl?: Resolved<string>;
  tags?: Resolved<string[]>;
  siteName?: string;
  /** Title candidates from structured data, best first (title.ts picks among them). */
  titles: Resolved<string>[];
  /** The publisher's own id for the story (JSON-LD identifier). */
  identifier?: string;
  /** JSON-LD articleBody, raw (may hold markup). */
  articleBody?: string;
  warnings: string[];
}

/** Context shared by the resolvers of one page. */
interface Ctx {
  info: PageInfo;
  /** The article node of the JSON-LD, if any. */
  art?: JsonObject;
  byId: Map<string, JsonObject>;
  tz: string;
  warnings: string[];
}

/** First non-empty value of a meta key, whitespace collapsed. */
function meta(info: PageInfo, key: string): string | undefined {
  const list = info.metas.get(key);
  if (!list) return undefined;
  for (const v of list) {
    const s = collapse(v);
    if (s) return s;
  }
  return undefined;
}

/** Which origin a meta key belongs to: og:/article: are OpenGraph, twitter: are cards. */
function metaOrigin(key: string): FieldOrigin {
  if (key.startsWith('og:') || key.startsWith('article:')) return 'opengraph';
  if (key.startsWith('twitter:')) return 'twitter';
  return 'meta';
}

/** `en-US`, `en_GB`, `EN` -> `en`; anything not shaped like a language tag -> undefined. */
export function primaryLanguage(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const m = /^\s*([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*\s*$/i.exec(raw);
  return m ? m[1].toLowerCase() : undefined;
}

/** The first candidate with a value, with its origin. */
function firstOf<T>(cands: [T | undefined | null, FieldOrigin][]): Resolved<T> | undefined {
  for (const [value, origin] of cands) if (value !== undefined && value !== null) return { value, origin };
  return undefined;
}

function resolveCanonical(c: Ctx, base: string | undefined): Resolved<string> | undefined {
  const link = c.info.links.find((l) => l.rel.split(/\s+/).includes('canonical'));
  const ldUrl = c.art ? jsonString(c.art.url) ?? jsonString(deref(c.art.mainEntityOfPage, c.byId), ['@id', 'url']) : undefined;
  return firstOf([
    [absoluteUrl(link?.href, base), 'meta'],
    [absoluteUrl(meta(c.info, 'og:url'), base), 'opengraph'],
    [absoluteUrl(ldUrl, base), 'jsonld'],
  ]);
}

function resolveTitles(c: Ctx): Resolved<string>[] {
  const out: Resolved<string>[] = [];
  if (c.art) {
    const h = jsonString(c.art.headline) ?? jsonString(c.art.name);
    if (h) out.push({ value: collapse(decodeEntities(h)), origin: 'jsonld' });
  }
  for (const k of ['og:title', 'twitter:title', 'headline', 'title', 'dc.title', 'parsely-title', 'sailthru.title']) {
    const v = meta(c.info, k);
    if (v) out.push({ value: v, origin: k === 'headline' ? 'microdata' : metaOrigin(k) });
  }
  const ipHeadline = c.info.itemprops.get('headline')?.[0];
  if (ipHeadline) {
    const t = textOf(ipHeadline, 2000);
    if (t) out.push({ value: t, origin: 'microdata' });
  }
  return out;
}

function resolveLead(c: Ctx): Resolved<string> | undefined {
  const keys = ['description', 'og:description', 'twitter:description', 'dc.description'];
  const fromMeta = keys.map((k): [string | undefined, FieldOrigin] => [meta(c.info, k), metaOrigin(k)]);
  const ld = c.art ? jsonString(c.art.description) : undefined;
  const lead = firstOf([...fromMeta, [ld ? collapse(decodeEntities(ld)) : undefined, 'jsonld']]);
  if (lead && lead.value.length > 2000) lead.value = lead.value.slice(0, 2000);
  return lead;
}

const AUTHOR_META = ['author', 'article:author', 'parsely-author', 'sailthru.author', 'dc.creator', 'dcterms.creator', 'byl', 'byline', 'twitter:creator'];

function resolveAuthor(c: Ctx): Resolved<string> | undefined {
  if (c.art?.author) {
    const a = joinAuthors(jsonStrings(c.art.author, c.byId, ['name']).filter((s) => !looksLikeUrl(s)));
    if (a) return { value: a, origin: 'jsonld' };
  }
  for (const k of AUTHOR_META) {
    const list = c.info.metas.get(k);
    // article:author is often a profile URL, twitter:creator a @handle: neither is a name.
    const names = list?.filter((s) => !looksLikeUrl(s) && !(k === 'twitter:creator' && s.trim().startsWith('@')));
    const a = names?.length ? joinAuthors(names) : undefined;
    if (a) return { value: a, origin: metaOrigin(k) };
  }
  const els = c.info.itemprops.get('author') ?? c.info.itemprops.get('creator');
  const micro = els ? authorFromMicrodata(els) : undefined;
  if (micro) return { value: micro, origin: 'microdata' };
  const byline = authorFromBylines(c.info.bylines);
  return byline ? { value: byline, origin: 'dom' } : undefined;
}

function dateFrom(c: Ctx, v: string | undefined): Date | null {
  if (!v) return null;
  const d = parseDate(v, c.tz);
  if (!d) c.warnings.push(`unparseable date: ${v.slice(0, 80)}`);
  return d;
}

/** A date from JSON-LD, then meta keys, then itemprop elements, then <time>. */
function resolveDate(
  c: Ctx,
  ldKey: string,
  metaKeys: string[],
  itemprop: string,
  timeRule: (t: TimeEl) => boolean,
): Resolved<Date> | undefined {
  if (c.art) {
    const d = dateFrom(c, jsonString(c.art[ldKey]));
    if (d) return { value: d, origin: 'jsonld' };
  }
  for (const k of metaKeys) {
    const list = c.info.metas.get(k);
    const d = list ? dateFrom(c, collapse(list[0])) : null;
    if (d) return { value: d, origin: k === itemprop ? 'microdata' : metaOrigin(k) };
  }
  for (const el of c.info.itemprops.get(itemprop) ?? []) {
    const d = dateFrom(c, el.attribs.datetime ?? el.attribs.content ?? textOf(el, 300));
    if (d) return { value: d, origin: 'microdata' };
  }
  const t = c.info.times.find(timeRule);
  const d = t ? dateFrom(c, t.datetime || t.text) : null;
  return d ? { value: d, origin: 'dom' } : undefined;
}

const PUBLISHED_META = [
  'article:published_time', 'og:published_time', 'article:published', 'datepublished', 'pubdate', 'publishdate',
  'publish-date', 'publish_date', 'published_time', 'parsely-pub-date', 'sailthru.date', 'dc.date.issued',
  'dcterms.issued', 'dc.date', 'dcterms.date', 'dcterms.created', 'date', 'article.published', 'displaydate',
  'originalpublicationdate', 'og:article:published_time',
];
const MODIFIED_META = [
  'article:modified_time', 'og:updated_time', 'article:modified', 'datemodified', 'last-modified', 'lastmod',
  'dc.date.modified', 'dcterms.modified', 'article.updated', 'parsely-updated', 'sailthru.lastmodified',
];

function resolveLanguage(c: Ctx): Resolved<string> | undefined {
  return firstOf([
    [primaryLanguage(c.info.htmlLang), 'dom'],
    [primaryLanguage(meta(c.info, 'og:locale')), 'opengraph'],
    [primaryLanguage(c.art ? jsonString(c.art.inLanguage, ['alternateName', 'name']) : undefined), 'jsonld'],
    [primaryLanguage(meta(c.info, 'content-language') ?? meta(c.info, 'language') ?? meta(c.info, 'dc.language')), 'meta'],
  ]);
}

function resolveImage(c: Ctx, base: string | undefined): Resolved<string> | undefined {
  const abs = (raw: string | undefined): string | null => absoluteUrl(raw ? decodeEntities(raw) : raw, base);
  const info = c.info;
  return firstOf([
    [abs(meta(info, 'og:image') ?? meta(info, 'og:image:url') ?? meta(info, 'og:image:secure_url')), 'opengraph'],
    [abs(c.art ? jsonString(deref(c.art.image, c.byId), ['url', 'contentUrl', '@id']) : undefined), 'jsonld'],
    [abs(meta(info, 'twitter:image') ?? meta(info, 'twitter:image:src')), 'twitter'],
    [abs(meta(info, 'image') ?? meta(info, 'thumbnailurl')), 'meta'],
    [abs(info.links.find((l) => l.rel === 'image_src')?.href), 'meta'],
  ]);
}

/** Comma/semicolon-separated keyword lists -> distinct tags, in order. */
function splitTags(raw: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const r of raw) {
    for (const part of r.slice(0, 5000).split(/[,;]/)) {
      const t = collapse(decodeEntities(part));
      if (t && t.length <= 80 && !seen.has(t.toLowerCase())) {
        seen.add(t.toLowerCase());
        out.push(t);
      }
    }
  }
  return out.slice(0, 50);
}

function resolveTags(c: Ctx): Resolved<string[]> | undefined {
  const m = c.info.metas;
  const sources: [string[] | undefined, FieldOrigin][] = [
    [m.get('article:tag'), 'opengraph'],
    [c.art ? jsonStrings(c.art.keywords, c.byId, ['name']) : undefined, 'jsonld'],
    [m.get('news_keywords'), 'meta'],
    [m.get('keywords'), 'meta'],
    [m.get('parsely-tags') ?? m.get('sailthru.tags'), 'meta'],
  ];
  for (const [raw, origin] of sources) {
    const tags = raw ? splitTags(raw) : [];
    if (tags.length) return { value: tags, origin };
  }
  return undefined;
}

export function resolveMetadata(info: PageInfo, ctxUrl: string | null | undefined, tz: string): Metadata {
  const jsonld = readJsonLd(info.jsonLdScripts);
  const warnings: string[] = [];
  if (jsonld.invalid) warnings.push(`${jsonld.invalid} JSON-LD block(s) could not be parsed`);
  const c: Ctx = { info, art: jsonld.article, byId: jsonld.byId, tz, warnings };

  // Relative URLs resolve against <base href> (itself resolved against the fetch URL).
  const base = absoluteUrl(info.baseHref, ctxUrl) ?? ctxUrl ?? undefined;
  const canonicalUrl = resolveCanonical(c, base);

  const md: Metadata = {
    jsonld,
    canonicalUrl,
    titles: resolveTitles(c),
    siteName: meta(info, 'og:site_name') ?? meta(info, 'application-name') ??
      (c.art ? jsonString(deref(c.art.publisher, c.byId), ['name']) : undefined),
    lead: resolveLead(c),
    author: resolveAuthor(c),
    publishedAt: resolveDate(c, 'datePublished', PUBLISHED_META, 'datepublished',
      (t) => t.pubdate || t.itemprop === 'datepublished' || (!!t.datetime && t.itemprop === '')),
    modifiedAt: resolveDate(c, 'dateModified', MODIFIED_META, 'datemodified', (t) => t.itemprop === 'datemodified'),
    language: resolveLanguage(c),
    imageUrl: resolveImage(c, canonicalUrl?.value ?? base),
    tags: resolveTags(c),
    warnings,
  };
  if (!md.publishedAt) {
    // News URLs often carry the day: /2017/04/08/slug.
    const u = canonicalUrl?.value ?? ctxUrl;
    const d = u ? dateFromUrl(u, tz) : null;
    if (d) md.publishedAt = { value: d, origin: 'url' };
  }
  if (c.art) {
    // A URL as "identifier" says no more than the canonical URL; numeric ids or hashes do.
    const id = collapse(jsonString(c.art.identifier, ['value', '@id']) ?? '');
    if (id && id.length <= 200 && !looksLikeUrl(id)) md.identifier = id;
    const body = jsonString(c.art.articleBody, ['@value']) ?? jsonString(c.art.text, ['@value']);
    if (body) md.articleBody = body;
  }
  return md;
}
