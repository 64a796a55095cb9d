// Links a listing page leads to: article links (by the source's rules) and its pagination.
import { load } from 'cheerio/slim';
import { tryNormalizeUrl } from './normalize.js';
import { isArticleUrl, type SourceRules } from '../sources/rules.js';

export interface ListingLinks {
  articles: string[];
  /** Next pages of the listing (rel=next, "Next", "Older", "»", or page=N+1). */
  pages: string[];
}

const NEXT_TEXT = /^(next|next page|older|older posts|older entries|more|more stories|load more|»|›|>|>>|→|next\s*[»›>→])$/i;
const PAGE_PARAM = /[?&](page|p|pg|start|offset)=(\d+)/i;
const PAGE_PATH = /\/page\/(\d+)\/?$/i;

function pageNumber(url: string): number | null {
  const m = PAGE_PARAM.exec(url) ?? PAGE_PATH.exec(url);
  return m ? Number(m[m.length - 1]) : null;
}

/** Same URL apart from its page number? Then `b` is a page of the same listing as `a`. */
function samePagedListing(a: string, b: string): boolean {
  const strip = (u: string) => u.replace(PAGE_PARAM, '').replace(PAGE_PATH, '');
  return strip(a) === strip(b);
}

export function discoverListingLinks(html: string, pageUrl: string, rules: SourceRules): ListingLinks {
  const $ = load(html);
  const base = $('base[href]').attr('href');
  const baseUrl = tryNormalizeUrl(base ?? '', pageUrl) ?? pageUrl;
  const articles = new Set<string>();
  const pages = new Set<string>();
  const current = pageNumber(pageUrl) ?? 1;

  $('link[rel~="next"][href]').each((_, el) => {
    const u = tryNormalizeUrl($(el).attr('href'), baseUrl);
    if (u) pages.add(u);
  });
  $('a[href]').each((_, el) => {
    const a = $(el);
    const u = tryNormalizeUrl(a.attr('href'), baseUrl);
    if (!u || u === pageUrl) return;
    if (isArticleUrl(rules, u)) {
      articles.add(u);
      return;
    }
    const rel = (a.attr('rel') ?? '').toLowerCase().split(/\s+/);
    const text = a.text().replace(/\s+/g, ' ').trim();
    const n = pageNumber(u);
    if (rel.includes('next') || NEXT_TEXT.test(text) || (n === current + 1 && samePagedListing(u, pageUrl))) pages.add(u);
  });
  return { articles: [...articles], pages: [...pages] };
}
