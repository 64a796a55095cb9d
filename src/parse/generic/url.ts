// URL helpers: resolving relative references against the page and telling apart URLs from
// names (article:author is often a profile URL, not a name).

/**
 * Absolute http(s) URL of `href` against `base`, or null when it cannot be one. With `link`, the
 * href is read as a link to another page: a same-page `#anchor` is none, and fragments are dropped.
 */
export function absoluteUrl(href: string | null | undefined, base?: string | null, opts: { link?: boolean } = {}): string | null {
  if (!href) return null;
  const h = href.trim();
  if (!h || (opts.link && h.startsWith('#'))) return null;
  try {
    const u = base ? new URL(h, base) : new URL(h);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (opts.link) u.hash = '';
    return u.href;
  } catch {
    return null;
  }
}

export function looksLikeUrl(s: string): boolean {
  return /^(https?:)?\/\//i.test(s.trim()) || /^www\./i.test(s.trim());
}

/** Host without `www.`, or '' when `url` is not a URL. */
export function hostOf(url: string | null | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).hostname.replace(/^www\./, '').toLowerCase();
  } catch {
    return '';
  }
}
