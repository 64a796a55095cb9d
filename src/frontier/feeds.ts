// Links in feeds and sitemaps: RSS 2.0, RSS 1.0 (RDF), Atom, sitemap <urlset> (Google News
// sitemaps included) and sitemap indexes (<sitemapindex>, whose entries are more sitemaps).
import { load } from 'cheerio/slim';
import { tryNormalizeUrl } from './normalize.js';

export type FeedKind = 'rss' | 'rdf' | 'atom' | 'urlset' | 'sitemapindex';

export interface FeedLinks {
  kind: FeedKind;
  /** Item / entry / <url> links, in document order. */
  articles: string[];
  /** A sitemap index's child sitemaps, in document order. */
  sitemaps: string[];
}

const XML_START = /^(?:\uFEFF)?\s*(?:<\?xml[^>]*>\s*|<\?xml-stylesheet[^>]*>\s*|<!--[\s\S]*?-->\s*)*<(rss|feed|urlset|sitemapindex|rdf:rdf)\b/i;

/** Cheap test before parsing: an XML feed or sitemap rather than an HTML page? */
export function looksLikeFeed(content: string, contentType?: string | null): boolean {
  const head = content.slice(0, 2048);
  if (XML_START.test(head)) return true;
  const ct = (contentType ?? '').toLowerCase();
  return /(^|[/+])(rss|atom|xml)\b/.test(ct) && !ct.includes('html') && /^(?:\uFEFF)?\s*<\?xml/i.test(head);
}

/** The links of a feed or sitemap, or null when the document is not one (e.g. XHTML). */
export function parseFeed(xml: string, baseUrl: string): FeedLinks | null {
  const $ = load(xml, { xml: true });
  const root = $.root().children().filter((_, el) => el.type === 'tag').first();
  const name = (root.prop('tagName') ?? '').toLowerCase();
  const abs = (u: string | undefined) => (u ? tryNormalizeUrl(u.trim(), baseUrl) : null);
  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))];
  // Namespaced names (news:news, atom:link) are matched by tag name, not by CSS selectors.
  const childrenNamed = (el: Parameters<typeof $>[0], tag: string) =>
    $(el).children().filter((_, c) => c.type === 'tag' && c.tagName.toLowerCase() === tag);

  switch (name) {
    case 'rss':
    case 'rdf:rdf': {
      const items = name === 'rss' ? root.find('channel').children() : root.children();
      const links = items
        .filter((_, el) => el.type === 'tag' && el.tagName.toLowerCase() === 'item')
        .toArray()
        .map((item) => {
          const link = childrenNamed(item, 'link').first().text();
          if (link.trim()) return abs(link);
          const guid = childrenNamed(item, 'guid').first();
          return guid.length && guid.attr('isPermaLink') !== 'false' ? abs(guid.text()) : abs($(item).attr('rdf:about'));
        });
      return { kind: name === 'rss' ? 'rss' : 'rdf', articles: uniq(links), sitemaps: [] };
    }
    case 'feed': {
      const links = root
        .children()
        .filter((_, el) => el.type === 'tag' && el.tagName.toLowerCase() === 'entry')
        .toArray()
        .map((entry) => {
          const ls = childrenNamed(entry, 'link').toArray();
          const alt = ls.find((l) => ($(l).attr('rel') ?? 'alternate') === 'alternate') ?? ls[0];
          return abs(alt ? $(alt).attr('href') : undefined);
        });
      return { kind: 'atom', articles: uniq(links), sitemaps: [] };
    }
    case 'urlset': {
      const links = root
        .children()
        .filter((_, el) => el.type === 'tag' && el.tagName.toLowerCase() === 'url')
        .toArray()
        .map((u) => abs(childrenNamed(u, 'loc').first().text()));
      return { kind: 'urlset', articles: uniq(links), sitemaps: [] };
    }
    case 'sitemapindex': {
      const links = root
        .children()
        .filter((_, el) => el.type === 'tag' && el.tagName.toLowerCase() === 'sitemap')
        .toArray()
        .map((s) => abs(childrenNamed(s, 'loc').first().text()));
      return { kind: 'sitemapindex', articles: [], sitemaps: uniq(links) };
    }
    default:
      return null;
  }
}
