// The story code identifies a story across its URLs (mobile, AMP, tracking parameters, slug
// edits), which is what deduplication keys on. Best: the publisher's own identifier in
// JSON-LD. Next: the numeric id most CMSs put in the path (/news/123456/slug), found in the
// canonical URL before the fetch URL since the canonical one is the same for every variant.
// Last resort: a hash of the canonical URL, stable as long as the canonical URL is.

import { createHash } from 'node:crypto';
import type { FieldOrigin } from '../types.js';

export interface StoryCode {
  value: string;
  origin: FieldOrigin;
}

function sha16(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

/**
 * The numeric id in a URL path: a run of 4+ digits that is not part of a date. Among
 * several, the longest wins, and on a tie the last one (ids follow section paths).
 */
export function numericIdFromUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  // Blank out dates first: /2017/04/08/, 2017-04-08, 20170408 (as a whole token).
  const cleaned = path
    .replace(/(?:19|20)\d{2}([/_-])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?!\d)/g, ' ')
    .replace(/(?:19|20)\d{2}[/_-](?:0?[1-9]|1[0-2])(?=[/_-]|$)/g, ' ')
    .replace(/(?<![\d])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\d])/g, ' ');
  let best: string | undefined;
  for (const m of cleaned.matchAll(/\d{4,}/g)) {
    const d = m[0];
    // A lone year in a path segment (/2017/) is a date, not an id.
    if (d.length === 4 && /^(?:19|20)\d{2}$/.test(d)) continue;
    if (d.length > 30) continue;
    if (!best || d.length >= best.length) best = d;
  }
  return best;
}

/** Drop the fragment: `#comments` does not make a different story. */
function hashableUrl(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return url.trim();
  }
}

export function storyCode(opts: {
  identifier?: string;
  canonicalUrl?: string | null;
  url?: string | null;
  title: string;
  firstParagraph?: string;
}): StoryCode {
  if (opts.identifier) return { value: opts.identifier, origin: 'jsonld' };
  for (const u of [opts.canonicalUrl, opts.url]) {
    if (!u) continue;
    const id = numericIdFromUrl(u);
    if (id) return { value: id, origin: 'url' };
  }
  const u = opts.canonicalUrl || opts.url;
  if (u) return { value: 'h:' + sha16(hashableUrl(u)), origin: 'hash' };
  return { value: 'h:' + sha16(opts.title + '\n' + (opts.firstParagraph ?? '')), origin: 'hash' };
}
