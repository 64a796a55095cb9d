import { describe, expect, it } from 'vitest';
import { normalizeUrl, tryNormalizeUrl, InvalidUrlError, siteOf } from '../../src/frontier/normalize.js';

describe('normalizeUrl', () => {
  it('lower-cases scheme and host, drops default ports and fragments', () => {
    expect(normalizeUrl('HTTPS://WWW.IslamTimes.ORG:443/en/news/967483/Slug#comments')).toBe('https://www.islamtimes.org/en/news/967483/Slug');
    expect(normalizeUrl('http://example.com:80/a')).toBe('http://example.com/a');
    expect(normalizeUrl('http://example.com:8080/a')).toBe('http://example.com:8080/a');
  });

  it('drops tracking parameters and sorts the rest', () => {
    expect(normalizeUrl('https://ex.com/a?utm_source=x&b=2&a=1&fbclid=zz&UTM_Medium=y')).toBe('https://ex.com/a?a=1&b=2');
    expect(normalizeUrl('https://ex.com/a?utm_source=x')).toBe('https://ex.com/a');
    expect(normalizeUrl('https://ex.com/a?')).toBe('https://ex.com/a');
  });

  it('drops an empty fragment or query, also when they come from the base', () => {
    expect(normalizeUrl('https://ex.com/a#')).toBe('https://ex.com/a');
    expect(normalizeUrl('https://ex.com/a?#')).toBe('https://ex.com/a');
    expect(normalizeUrl('#x', 'https://ex.com/a?')).toBe('https://ex.com/a');
    expect(normalizeUrl('#', 'https://ex.com/a?b=1&a=2')).toBe('https://ex.com/a?a=2&b=1');
    expect(normalizeUrl('https://ex.com./a')).toBe('https://ex.com/a');
  });

  it('resolves relative links and dot segments', () => {
    expect(normalizeUrl('../news/1?x=1', 'https://ex.com/en/archive/')).toBe('https://ex.com/en/news/1?x=1');
  });

  it('gives equal output for equal pages', () => {
    const a = normalizeUrl('https://Ex.com/p?b=2&a=1#top');
    const b = normalizeUrl('https://ex.com/p?a=1&b=2&utm_campaign=z');
    expect(a).toBe(b);
  });

  it('refuses non-HTTP, invalid, credentialed and over-long URLs', () => {
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,hi', 'ftp://x.org/', 'not a url', '', 'http://user:pw@ex.com/', `https://ex.com/${'a'.repeat(3000)}`]) {
      expect(() => normalizeUrl(bad), bad).toThrow(InvalidUrlError);
      expect(tryNormalizeUrl(bad)).toBeNull();
    }
  });

  it('knows the site of a host', () => {
    expect(siteOf('https://www.ex.com/a')).toBe('ex.com');
    expect(siteOf('https://m.ex.com/a')).toBe('ex.com');
  });
});
