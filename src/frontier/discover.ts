// Links a listing page leads to: article links (by the source's rules) and its pagination.
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { tryNormalizeUrl } from './normalize.js';
import { htmlShapeProblem } from '../parse/html-shape.js';
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
  // A page nested absurdly deep would take minutes to parse (see html-shape.ts): no links.
  if (htmlShapeProblem(html)) return { articles: [], pages: [] };
  // htmlparser2's DOM walked directly: cheerio's find() is quadratic in the number of top-level
  // nodes (a 1 MB page of bare <p>s took seconds per selector).
  const doc = parseDocument(html);
  const els = DomUtils.findAll((e) => e.name === 'a' || e.name === 'link' || e.name === 'base', doc.children) as Element[];
  const href = (e: Element) => e.attribs.href;
  const base = els.find((e) => e.name === 'base' && href(e) !== undefined);
  const baseUrl = tryNormalizeUrl(base ? href(base) : '', pageUrl) ?? pageUrl;
  const articles = new Set<string>();
  const pages = new Set<string>();
  const current = pageNumber(pageUrl) ?? 1;
  const rels = (e: Element) => (e.attribs.rel ?? '').toLowerCase().split(/\s+/);

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
    const text = DomUtils.textContent(e).replace(/\s+/g, ' ').trim();
    const n = pageNumber(u);
    if (rels(e).includes('next') || NEXT_TEXT.test(text) || (n === current + 1 && samePagedListing(u, pageUrl))) pages.add(u);
  }
  return { articles: [...articles], pages: [...pages] };
}
