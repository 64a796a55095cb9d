// Islam Times (islamtimes.org) article pages, HTML side.
//
// The site's markup is not known here, so nothing keys on class names or ids. The profile
// works on what every Islam Times page shows as text (see seeds/000_*.txt):
//
//   Wednesday 8 December 2021 - 11:05        <- local (Asia/Tehran) time
//   <title>
//   Story Code : 967483
//   <title again>
//   <paragraphs, separated by NBSP-only blocks>
//   Related Stories   <title link> / "Islam Times - <snippet>"
//   Comment
//   Featured Stories  <title link> (often twice, once truncated) / "8 December 2021"
//
// The page is flattened into lines (html-lines.ts); labels are found as stand-alone
// elements whatever their tag (span, div, td, h3...), links are taken in document order
// after them, and head metadata (OpenGraph, JSON-LD NewsArticle, <title>) fills the rest.

import { ParseError, type FieldOrigin, type ParseContext, type ParsedArticle, type ParsedLink } from '../types.js';
import { isoDay, isValidTimeZone, monthNumber, zonedTimeToUtc, zoneOffsetMinutes } from '../time.js';
import {
  buildPageView, contains, normText, textKey, textKeyIs,
  type AnchorInfo, type Element, type Line, type PageView,
} from './html-lines.js';
import { NestingTooDeep } from '../light-dom.js';
import { decodeEntities } from '../entities.js';
import { parseJsonLoose } from '../generic/jsonld.js';
import { absoluteUrl } from '../generic/url.js';
import type { AnyNode } from 'domhandler';

export const ISLAM_TIMES_BASE_URL = 'https://www.islamtimes.org';
export const ISLAM_TIMES_TIMEZONE = 'Asia/Tehran';
export const ISLAM_TIMES_SITE_NAME = 'Islam Times';
/** Pages larger than this (in UTF-16 code units) are refused with `too-large`. */
export const ISLAM_TIMES_MAX_HTML = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// URLs

const ARTICLE_PATH_RE = /^\/(?:([a-z]{2,3}(?:-[a-z0-9]{2,8})?)\/)?(?:news|article|story)\/(\d{3,12})(?:[/.\-_]|$)/i;
const LISTING_PATH_RE = /^\/(?:[a-z]{2,3}\/?)?(?:(?:archive|page\/\d+|news|latest|services?\/[^/]+(?:\/.*)?|list(?:\/.*)?)\/?)?$/i;

function toUrl(url: string | URL | null | undefined, base: string = ISLAM_TIMES_BASE_URL): URL | null {
  if (!url) return null;
  try {
    return url instanceof URL ? url : new URL(String(url).trim(), base);
  } catch {
    return null;
  }
}

/** Story code from an article URL such as `https://www.islamtimes.org/en/news/967483/slug`. */
export function islamTimesStoryCodeFromUrl(url: string | URL | null | undefined): string | null {
  const u = toUrl(url);
  if (!u) return null;
  const m = ARTICLE_PATH_RE.exec(u.pathname);
  return m ? m[2].replace(/^0+(?=\d)/, '') : null;
}

/** True for `/<lang>/news/<digits>/...` article URLs. */
export function isIslamTimesArticleUrl(url: string | URL | null | undefined): boolean {
  return islamTimesStoryCodeFromUrl(url) !== null;
}

/** True for home, archive and paged listing URLs (`/en`, `/en/archive?page=2`, `/en/page/2`). */
export function isIslamTimesListingUrl(url: string | URL | null | undefined): boolean {
  const u = toUrl(url);
  if (!u || isIslamTimesArticleUrl(u)) return false;
  return LISTING_PATH_RE.test(u.pathname);
}

/** Archive page `page` (1-based), newest first. */
export function islamTimesListingUrl(page = 1, base: string = ISLAM_TIMES_BASE_URL, lang = 'en'): string {
  return new URL(`/${lang}/archive?page=${Math.max(1, Math.floor(page))}`, base).href;
}

/** URL-safe slug of a title, the way the site builds article URLs. */
export function islamTimesSlug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’'`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 90).replace(/-+$/, '') || 'news';
}

export function islamTimesArticleUrl(storyCode: string | number, title?: string, base: string = ISLAM_TIMES_BASE_URL, lang = 'en'): string {
  const slug = title ? `/${islamTimesSlug(title)}` : '';
  return new URL(`/${lang}/news/${storyCode}${slug}`, base).href;
}

// ---------------------------------------------------------------------------------------------
// Dates

const WEEKDAY = '(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?';
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const TIME = '(?:\\s*(?:[-–—,|@•/]|\\bat\\b)?\\s*(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?:\\s*([ap])\\.?\\s?m\\b\\.?)?)?';
const DMY_RE = new RegExp(`(?:\\b${WEEKDAY}\\.?,?\\s+)?\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH},?\\s+(\\d{4})\\b${TIME}`, 'i');
const MDY_RE = new RegExp(`(?:\\b${WEEKDAY}\\.?,?\\s+)?\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b${TIME}`, 'i');
const YMD_RE = /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?/;
const DATE_PREFIX_RE = /^(?:(?:date|published|posted|publish(?:ed)?\s+(?:date|on)|updated|last\s+updated|release\s+date|time)\s*[:：]?\s*)/i;

interface WallTime {
  y: number; m: number; d: number;
  hh: number; mi: number; ss: number;
  hasTime: boolean;
  index: number; length: number;
}

// See chars.ts: char-code loops call `charCodeAt.call(s, i)` through this module constant.
const charCodeAt = String.prototype.charCodeAt;

/**
 * Does `s` hold a run of 4 ASCII digits? Every date pattern has a 4-digit year: most lines of a
 * page have none and are answered without the three regexes.
 */
function hasFourDigits(s: string): boolean {
  let run = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = charCodeAt.call(s, i);
    if (c >= 48 && c <= 57) {
      if (++run === 4) return true;
    } else run = 0;
  }
  return false;
}

/** First calendar date (optionally with time) printed in `text`. */
export function findPrintedDate(text: string): WallTime | null {
  if (!hasFourDigits(text)) return null;
  let best: WallTime | null = null;
  const consider = (w: WallTime | null) => {
    if (w && (!best || w.index < best.index)) best = w;
  };
  let m = DMY_RE.exec(text);
  if (m) consider(wall(Number(m[3]), monthNumber(m[2]), Number(m[1]), m[4], m[5], m[6], m[7], m.index, m[0].length));
  m = MDY_RE.exec(text);
  if (m) consider(wall(Number(m[3]), monthNumber(m[1]), Number(m[2]), m[4], m[5], m[6], m[7], m.index, m[0].length));
  m = YMD_RE.exec(text);
  if (m) consider(wall(Number(m[1]), Number(m[2]), Number(m[3]), m[4], m[5], m[6], undefined, m.index, m[0].length));
  return best;
}

function wall(
  y: number, mo: number | undefined, d: number, hh: string | undefined, mi: string | undefined, ss: string | undefined,
  ap: string | undefined, index: number, length: number,
): WallTime | null {
  if (!mo || !isoDay(y, mo, d)) return null;
  let h = hh === undefined ? 0 : Number(hh);
  if (ap) {
    const pm = ap.toLowerCase() === 'p';
    if (h === 12) h = pm ? 12 : 0;
    else if (pm) h += 12;
  }
  const w: WallTime = {
    y, m: mo, d, hh: h, mi: mi === undefined ? 0 : Number(mi), ss: ss === undefined ? 0 : Number(ss),
    hasTime: hh !== undefined, index, length,
  };
  if (w.hh > 23 || w.mi > 59 || w.ss > 59) return null;
  return w;
}

/** The whole line is a date (with an optional "Published:" prefix), e.g. `8 December 2021`. */
function dateOnlyLine(text: string): WallTime | null {
  if (!hasFourDigits(text)) return null; // the prefix and punctuation trimmed below hold no digits
  const t = text.replace(DATE_PREFIX_RE, '').replace(/^[\s|•·\-–—:]+|[\s|•·\-–—:]+$/g, '');
  if (!t || t.length > 60) return null;
  const w = findPrintedDate(t);
  if (!w || w.index !== 0 || w.length < t.length - 1) return null;
  return w;
}

function wallToUtc(w: WallTime, tz: string): Date | null {
  return zonedToUtc(w.y, w.m, w.d, w.hh, w.mi, w.ss, tz);
}

/**
 * zonedTimeToUtc (time.ts) with the zone check cached: time.ts builds an Intl formatter to
 * validate the zone on every call, which costs more than the rest of a date parse.
 */
function zonedToUtc(y: number, mo: number, d: number, hh: number, mi: number, ss: number, tz: string): Date | null {
  if (tz === 'UTC' || !validZone(tz)) return zonedTimeToUtc(y, mo, d, hh, mi, ss, tz === 'UTC' ? 'UTC' : tz);
  if (!isoDay(y, mo, d) || hh > 23 || mi > 59 || ss > 60) return null;
  const wallMs = Date.UTC(y, mo - 1, d, hh, mi, ss);
  let guess = wallMs - zoneOffsetMinutes(tz, wallMs) * 60000;
  guess = wallMs - zoneOffsetMinutes(tz, guess) * 60000;
  return new Date(guess);
}

function wallDay(w: WallTime): string | null {
  return isoDay(w.y, w.m, w.d);
}

const ISO_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A machine date (JSON-LD, meta): ISO 8601 with or without offset, RFC 2822, or printed. */
export function parseDateValue(value: unknown, tz: string): Date | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const d = new Date(value > 1e11 ? value : value * 1000);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  if (typeof value !== 'string') return null;
  const s = normText(value);
  if (!s) return null;
  const m = ISO_RE.exec(s);
  if (m) {
    const Y = Number(m[1]), M = Number(m[2]), D = Number(m[3]);
    const H = Number(m[4] ?? 0), I = Number(m[5] ?? 0), S = Number(m[6] ?? 0);
    if (!isoDay(Y, M, D) || H > 23 || I > 59 || S > 60) return null;
    const off = m[7];
    if (!off) return zonedToUtc(Y, M, D, H, I, S, tz);
    let offMin = 0;
    if (/^[+-]/.test(off)) {
      const digits = off.replace(':', '');
      offMin = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0)) * (off[0] === '-' ? -1 : 1);
    }
    const ms = Date.UTC(Y, M - 1, D, H, I, S) - offMin * 60000;
    return new Date(ms);
  }
  if (/\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:gmt|utc|z|[+-]\d{4})\b/i.test(s) && /[a-z]{3}/i.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return new Date(t);
  }
  const w = findPrintedDate(s);
  return w ? wallToUtc(w, tz) : null;
}

// ---------------------------------------------------------------------------------------------
// Labels and text classes

type Label = 'related' | 'featured' | 'comment' | 'tags' | 'other';

// a Map: a page's `Constructor` or `toString` must not find Object.prototype's members
const LABELS = new Map<string, Label>();
for (const k of ['relatedstories', 'relatednews', 'relatedarticles', 'relatedposts', 'relatedcontent', 'relateditems', 'relatedlinks', 'relatedstory']) LABELS.set(k, 'related');
for (const k of ['featuredstories', 'featurednews', 'featuredarticles', 'featuredposts', 'featuredstory']) LABELS.set(k, 'featured');
for (const k of [
  'comment', 'comments', 'yourcomment', 'yourcomments', 'sendcomment', 'sendyourcomment', 'postcomment', 'postacomment',
  'leaveacomment', 'addcomment', 'addacomment', 'writecomment', 'writeacomment', 'leaveareply', 'usercomments', 'readerscomments',
]) LABELS.set(k, 'comment');
for (const k of ['tags', 'tag', 'keywords', 'topics']) LABELS.set(k, 'tags');
for (const k of [
  'mostvisited', 'mostviewed', 'mostpopular', 'mostread', 'mostcommented', 'latestnews', 'lateststories', 'topstories',
  'popularstories', 'popularnews', 'editorspick', 'editorspicks', 'editorschoice', 'alsoread', 'morestories', 'morenews',
  'youmayalsolike', 'recommendedstories', 'trendingnews', 'hotnews', 'breakingnews', 'followus', 'mostvisitedstories',
  'mostviewedstories', 'sharethisstory', 'sharethis', 'latestvideos', 'latestphotos', 'mostcommentedstories',
]) LABELS.set(k, 'other');

/**
 * A hash of classifyLabel's key of `text` (its ASCII letters lower-cased, which whitespace
 * normalisation does not change), worked out without building the key; NaN when the key would
 * be shorter or longer than any label's.
 */
function labelKeyHash(text: string): number {
  let h = 0;
  let letters = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = charCodeAt.call(text, i);
    if (c >= 65 && c <= 90) c += 32;
    // the only characters past ASCII that lower-case to ASCII letters: İ (to i and a dot above)
    // and the Kelvin sign
    else if (c === 0x130) c = 105;
    else if (c === 0x212a) c = 107;
    else if (c < 97 || c > 122) continue;
    if (++letters > 32) return NaN;
    h = (Math.imul(h, 31) + c) | 0;
  }
  return letters >= 3 ? h : NaN;
}
const LABEL_HASHES = new Set([...LABELS.keys()].map(labelKeyHash));

/**
 * Cheap pre-check on raw element text: could it be one of the labels? A hash collision only lets
 * classifyLabel decide. Asked of every short element of a page, it replaced a regex of label words
 * that was 3% of the profile's time.
 */
function mayBeLabel(raw: string): boolean {
  return raw.length <= 160 && LABEL_HASHES.has(labelKeyHash(raw));
}

function classifyLabel(text: string): Label | null {
  if (text.length > 40) return null;
  const k = text.toLowerCase().replace(/[^a-z]+/g, '');
  return k.length >= 3 && k.length <= 32 ? LABELS.get(k) ?? null : null;
}

const STORY_CODE_RE = /\b(?:story|news)\s*(?:code|id|no\.?|number)\s*[:：#.\-]?\s*(\d{3,12})\b/i;
const STORY_CODE_LABEL_RE = /^(?:story|news)\s*(?:code|id|no\.?|number)\s*[:：#.\-]?$/i;

const NAV_WORDS = new Set([
  'share', 'shares', 'print', 'printer', 'friendly', 'version', 'email', 'e-mail', 'mail', 'send', 'to', 'a', 'friend', 'friends',
  'tweet', 'twitter', 'x', 'facebook', 'telegram', 'whatsapp', 'linkedin', 'pinterest', 'reddit', 'instagram', 'vk', 'google',
  'save', 'bookmark', 'pdf', 'font', 'size', 'increase', 'decrease', 'a+', 'a-', 'back', 'top', 'next', 'previous', 'prev',
  'home', 'more', 'read', 'copy', 'link', 'short', 'url', 'this', 'story', 'article', 'news', 'page', 'on', 'via', 'by', 'and',
  'the', 'comment', 'comments', 'rss', 'feed', 'advertisement', 'ads', 'ad', 'sponsored', 'follow', 'us', 'go', 'up', 'view',
  'all', 'archive', 'sharing', 'options', 'close', 'menu', 'search', 'login', 'subscribe', 'flipboard', 'messenger', 'skype',
  'viber', 'sms', 'copied', 'clipboard', 'text', 'zoom', 'in', 'out', 'listen', 'audio', 'download',
]);

const NAV_WORD_RE = /[^\s|/·•,;:()[\]«»<>\-–—]+/g;
const SHORT_NUMBER_RE = /^\d{1,3}$/;

/** Up to 12 words, all of them share/print/menu words or small numbers (or no words at all). */
function isNavText(text: string): boolean {
  // Word by word, stopping at the first that is not a nav word: most texts fail at once.
  const lower = text.toLowerCase();
  NAV_WORD_RE.lastIndex = 0;
  let words = 0;
  for (let m = NAV_WORD_RE.exec(lower); m; m = NAV_WORD_RE.exec(lower)) {
    if (++words > 12 || !(NAV_WORDS.has(m[0]) || SHORT_NUMBER_RE.test(m[0]))) return false;
  }
  return true;
}

function isJunkLine(text: string): boolean {
  if (!/[\p{L}\p{N}]/u.test(text)) return true;
  if (isNavText(text)) return true;
  if (/^(?:short\s*link\s*[:：]?\s*)?(?:https?:\/\/|www\.)\S+$/i.test(text)) return true;
  if (/^(?:©|\(c\)|copyright\b|all rights reserved)/i.test(text)) return true;
  return false;
}

const ELLIPSIS_RE = /(?:\.{3}|…)\s*$/;
const SITE_PREFIX_RE = /^\s*islam\s*times\s*[-–—:|]\s*/i;

function stripSitePrefix(s: string): string {
  return s.replace(SITE_PREFIX_RE, '').trim();
}

const SITE_KEYS = new Set(['islamtimes', 'islamtimesorg', 'wwwislamtimesorg', 'islamtimescom']);

/** Drop ` - Islam Times` / `Islam Times - ` (and og:site_name) around a title. */
function stripTitleSite(title: string, siteName: string | null): string {
  let t = normText(title);
  const names = ['Islam\\s*Times(?:\\.org)?'];
  if (siteName && textKey(siteName) && !SITE_KEYS.has(textKey(siteName))) names.push(siteName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  for (const n of names) {
    t = t
      .replace(new RegExp(`\\s+[-–—|:»·]\\s*${n}\\s*$`, 'i'), '')
      .replace(new RegExp(`^\\s*${n}\\s*[-–—|:»·]\\s+`, 'i'), '');
  }
  return t.trim();
}

// ---------------------------------------------------------------------------------------------
// JSON-LD

type Obj = Record<string, unknown>;

function typesOf(o: Obj): string[] {
  const t = o['@type'];
  const arr = Array.isArray(t) ? t : [t];
  return arr.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^.*[/#]/, '').toLowerCase());
}

function articleScore(o: Obj): number {
  const ts = typesOf(o);
  if (ts.some((t) => t.endsWith('newsarticle'))) return 4;
  if (ts.some((t) => t === 'article' || t === 'blogposting' || t === 'report' || t === 'scholarlyarticle')) return 3;
  if (ts.some((t) => t === 'webpage' || t === 'itempage') && (o.headline || o.datePublished)) return 1;
  return 0;
}

function pickJsonLdArticle(scripts: string[], warnings: string[]): Obj | null {
  let best: Obj | null = null;
  let bestScore = 0;
  const visit = (v: unknown, depth: number) => {
    if (depth > 6 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    const o = v as Obj;
    const s = articleScore(o);
    if (s > bestScore) { best = o; bestScore = s; }
    if (o['@graph']) visit(o['@graph'], depth + 1);
    if (o.mainEntity && typeof o.mainEntity === 'object') visit(o.mainEntity, depth + 1);
  };
  for (const src of scripts) {
    const v = parseJsonLoose(src);
    if (v === undefined) {
      if (src.trim()) warnings.push('JSON-LD block is not valid JSON; ignored');
      continue;
    }
    visit(v, 0);
  }
  return best;
}

function jStr(v: unknown): string | null {
  if (typeof v === 'string') {
    const t = normText(decodeEntities(v));
    return t || null;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) {
    for (const x of v) {
      const s = jStr(x);
      if (s) return s;
    }
    return null;
  }
  if (v && typeof v === 'object') {
    const o = v as Obj;
    return jStr(o['@value'] ?? o.value ?? o.name ?? o['@id'] ?? o.url ?? null);
  }
  return null;
}

function jUrl(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (Array.isArray(v)) {
    for (const x of v) {
      const s = jUrl(x);
      if (s) return s;
    }
    return null;
  }
  if (v && typeof v === 'object') {
    const o = v as Obj;
    return jUrl(o.url ?? o.contentUrl ?? o['@id'] ?? null);
  }
  return null;
}

function jList(v: unknown): string[] {
  if (typeof v === 'string') return splitTags(decodeEntities(v));
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === 'string' ? [normText(decodeEntities(x))] : jStr(x) ? [jStr(x)!] : []));
  return [];
}

function jAuthors(v: unknown): string[] {
  const out: string[] = [];
  const visit = (x: unknown) => {
    if (!x) return;
    if (Array.isArray(x)) return x.forEach(visit);
    if (typeof x === 'string') {
      const t = normText(decodeEntities(x));
      if (t) out.push(t);
      return;
    }
    if (typeof x === 'object') {
      const n = jStr((x as Obj).name);
      if (n) out.push(n);
    }
  };
  visit(v);
  return out;
}

function splitTags(s: string): string[] {
  return s.split(/[,،;\n]+/).map((x) => normText(x)).filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// Parser

const zoneValidity = new Map<string, boolean>();
function validZone(tz: string): boolean {
  let v = zoneValidity.get(tz);
  if (v === undefined) {
    v = isValidTimeZone(tz);
    if (zoneValidity.size < 1000) zoneValidity.set(tz, v);
  }
  return v;
}

interface Ctx {
  view: PageView<Label>;
  lines: Line<Label>[];
  base: string;
  tz: string;
  warnings: string[];
  /** Links resolved against `base` so far: sections are walked more than once. */
  resolved: Map<string, string | null>;
}

/** A link of the page as an absolute http(s) URL, or null. */
function linkUrl(c: Ctx, href: string | null | undefined): string | null {
  if (!href) return null;
  let u = c.resolved.get(href);
  if (u === undefined) c.resolved.set(href, (u = absoluteUrl(href, c.base, { link: true })));
  return u;
}

function linkKey(url: string): string {
  const code = islamTimesStoryCodeFromUrl(url);
  if (code) return `code:${code}`;
  return url.replace(/\/+$/, '');
}

/**
 * Parse an Islam Times article page. `ctx.url` is the page URL (used for relative links and
 * as story-code fallback), `ctx.timezone` the zone of printed times (default Asia/Tehran).
 * Throws only ParseError.
 */
export function parseIslamTimesHtml(html: string, ctx: ParseContext = {}): ParsedArticle {
  try {
    return parseInner(html, ctx ?? {});
  } catch (e) {
    if (e instanceof ParseError) throw e;
    // The page view's parser refuses pages nested absurdly deep (quadratic work) as it meets them.
    if (e instanceof NestingTooDeep) throw new ParseError('unsupported-content', e.message);
    throw new ParseError('invalid-input', `islamtimes: cannot parse page: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseInner(input: unknown, ctx: ParseContext): ParsedArticle {
  let html: string;
  if (typeof input === 'string') html = input;
  else if (input instanceof Uint8Array) html = Buffer.from(input).toString('utf8');
  else throw new ParseError('invalid-input', `islamtimes: expected an HTML string, got ${input === null ? 'null' : typeof input}`);
  if (html.length > ISLAM_TIMES_MAX_HTML) {
    throw new ParseError('too-large', `islamtimes: page is ${html.length} characters, limit ${ISLAM_TIMES_MAX_HTML}`);
  }
  if (!html.trim()) throw new ParseError('empty', 'islamtimes: page is empty');
  const head = html.slice(0, 4096).replace(/^\ufeff/, '').trimStart();
  // Binary content shows a NUL early, as git's check of the first 8000 bytes assumes; scanning a
  // whole page for one cost a tenth of a millisecond.
  if (html.slice(0, 8000).includes('\u0000')) throw new ParseError('unsupported-content', 'islamtimes: binary content, not HTML');
  if (!/<(?:!doctype|html|head|body|div|p|h[1-6]|table|span|article|main|section|title|meta|a)\b/i.test(html)) {
    throw new ParseError('unsupported-content', 'islamtimes: no HTML markup found');
  }
  if (/^[[{]/.test(head) && !/^\{\s*<|<html/i.test(head) && parseJsonLoose(html) !== undefined) {
    throw new ParseError('unsupported-content', 'islamtimes: JSON document, not HTML');
  }

  const warnings: string[] = [];
  let tz = ctx.timezone || ISLAM_TIMES_TIMEZONE;
  if (!validZone(tz)) {
    warnings.push(`unknown timezone ${JSON.stringify(tz)}; using ${ISLAM_TIMES_TIMEZONE}`);
    tz = ISLAM_TIMES_TIMEZONE;
  }

  const view = buildPageView<Label>(html, classifyLabel, mayBeLabel);
  const { head: hm, lines } = view;
  // Every field's slot exists from the start, in one order: fields set page by page in varying
  // orders gave the object a different hidden class from page to page, and the optimised parser
  // was thrown away and compiled again when a page brought a new one. Unset ones are dropped at
  // the end (definedOrigins).
  const origins: Record<OriginField, FieldOrigin | undefined> = {
    storyCode: undefined, url: undefined, canonicalUrl: undefined, title: undefined, lead: undefined, body: undefined,
    author: undefined, publishedAt: undefined, modifiedAt: undefined, language: undefined, imageUrl: undefined,
    tags: undefined, related: undefined, featured: undefined,
  };
  // Labels printed as bare text lines (between <br>s), not as elements of their own.
  for (const l of lines) {
    if (!l.label && l.linkChars === 0 && l.text.length <= 40 && mayBeLabel(l.text)) l.label = classifyLabel(l.text);
  }

  const metaFirst = (...keys: string[]): { value: string; key: string } | null => {
    for (const k of keys) {
      for (const v of hm.meta.get(k) ?? []) {
        const t = normText(decodeEntities(v));
        if (t) return { value: t, key: k };
      }
    }
    return null;
  };
  const metaOrigin = (key: string): FieldOrigin =>
    key.startsWith('og:') || key.startsWith('article:') ? 'opengraph' : key.startsWith('twitter:') ? 'twitter' : 'meta';
  const itemprop = (k: string): string | null => {
    for (const v of hm.itemprops.get(k.toLowerCase()) ?? []) {
      const t = normText(v);
      if (t) return t;
    }
    return null;
  };

  const ld = pickJsonLdArticle(hm.jsonLd, warnings);
  const siteName = metaFirst('og:site_name')?.value ?? null;

  // ---- URLs
  const ctxUrl = toUrl(ctx.url ?? null, ISLAM_TIMES_BASE_URL);
  // file paths and other schemes cannot resolve links; canonical/og:url take over
  const pageUrl = ctxUrl && /^https?:$/.test(ctxUrl.protocol) ? ctxUrl.href : null;
  const absCtx = pageUrl ?? ISLAM_TIMES_BASE_URL + '/';
  const canonicalRaw = hm.links.get('canonical')?.[0] ?? null;
  const ogUrlRaw = metaFirst('og:url')?.value ?? null;
  const ldUrlRaw = ld ? jUrl(ld.url) ?? jUrl(ld.mainEntityOfPage) : null;
  const canonical = absoluteUrl(canonicalRaw, absCtx, { link: true });
  const ogUrl = absoluteUrl(ogUrlRaw, absCtx, { link: true });
  const ldUrl = absoluteUrl(ldUrlRaw, absCtx, { link: true });
  const docUrl = pageUrl ?? canonical ?? ogUrl ?? ldUrl;
  const base = absoluteUrl(hm.baseHref, docUrl ?? absCtx, { link: true }) ?? docUrl ?? ISLAM_TIMES_BASE_URL + '/';
  const c: Ctx = { view, lines, base, tz, warnings, resolved: new Map() };

  // ---- story code
  let storyCode: string | null = null;
  const codeLines = new Set<number>();
  for (let i = 0; i < lines.length && !storyCode; i++) {
    const l = lines[i];
    if (l.label) continue;
    const m = STORY_CODE_RE.exec(l.text);
    if (m) {
      storyCode = m[1];
      codeLines.add(i);
    } else if (STORY_CODE_LABEL_RE.test(l.text)) {
      const n = lines[i + 1];
      if (n && /^#?\d{3,12}$/.test(n.text)) {
        storyCode = n.text.replace('#', '');
        codeLines.add(i).add(i + 1);
      }
    }
  }
  if (storyCode) {
    storyCode = storyCode.replace(/^0+(?=\d)/, '');
    origins.storyCode = 'label';
  }
  // Written out, not as [...].map().find(): that chain put this function into a deoptimisation
  // loop (the same optimised code bailed out on one page in six).
  const urlCode =
    islamTimesStoryCodeFromUrl(pageUrl) || islamTimesStoryCodeFromUrl(canonical) || islamTimesStoryCodeFromUrl(ogUrl) || islamTimesStoryCodeFromUrl(ldUrl) || null;
  if (!storyCode && urlCode) {
    storyCode = urlCode;
    origins.storyCode = 'url';
  } else if (storyCode && urlCode && urlCode !== storyCode) {
    warnings.push(`story code on the page (${storyCode}) differs from the URL (${urlCode})`);
  }
  if (!storyCode && ld) {
    const id = jStr(ld.identifier);
    const m = id ? /(\d{3,12})\s*$/.exec(id) : null;
    if (m) {
      storyCode = m[1].replace(/^0+(?=\d)/, '');
      origins.storyCode = 'jsonld';
    }
  }
  const codeLine = codeLines.size ? Math.min(...codeLines) : -1;

  // ---- title
  const metaTitles: Array<{ t: string; o: FieldOrigin }> = [];
  const pushTitle = (t: string | null | undefined, o: FieldOrigin) => {
    const s = t ? stripTitleSite(t, siteName) : '';
    if (s && !SITE_KEYS.has(textKey(s))) metaTitles.push({ t: s, o });
  };
  if (ld) pushTitle(jStr(ld.headline) ?? jStr(ld.name), 'jsonld');
  pushTitle(metaFirst('og:title')?.value, 'opengraph');
  pushTitle(metaFirst('twitter:title')?.value, 'twitter');
  pushTitle(itemprop('headline'), 'microdata');
  pushTitle(hm.title, 'meta');
  const metaKeys = new Set(metaTitles.map((x) => textKey(x.t)));

  let title: string | null = null;
  let titleLine = -1;
  const setTitle = (l: Line<Label>) => {
    title = l.text;
    titleLine = l.index;
    origins.title = 'dom';
  };
  const titleish = (l: Line<Label>) =>
    !l.label && !codeLines.has(l.index) && l.linkChars < l.text.length && l.text.length <= 400 && !l.chrome;
  const dist = (l: Line<Label>) => Math.abs(l.index - codeLine);
  const h1s = lines.filter((l) => l.heading === 1 && !l.label && !codeLines.has(l.index) && textKey(l.text).length >= 2 && !SITE_KEYS.has(textKey(l.text)));
  // h1 equal to a metadata title, or extending a truncated one (JSON-LD headlines are often cut)
  const h1Meta = h1s.find((l) => metaKeys.has(textKey(l.text)))
    ?? h1s.find((l) => metaTitles.some((m) => sameTitle(m.t, l.text) && l.text.length >= m.t.replace(ELLIPSIS_RE, '').length));
  const h1Near = codeLine >= 0 ? h1s.filter((l) => dist(l) <= 5).sort((x, y) => dist(x) - dist(y))[0] : undefined;
  const metaLens = metaTitles.map((x) => x.t.length);
  const lenFits = (n: number) => metaLens.some((m) => n >= m * 0.5 - 2 && n <= m * 2 + 2);
  // textKeyIs: most lines differ from every title in their first letters, found without their keys
  const metaKeyList = [...metaKeys];
  const shownMeta = lines.filter((l) => lenFits(l.text.length) && titleish(l) && metaKeyList.some((k) => textKeyIs(l.text, k)));
  /** The line just above "Story Code :" (skipping the date), else a heading near it. */
  const beforeCode = (): Line<Label> | undefined => {
    if (codeLine < 0) return undefined;
    for (let i = codeLine - 1; i >= Math.max(0, codeLine - 4); i--) {
      const l = lines[i];
      if (l.label || dateOnlyLine(l.text) || isJunkLine(l.text)) continue;
      if (titleish(l) && l.text.length >= 4 && l.text.length <= 300) return l;
      break;
    }
    return lines.find((l) => l.heading >= 2 && l.heading <= 3 && titleish(l) && dist(l) <= 6);
  };
  if (h1Meta) setTitle(h1Meta);
  else if (h1Near) setTitle(h1Near);
  else if (shownMeta.length) {
    const ref = codeLine >= 0 ? codeLine : 0;
    setTitle(shownMeta.sort((x, y) => Math.abs(x.index - ref) - Math.abs(y.index - ref))[0]);
  } else if (metaTitles.length) {
    title = metaTitles[0].t;
    origins.title = metaTitles[0].o;
  } else {
    const l = (codeLine >= 0 ? beforeCode() : undefined)
      ?? (h1s.length ? h1s.reduce((x, y) => (y.text.length > x.text.length ? y : x)) : undefined);
    if (l) setTitle(l);
    else {
      // Last resort: the line after the first printed date-time outside link lists.
      const d = lines.findIndex((l) => !l.label && l.linkChars === 0 && l.text.length < 80 && findPrintedDate(l.text)?.hasTime);
      const next = d >= 0 ? lines.slice(d + 1, d + 4).find((l) => titleish(l) && !isJunkLine(l.text) && l.text.length >= 10 && l.text.length <= 300) : undefined;
      if (next) setTitle(next);
    }
  }
  const titleKey = title ? textKey(title) : '';
  if (title && titleLine < 0) {
    // Where the title is shown: the occurrence nearest to the story code label.
    const occ = lines.filter((l) => !l.label && l.linkChars < l.text.length && l.text.length >= title!.length / 2 - 2
      && l.text.length <= title!.length * 2 + 2 && textKeyIs(l.text, titleKey));
    if (occ.length) {
      const ref = codeLine >= 0 ? codeLine : 0;
      titleLine = occ.sort((a, b) => Math.abs(a.index - ref) - Math.abs(b.index - ref))[0].index;
    }
  }

  // ---- sections
  // Line indices of each label. Built with push into fresh arrays, not filter().map(): map's
  // arrays come holey or packed depending on the page, and the optimised parser was thrown away
  // and compiled again (~240 ms each time) when a page brought the other kind.
  const labelLines = new Map<Label, number[]>();
  for (const l of lines) {
    if (!l.label) continue;
    const at = labelLines.get(l.label);
    if (at) at.push(l.index);
    else labelLines.set(l.label, [l.index]);
  }
  const noLines: number[] = [];
  const labelIdx = (kind: Label): number[] => labelLines.get(kind) ?? noLines;
  const afterTitle = (arr: number[]) => arr.find((i) => i > Math.max(titleLine, codeLine)) ?? arr[0] ?? -1;
  const relatedAt = afterTitle(labelIdx('related'));
  const featuredAt = labelIdx('featured')[0] ?? -1;
  const sectionLines = new Set<number>();
  const noSection: Section = { lines: [], near: true };
  const relatedSec = relatedAt >= 0 ? sectionRange(c, relatedAt) : noSection;
  const featuredSec = featuredAt >= 0 ? sectionRange(c, featuredAt) : noSection;
  for (const l of relatedSec.lines) sectionLines.add(l.index);
  for (const l of featuredSec.lines) sectionLines.add(l.index);
  for (const kind of ['other', 'tags'] as const) for (const i of labelIdx(kind)) for (const l of sectionRange(c, i).lines) sectionLines.add(l.index);

  // ---- not an article?
  const ogType = metaFirst('og:type')?.value.toLowerCase() ?? '';
  const articleSignals = !!ld || ogType === 'article' || !!metaFirst('article:published_time')
    || lines.some((l) => STORY_CODE_LABEL_RE.test(l.text)) || relatedAt >= 0;
  if (!storyCode) {
    if (isIslamTimesListingUrl(pageUrl) || !articleSignals) {
      throw new ParseError('not-article', 'islamtimes: page has no story code and does not look like an article');
    }
    throw new ParseError('no-story-code', 'islamtimes: no "Story Code" label, article URL or JSON-LD identifier');
  }
  if (!title) throw new ParseError('no-title', `islamtimes: story ${storyCode} has no title`);

  // ---- dates
  let publishedAt: Date | null = null;
  let domDate: Date | null = null;
  let domDateLine = -1;
  {
    // A printed date with time near the title / story code (the page header).
    const ref = [titleLine, codeLine].filter((x) => x >= 0);
    let bestDist = Infinity;
    let dayOnly: WallTime | null = null;
    for (const l of lines) {
      if (l.label || sectionLines.has(l.index) || l.text.length > 160 || l.linkChars > l.text.length / 2) continue;
      const w = findPrintedDate(l.text);
      if (!w) continue;
      const dist = ref.length ? Math.min(...ref.map((r) => Math.abs(r - l.index))) : l.index;
      if (w.hasTime) {
        if (dist < bestDist) {
          bestDist = dist;
          domDate = wallToUtc(w, tz);
          domDateLine = l.index;
        }
      } else if (!dayOnly && ref.length && dist <= 3 && dateOnlyLine(l.text)) {
        dayOnly = w;
        if (domDateLine < 0) domDateLine = l.index;
      }
    }
    if (!domDate && dayOnly) domDate = wallToUtc(dayOnly, tz);
  }
  const dp = metaFirst('article:published_time', 'og:published_time', 'og:article:published_time', 'datepublished', 'pubdate',
    'publishdate', 'publish-date', 'date', 'dc.date', 'dc.date.issued', 'dcterms.created', 'sailthru.date', 'parsely-pub-date');
  const dateCands: Array<[unknown, FieldOrigin, string]> = [
    [ld ? jStr(ld.datePublished) ?? jStr(ld.dateCreated) : null, 'jsonld', 'JSON-LD datePublished'],
    [dp?.value ?? null, dp ? metaOrigin(dp.key) : 'meta', `${dp?.key ?? ''} meta`],
    [itemprop('datePublished'), 'microdata', 'itemprop datePublished'],
  ];
  for (const [raw, o, what] of dateCands) {
    if (raw === null || raw === undefined || raw === '') continue;
    const d = parseDateValue(raw, tz);
    if (d) {
      publishedAt = d;
      origins.publishedAt = o;
      break;
    }
    warnings.push(`unparseable ${what} ${JSON.stringify(raw)}`);
  }
  if (!publishedAt && domDate) {
    publishedAt = domDate;
    origins.publishedAt = 'dom';
  }
  if (!publishedAt && hm.times[0]) {
    publishedAt = parseDateValue(hm.times[0], tz);
    if (publishedAt) origins.publishedAt = 'dom';
  }
  if (!publishedAt) warnings.push('no publication date found');
  if (publishedAt && domDate && origins.publishedAt !== 'dom' && Math.abs(publishedAt.getTime() - domDate.getTime()) > 60_000
      && findPrintedDate(lines[domDateLine]?.text ?? '')?.hasTime) {
    warnings.push(`printed date "${lines[domDateLine].text}" differs from the ${origins.publishedAt} date ${publishedAt.toISOString()}`);
  }
  let modifiedAt: Date | null = null;
  {
    const dm = metaFirst('article:modified_time', 'og:updated_time', 'og:article:modified_time', 'datemodified', 'last-modified', 'dcterms.modified');
    const cands: Array<[unknown, FieldOrigin]> = [
      [ld ? jStr(ld.dateModified) : null, 'jsonld'],
      [dm?.value ?? null, dm ? metaOrigin(dm.key) : 'meta'],
      [itemprop('dateModified'), 'microdata'],
    ];
    for (const [raw, o] of cands) {
      if (!raw) continue;
      const d = parseDateValue(raw, tz);
      if (d) {
        modifiedAt = d;
        origins.modifiedAt = o;
        break;
      }
      warnings.push(`unparseable modification date ${JSON.stringify(raw)}`);
    }
  }

  // ---- body
  const body = extractBody(c, { titleLine, codeLine, codeLines, titleKey, dateLine: domDateLine, sectionLines });
  if (!body.length) throw new ParseError('no-body', `islamtimes: story ${storyCode} has no body text`);
  origins.body = 'dom';

  // ---- related / featured
  const related = relatedAt >= 0 ? parseRelated(c, relatedSec) : [];
  const featured = featuredAt >= 0 ? parseFeatured(c, featuredSec) : [];
  if (relatedAt >= 0) origins.related = 'label';
  if (featuredAt >= 0) origins.featured = 'label';

  // ---- lead
  let lead: string | null = null;
  {
    const og = metaFirst('og:description');
    const md = metaFirst('description');
    const cands: Array<[string | null | undefined, FieldOrigin]> = [
      [og?.value, 'opengraph'], [md?.value, 'meta'], [ld ? jStr(ld.description) : null, 'jsonld'],
      [metaFirst('twitter:description')?.value, 'twitter'], [itemprop('description'), 'microdata'],
    ];
    for (const [v, o] of cands) {
      const t = v ? stripSitePrefix(v) : '';
      if (t) {
        lead = t;
        origins.lead = o;
        break;
      }
    }
  }

  // ---- tags
  let tags: string[] = [];
  {
    const kw = hm.meta.get('keywords') ?? hm.meta.get('news_keywords');
    const at = hm.meta.get('article:tag');
    const cands: Array<[string[], FieldOrigin]> = [
      [kw ? kw.flatMap((x) => splitTags(decodeEntities(x))) : [], 'meta'],
      [at ? at.flatMap((x) => splitTags(decodeEntities(x))) : [], 'opengraph'],
      [ld ? jList(ld.keywords) : [], 'jsonld'],
      [domTags(c, labelIdx('tags')), 'dom'],
    ];
    for (const [list, o] of cands) {
      const seen = new Set<string>();
      const out: string[] = [];
      for (const t of list) {
        const k = t.toLowerCase();
        if (!t || seen.has(k)) continue;
        seen.add(k);
        out.push(t);
      }
      if (out.length) {
        tags = out;
        origins.tags = o;
        break;
      }
    }
  }

  // ---- image
  let imageUrl: string | null = null;
  {
    const og = metaFirst('og:image', 'og:image:url', 'og:image:secure_url');
    const cands: Array<[string | null | undefined, FieldOrigin]> = [
      [og?.value, 'opengraph'], [ld ? jUrl(ld.image) ?? jUrl(ld.thumbnailUrl) : null, 'jsonld'],
      [metaFirst('twitter:image', 'twitter:image:src')?.value, 'twitter'], [hm.links.get('image_src')?.[0], 'meta'],
      [itemprop('image'), 'microdata'],
    ];
    for (const [v, o] of cands) {
      const u = absoluteUrl(v ? decodeEntities(v) : null, base, { link: true });
      if (u) {
        imageUrl = u;
        origins.imageUrl = o;
        break;
      }
    }
  }

  // ---- language
  let language: string | null = null;
  {
    const prim = (s: string | null | undefined) => {
      const m = s ? /^\s*([a-z]{2,3})(?:$|[-_\s])/i.exec(s) : null;
      return m ? m[1].toLowerCase() : null;
    };
    const urlLang = (u: string | null) => {
      const p = toUrl(u)?.pathname ?? '';
      const m = /^\/([a-z]{2})(?:\/|$)/i.exec(p);
      return m ? m[1].toLowerCase() : null;
    };
    const cands: Array<[string | null, FieldOrigin]> = [
      [prim(hm.lang), 'dom'], [urlLang(pageUrl) ?? urlLang(canonical) ?? urlLang(ogUrl), 'url'],
      [ld ? prim(jStr(ld.inLanguage)) : null, 'jsonld'], [prim(metaFirst('og:locale')?.value), 'opengraph'],
      [prim(metaFirst('content-language', 'language')?.value), 'meta'],
    ];
    for (const [v, o] of cands) {
      if (v) {
        language = v;
        origins.language = o;
        break;
      }
    }
  }

  // ---- author
  // The first of these with a name that is not the site's. Plain loops over the meta values, not
  // `(values ?? []).map().filter()`: an empty literal and a list of strings are arrays of two
  // kinds, and the chain over them put this function into a deoptimisation loop.
  let author: string | null = null;
  {
    const isSite = (s: string) => SITE_KEYS.has(textKey(s)) || (!!siteName && textKey(s) === textKey(siteName));
    const fromMeta = (name: string, dropUrls: boolean): string[] => {
      const out: string[] = [];
      const values = hm.meta.get(name);
      if (values) {
        for (let i = 0; i < values.length; i++) {
          const v = normText(decodeEntities(values[i]));
          if (!dropUrls || !/^https?:/i.test(v)) out.push(v);
        }
      }
      return out;
    };
    const take = (list: string[], o: FieldOrigin): boolean => {
      const names: string[] = [];
      for (let i = 0; i < list.length; i++) if (list[i] && !isSite(list[i]) && !names.includes(list[i])) names.push(list[i]);
      if (!names.length) return false;
      author = names.join(', ');
      origins.author = o;
      return true;
    };
    const micro = itemprop('author');
    void (
      take(ld ? jAuthors(ld.author) : [], 'jsonld') ||
      take(fromMeta('author', false), 'meta') ||
      take(fromMeta('article:author', true), 'opengraph') ||
      take(micro ? [micro] : [], 'microdata')
    );
  }

  if (pageUrl) origins.url = 'source';
  else if (docUrl) origins.url = canonical ? 'meta' : ogUrl ? 'opengraph' : 'jsonld';
  const canonicalUrl = canonical ?? ogUrl ?? null;
  if (canonicalUrl) origins.canonicalUrl = canonical ? 'meta' : 'opengraph';
  if (modifiedAt === null) origins.modifiedAt = undefined;

  return {
    storyCode,
    url: docUrl,
    canonicalUrl,
    title,
    lead,
    body,
    author,
    publishedAt: publishedAt as Date | null,
    modifiedAt,
    language,
    imageUrl,
    tags,
    related,
    featured,
    origins: definedOrigins(origins),
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Sections (Related Stories, Featured Stories, ...)

/**
 * Lines after label line `at`, up to the next label, inside the label's section block: the
 * label element's parent or grandparent (whichever holds the first link after the label).
 * `near` is false when only the grandparent holds it (links there are taken only when they
 * are article links, so an empty section does not swallow the page footer).
 */
interface Section {
  lines: Line<Label>[];
  near: boolean;
}

function sectionRange(c: Ctx, at: number): Section {
  const { lines } = c;
  const label = lines[at];
  let firstLink = -1;
  for (let j = at + 1; j < lines.length && j <= at + 40; j++) {
    if (lines[j].label) break;
    if (lines[j].segs.some((s) => s.anchor)) { firstLink = j; break; }
  }
  let container: AnyNode | null = null;
  let near = true;
  if (label.labelEl) {
    const parent = label.labelEl.parent;
    const grand = parent?.parent ?? null;
    const linkNode = firstLink >= 0 ? lines[firstLink].block ?? c.view.doc : null;
    if (parent && linkNode && contains(parent, linkNode)) container = parent;
    else {
      container = grand ?? parent;
      near = false;
    }
  }
  const out: Line<Label>[] = [];
  for (let j = at + 1; j < lines.length; j++) {
    const l = lines[j];
    if (l.label) break;
    if (container && container !== c.view.doc && !contains(container, l.block ?? c.view.doc)) break;
    out.push(l);
  }
  return { lines: out, near };
}

interface Item {
  key: string;
  urls: Array<{ url: string; text: string }>;
  titles: string[];
  anchors: AnchorInfo[];
  /** Text after the link(s), outside them, line by line. */
  extra: string[];
  /** Further lines inside a link spanning several blocks (`<a><h3>t</h3><p>snippet</p></a>`). */
  inner: string[];
}

function collectItems(c: Ctx, section: Section, preamble: string[] = []): Item[] {
  const sec = section.lines;
  const items: Item[] = [];
  const byKey = new Map<string, Item>();
  let cur: Item | null = null;
  let lastAnchor: Element | null = null;
  let lastAnchorLine = -1;
  for (const l of sec) {
    const extraParts: string[] = [];
    const flushExtra = () => {
      if (extraParts.length) {
        if (cur) cur.extra.push(normText(extraParts.join(' ')));
        else preamble.push(normText(extraParts.join(' ')));
      }
      extraParts.length = 0;
    };
    for (const s of l.segs) {
      const url = s.anchor ? linkUrl(c, s.anchor.href) : null;
      if (!s.anchor || !url) {
        extraParts.push(s.text);
        continue;
      }
      flushExtra();
      const key = linkKey(url);
      let it = byKey.get(key);
      if (!it) {
        it = { key, urls: [], titles: [], anchors: [], extra: [], inner: [] };
        byKey.set(key, it);
        items.push(it);
      }
      if (s.anchor.el === lastAnchor && l.index !== lastAnchorLine && it === cur) {
        it.inner.push(s.text);
      } else {
        it.titles.push(s.text);
        it.urls.push({ url, text: s.text });
      }
      if (!it.anchors.includes(s.anchor)) it.anchors.push(s.anchor);
      cur = it;
      lastAnchor = s.anchor.el;
      lastAnchorLine = l.index;
    }
    flushExtra();
  }
  // Image-only links still count: give them their URL.
  for (const it of items) {
    if (!it.urls.length) {
      const a = it.anchors[0];
      const u = a ? linkUrl(c, a.href) : null;
      if (u) it.urls.push({ url: u, text: '' });
    }
  }
  // Prefer article links when the section has any (drops "more"/footer links).
  if (items.some((it) => it.key.startsWith('code:'))) return items.filter((it) => it.key.startsWith('code:'));
  // No article links at all: keep only headline-like links right next to the label.
  if (!section.near) return [];
  return items.filter((it) => it.titles.some((t) => t.split(/\s+/).length >= 3 && !isNavText(t) && !isJunkLine(t)));
}

/** The full title among repeats: non-truncated first, then longest. */
type OriginField =
  | 'storyCode' | 'url' | 'canonicalUrl' | 'title' | 'lead' | 'body' | 'author' | 'publishedAt' | 'modifiedAt'
  | 'language' | 'imageUrl' | 'tags' | 'related' | 'featured';

/** The origins that were set, in the order of the article's fields. */
function definedOrigins(all: Record<OriginField, FieldOrigin | undefined>): Partial<Record<string, FieldOrigin>> {
  const out: Partial<Record<string, FieldOrigin>> = {};
  for (const k in all) {
    const o = all[k as OriginField];
    if (o !== undefined) out[k] = o;
  }
  return out;
}

/** Link texts of the tags sections (the lines after each Tags label). */
function domTags(c: Ctx, at: number[]): string[] {
  const out: string[] = [];
  for (const i of at) for (const l of sectionRange(c, i).lines) for (const s of l.segs) if (s.anchor) out.push(s.text);
  return out;
}

function bestTitle(it: Item): { title: string; url: string } | null {
  const texts = it.titles.map(normText).filter((t) => t && !isNavText(t) && !dateOnlyLine(t));
  const attrs = it.anchors.flatMap((a) => [a.title ?? '', ...a.alts]).map(normText).filter((t) => t && !isNavText(t));
  let cands: string[];
  if (texts.length && attrs.length) {
    // A title attribute / alt extends a truncated text: take it as a candidate.
    const strip = (t: string) => textKey(t.replace(ELLIPSIS_RE, ''));
    const textKeys = texts.map(strip);
    cands = [...texts, ...attrs.filter((a) => {
      const ka = strip(a);
      return textKeys.some((kt) => ka.startsWith(kt) && ka !== kt);
    })];
  } else if (texts.length) {
    cands = texts;
  } else {
    cands = attrs;
  }
  if (!cands.length) {
    const ex = it.extra.find((t) => !dateOnlyLine(t) && !SITE_PREFIX_RE.test(t) && !isNavText(t));
    if (!ex) return null;
    cands = [ex];
  }
  const title = longestTitle(cands);
  // The link carrying the chosen text; among equals, the longest URL (with the slug).
  const pool = it.urls.filter((u) => u.text === title);
  const url = (pool.length ? pool : it.urls).reduce<string | null>((a, u) => (!a || u.url.length > a.length ? u.url : a), null);
  return url ? { title, url } : null;
}

function sectionHasLinks(c: Ctx, sec: Section): boolean {
  return sec.lines.some((l) => l.segs.some((s) => s.anchor && linkUrl(c, s.anchor.href)));
}

/** Repeats of one title: equal, or one a (possibly "..."-ended) prefix of the other. */
function sameTitle(a: string, b: string): boolean {
  const ka = textKey(a.replace(ELLIPSIS_RE, ''));
  const kb = textKey(b.replace(ELLIPSIS_RE, ''));
  if (!ka || !kb) return false;
  const [short, long] = ka.length <= kb.length ? [ka, kb] : [kb, ka];
  return long.startsWith(short) && short.length >= Math.min(12, long.length);
}

function longestTitle(cands: string[]): string {
  const score = (t: string) => (ELLIPSIS_RE.test(t) ? 0 : 1e6) + t.replace(ELLIPSIS_RE, '').length;
  return cands.reduce((a, b) => (score(b) > score(a) ? b : a));
}

/** Sections printed without links (titles as plain text): the shape of the site's text dumps. */
function textItems(sec: Section): Array<{ titles: string[]; snippet: string[]; date: string | null }> {
  const items: Array<{ titles: string[]; snippet: string[]; date: string | null; closed: boolean }> = [];
  for (const l of sec.lines) {
    const t = l.text;
    if (isJunkLine(t)) continue;
    const cur = items[items.length - 1];
    const d = dateOnlyLine(t);
    if (d) {
      if (cur && !cur.date) cur.date = wallDay(d);
      if (cur) cur.closed = true;
      continue;
    }
    if (SITE_PREFIX_RE.test(t)) {
      if (cur) cur.snippet.push(t);
      continue;
    }
    if (cur && !cur.closed && !cur.snippet.length && cur.titles.some((x) => sameTitle(x, t))) {
      cur.titles.push(t);
      continue;
    }
    items.push({ titles: [t], snippet: [], date: null, closed: false });
  }
  return items;
}

function parseRelated(c: Ctx, sec: Section): ParsedLink[] {
  if (!sectionHasLinks(c, sec)) {
    return textItems(sec).map((it) => ({
      title: longestTitle(it.titles), url: null, snippet: stripSitePrefix(normText(it.snippet.join(' '))) || null,
    }));
  }
  const items = collectItems(c, sec);
  // A teaser inside the title link ("Title Islam Times - teaser ..."): split it off.
  for (const it of items) {
    it.titles = it.titles.map((t) => {
      const m = /\s+islam\s*times\s*[-–—:|]\s+/i.exec(t);
      if (!m || m.index === 0) return t;
      it.inner.unshift(t.slice(m.index).trim());
      return t.slice(0, m.index);
    });
  }
  const titleKeys = new Set(items.flatMap((it) => it.titles.map(textKey)));
  const out: ParsedLink[] = [];
  for (const it of items) {
    const bt = bestTitle(it);
    if (!bt) continue;
    const pool = [...it.inner, ...it.extra].filter((t) => t && !titleKeys.has(textKey(t)) && !dateOnlyLine(t) && !isJunkLine(t));
    let snippetLines = pool;
    const si = pool.findIndex((t) => SITE_PREFIX_RE.test(t));
    if (si >= 0) snippetLines = pool.slice(si);
    const snippet = stripSitePrefix(normText(snippetLines.join(' ')));
    out.push({ title: bt.title, url: bt.url, snippet: snippet || null });
  }
  return out;
}

function parseFeatured(c: Ctx, sec: Section): ParsedLink[] {
  if (!sectionHasLinks(c, sec)) {
    return textItems(sec).map((it) => ({ title: longestTitle(it.titles), url: null, date: it.date }));
  }
  const preamble: string[] = [];
  const items = collectItems(c, sec, preamble);
  // Dates printed before their titles ("8 December 2021" then the link): shift them forward.
  if (preamble.length && dateOnlyLine(preamble[preamble.length - 1]) && items.length) {
    for (let k = items.length - 1; k >= 0; k--) {
      const prevExtra = k > 0 ? items[k - 1].extra : preamble;
      const di = prevExtra.findIndex((t) => !!dateOnlyLine(t));
      items[k].extra = di >= 0 ? [prevExtra[di]] : [];
    }
  }
  const out: ParsedLink[] = [];
  for (const it of items) {
    // A date printed inside the link ("Title 8 December 2021") is split off.
    let date: string | null = null;
    it.titles = it.titles.map((t) => {
      const w = findPrintedDate(t);
      if (w && w.index > 0 && w.index + w.length >= t.length - 1) {
        date ??= wallDay(w);
        return t.slice(0, w.index).replace(/[\s|•·\-–—,]+$/, '');
      }
      return t;
    });
    const bt = bestTitle(it);
    if (!bt) continue;
    if (!date) {
      for (const t of [...it.extra, ...it.inner]) {
        const w = dateOnlyLine(t) ?? findPrintedDate(t);
        if (w) {
          date = wallDay(w);
          break;
        }
      }
    }
    out.push({ title: bt.title, url: bt.url, date });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Body

interface BodyHints {
  titleLine: number;
  codeLine: number;
  codeLines: Set<number>;
  titleKey: string;
  dateLine: number;
  sectionLines: Set<number>;
}

function extractBody(c: Ctx, h: BodyHints): string[] {
  const { lines } = c;
  const isHeaderLine = (l: Line<Label>) =>
    h.codeLines.has(l.index) || l.index === h.dateLine || (!!h.titleKey && textKeyIs(l.text, h.titleKey)) || !!dateOnlyLine(l.text);
  const linkHeavy = (l: Line<Label>) => l.linkChars > 0 && l.linkChars >= l.text.length * 0.6 && l.text.length < 120;
  const isPara = (l: Line<Label>) =>
    !l.label && !l.chrome && !h.sectionLines.has(l.index) && l.text.length >= 40 && l.linkChars < l.text.length * 0.5
    && !isHeaderLine(l) && !isJunkLine(l.text);
  const keep = (l: Line<Label>) =>
    !l.label && !l.chrome && !h.sectionLines.has(l.index) && !isHeaderLine(l) && !isJunkLine(l.text) && !linkHeavy(l);

  const anchors = [h.titleLine, h.codeLine, h.dateLine].filter((x) => x >= 0);
  const start = h.titleLine >= 0 ? h.titleLine : anchors.length ? Math.min(...anchors) : -1;

  const take = (from: number, to: number, cutLinkRuns: boolean): string[] => {
    const out: string[] = [];
    let linkRun = 0;
    for (let i = from; i < to; i++) {
      const l = lines[i];
      if (cutLinkRuns) {
        if (linkHeavy(l) || l.chrome) {
          if (++linkRun >= 3 && out.length) break;
          continue;
        }
        linkRun = 0;
        if (/^(?:©|\(c\)|copyright\b|all rights reserved)/i.test(l.text)) break;
      }
      if (keep(l)) out.push(l.text);
    }
    return out;
  };

  if (start >= 0) {
    let firstP = -1;
    let firstLabel = -1;
    for (let i = start + 1; i < lines.length; i++) {
      const l = lines[i];
      if (l.label && firstLabel < 0) firstLabel = i;
      if (l.label && (l.label === 'related' || l.label === 'featured')) {
        // Body text never runs past these.
        if (firstP < 0) break;
      }
      if (isPara(l)) { firstP = i; break; }
    }
    if (firstP >= 0) {
      let bodyStart = start + 1;
      for (let i = start + 1; i < firstP; i++) if (lines[i].label) bodyStart = i + 1;
      let end = -1;
      for (let i = firstP + 1; i < lines.length; i++) if (lines[i].label) { end = i; break; }
      const out = end >= 0 ? take(bodyStart, end, false) : take(bodyStart, lines.length, true);
      if (out.length) return out;
    } else if (firstLabel > start + 1) {
      const out = take(start + 1, firstLabel, false);
      if (out.length) return out;
    }
  }

  // Fallback: the element holding most paragraph text, walking up from the paragraph lines.
  const score = new Map<AnyNode, number>();
  for (const l of lines) {
    if (!isPara(l)) continue;
    const blk: AnyNode = l.block ?? c.view.doc;
    const p = blk.parent ?? blk;
    score.set(p, (score.get(p) ?? 0) + l.text.length);
    if (p.parent) score.set(p.parent, (score.get(p.parent) ?? 0) + l.text.length * 0.5);
  }
  let best: AnyNode | null = null;
  let bestScore = 0;
  for (const [n, s] of score) if (s > bestScore) { best = n; bestScore = s; }
  if (!best) return [];
  const inside = lines.filter((l) => contains(best!, l.block ?? c.view.doc));
  if (!inside.length) return [];
  const from = inside[0].index;
  let to = inside[inside.length - 1].index + 1;
  for (let i = from; i < to; i++) {
    const l = lines[i];
    if (l.label === 'related' || l.label === 'featured' || l.label === 'comment') {
      if (lines.slice(from, i).some(isPara)) { to = i; break; }
    }
  }
  return lines.slice(from, to).filter((l) => contains(best!, l.block ?? c.view.doc) && keep(l)).map((l) => l.text);
}
