// Feeds and sitemaps as entry points: the links they give.
import { describe, expect, it } from 'vitest';
import { looksLikeFeed, parseFeed } from '../../src/frontier/feeds.js';

describe('feeds and sitemaps', () => {
  it('RSS 2.0: item links (guid when there is no link), made absolute', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><link>https://e.com/</link>
<atom:link href="https://e.com/rss" rel="self"/>
<item><title>A</title><link>/en/news/1/a</link></item>
<item><title>B</title><guid isPermaLink="true">https://e.com/en/news/2/b</guid></item>
<item><title>C</title><guid isPermaLink="false">tag:e.com,3</guid></item>
<item><title>A again</title><link> https://e.com/en/news/1/a </link></item>
</channel></rss>`;
    expect(looksLikeFeed(xml)).toBe(true);
    expect(parseFeed(xml, 'https://e.com/rss')).toEqual({ kind: 'rss', articles: ['https://e.com/en/news/1/a', 'https://e.com/en/news/2/b'], sitemaps: [] });
  });

  it('Atom: the alternate link of each entry', () => {
    const xml = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><link href="https://e.com/"/>
<entry><link rel="self" href="https://e.com/api/1"/><link rel="alternate" href="https://e.com/en/news/1/a"/></entry>
<entry><link href="https://e.com/en/news/2/b"/></entry></feed>`;
    expect(parseFeed(xml, 'https://e.com/atom')).toEqual({ kind: 'atom', articles: ['https://e.com/en/news/1/a', 'https://e.com/en/news/2/b'], sitemaps: [] });
  });

  it('RSS 1.0 (RDF)', () => {
    const xml = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://e.com/"/><item rdf:about="https://e.com/1"><link>https://e.com/1</link></item><item rdf:about="https://e.com/2"/></rdf:RDF>`;
    expect(parseFeed(xml, 'https://e.com/rdf')?.articles).toEqual(['https://e.com/1', 'https://e.com/2']);
  });

  it('sitemap index and Google News sitemap', () => {
    const index = `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://e.com/sitemaps/news-2.xml</loc><lastmod>2024-01-02</lastmod></sitemap>
<sitemap><loc>https://e.com/sitemaps/news-1.xml</loc></sitemap></sitemapindex>`;
    expect(parseFeed(index, 'https://e.com/sitemap.xml')).toEqual({ kind: 'sitemapindex', articles: [], sitemaps: ['https://e.com/sitemaps/news-2.xml', 'https://e.com/sitemaps/news-1.xml'] });
    const news = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://e.com/en/news/2/b</loc><news:news><news:title>B</news:title></news:news></url>
<url><loc>https://e.com/en/news/1/a</loc></url></urlset>`;
    expect(parseFeed(news, 'https://e.com/sitemaps/news-2.xml')).toEqual({ kind: 'urlset', articles: ['https://e.com/en/news/2/b', 'https://e.com/en/news/1/a'], sitemaps: [] });
  });

  it('HTML and XHTML pages are not feeds', () => {
    expect(looksLikeFeed('<!DOCTYPE html><html><body><a href="/x">x</a></body></html>', 'text/html')).toBe(false);
    const xhtml = '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>';
    expect(looksLikeFeed(xhtml, 'application/xhtml+xml')).toBe(false);
    expect(parseFeed(xhtml, 'https://e.com/')).toBeNull();
  });
});
