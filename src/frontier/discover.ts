// Links a listing page leads to: article links (by the source's rules) and its pagination.
import type { Element } from 'domhandler';
import { tryNormalizeUrl } from './normalize.js';
import { attribute, NestingTooDeep, parseLightDocument, textContent, type LightDocument } from '../parse/light-dom.js';
import { isArticleUrl, type SourceRules } from '../sources/rules.js';

export interface ListingLinks {
  articles: string[];
  /** Next pages of the listing (rel=next, "Next", "Older", "»", or page=N+1). */
  pages: string[];
  /**
   * Later pages of the same numbered listing that its pager links to (page N+2 to N+MAX_AHEAD),
   * with how many pages ahead of this one each is. Following them as well walks a long listing
   * several pages at a time instead of one hop after another.
   */
  ahead: { url: string; offset: number }[];
}

/** How far ahead a pager's numbered links are followed ("Last" is a listing's end, not a step). */
export const MAX_AHEAD = 10;

const NEXT_TEXT = /^(next|next page|older|older posts|older entries|more|more stories|load more|»|›|>|>>|→|next\s*[»›>→])$/i;
const PAGE_PARAM = /[?&](page|p|pg|start|offset)=(\d+)/i;
const PAGE_PATH = /\/page\/(\d+)\/?$/i;

/** Its page number: by `param`, else a `/page/N` path. */
function pageNumber(url: string, param = PAGE_PARAM): number | null {
  const m = param.exec(url) ?? PAGE_PATH.exec(url);
  return m ? Number(m[m.length - 1]) : null;
}

/** The page number of a listing numbered by page (not by item offset: `start=`, `offset=`). */
const PAGE_NUMBER_PARAM = /[?&](page|p|pg)=(\d+)/i;
const numberedPage = (url: string) => pageNumber(url, PAGE_NUMBER_PARAM);

/** Same URL apart from its page number? Then `b` is a page of the same listing as `a`. */
function samePagedListing(a: string, b: string): boolean {
  const strip = (u: string) => u.replace(PAGE_PARAM, '').replace(PAGE_PATH, '');
  return strip(a) === strip(b);
}

export function discoverListingLinks(html: string, pageUrl: string, rules: SourceRules): ListingLinks {
  // The page's elements in document order, from the lean tree of light-dom.ts (cheerio's find()
  // was quadratic in the number of top-level nodes: a 1 MB page of bare <p>s took seconds per
  // selector). Only links' attributes are read.
  let doc: LightDocument;
  try {
    doc = parseLightDocument(html);
  } catch (err) {
    // A page nested absurdly deep would take minutes to walk (see light-dom.ts): no links.
    if (err instanceof NestingTooDeep) return { articles: [], pages: [], ahead: [] };
    throw err;
  }
  const els: Element[] = doc.elements.filter((e) => e.name === 'a' || e.name === 'link' || e.name === 'base');
  const href = (e: Element) => attribute(e, 'href');
  const base = els.find((e) => e.name === 'base' && href(e) !== undefined);
  const baseUrl = tryNormalizeUrl(base ? href(base) : '', pageUrl) ?? pageUrl;
  const articles = new Set<string>();
  const pages = new Set<string>();
  const current = pageNumber(pageUrl) ?? 1;
  // Numbered by page (or the first page, which often has no number): later pages can be named.
  const numbered = numberedPage(pageUrl) !== null || pageNumber(pageUrl) === null;
  const ahead = new Map<string, number>();
  const rels = (e: Element) => (attribute(e, 'rel') ?? '').toLowerCase().split(/\s+/);

  for (const e of els) {
    if (e.name !== 'link' || href(e) === undefined || !rels(e).includes('next')) continue;
    const u = tryNormalizeUrl(href(e), baseUrl);
    if (u) pages.add(u);
  }
  for (const e of els) {
    if (e.name !== 'a' || href(e) === undefined) continue;
    const u = tryNormalizeUrl(href(e), baseUrl);
    if (!u || u === pageUrl) continue;
    if (isArticleUrl(rules, u)) {
      articles.add(u);
      continue;
    }
    const text = textContent(e).replace(/\s+/g, ' ').trim();
    const n = pageNumber(u);
    if (rels(e).includes('next') || NEXT_TEXT.test(text) || (n === current + 1 && samePagedListing(u, pageUrl))) pages.add(u);
    else if (numbered && n !== null && n > current + 1 && n <= current + MAX_AHEAD && numberedPage(u) === n && samePagedListing(u, pageUrl)) {
      ahead.set(u, n - current);
    }
  }
  for (const u of pages) ahead.delete(u);
  return { articles: [...articles], pages: [...pages], ahead: [...ahead].map(([url, offset]) => ({ url, offset })) };
}
