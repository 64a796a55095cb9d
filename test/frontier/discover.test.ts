// Listing discovery: article links by the source's rules, the next page, and the later pages a
// numbered pager names (followed by full walks so a long listing is not one fetch after another).
import { describe, expect, it } from 'vitest';
import { discoverListingLinks, MAX_AHEAD } from '../../src/frontier/discover.js';
import { rulesFor } from '../../src/sources/rules.js';

const rules = rulesFor({ key: 'it', parserProfile: 'islamtimes' });
const pager = (links: string) => `<html><body><ul><li><a href="/en/news/1/a">A</a></li><li><a href="/en/news/2/b">B</a></li></ul>
  <div class="pager">${links}</div></body></html>`;

describe('discoverListingLinks', () => {
  it('finds the stories, the next page and the later pages of a numbered pager', () => {
    const html = pager(`<span>1</span> <a href="?page=2">2</a> <a href="?page=3">3</a> <a href="?page=4">4</a>
      <a href="?page=2" rel="next">Next page</a> <a href="?page=50">Last</a> <a href="/en/other?page=3">elsewhere</a>`);
    const got = discoverListingLinks(html, 'https://ex.com/en/archive?page=1', rules);
    expect(got.articles).toEqual(['https://ex.com/en/news/1/a', 'https://ex.com/en/news/2/b']);
    expect(got.pages).toEqual(['https://ex.com/en/archive?page=2']);
    // page 50 is too far ahead; another listing's page 3 is not this listing's
    expect(got.ahead).toEqual([
      { url: 'https://ex.com/en/archive?page=3', offset: 2 },
      { url: 'https://ex.com/en/archive?page=4', offset: 3 },
    ]);
  });

  it('counts from the current page and ignores earlier ones', () => {
    const html = pager(`<a href="/news/page/5">5</a> <a href="/news/page/7">7</a> <a href="/news/page/8">8</a> <a href="/news/page/${7 + MAX_AHEAD}">far</a>`);
    const got = discoverListingLinks(html, 'https://ex.com/news/page/6', rules);
    expect(got.pages).toEqual(['https://ex.com/news/page/7']);
    expect(got.ahead).toEqual([{ url: 'https://ex.com/news/page/8', offset: 2 }]);
  });

  it('names no later pages of a listing numbered by item offset', () => {
    const html = pager(`<a href="?start=20">2</a> <a href="?start=40">3</a> <a href="?start=60">4</a>`);
    const got = discoverListingLinks(html, 'https://ex.com/en/archive?start=20', rules);
    expect(got.ahead).toEqual([]);
  });
});
