// URL normalisation before the seen-check: two spellings of one page must compare equal.
// Conservative on purpose: path case and trailing slashes are kept (servers differ on them).

/** Query parameters that only track the visitor; never part of a page's identity. */
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'igshid', 'mc_cid', 'mc_eid',
  '_ga', '_gl', '_hsenc', '_hsmi', 'mkt_tok', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'wickedid', 'spm',
  'cmpid', 'ncid', 'ocid', 'sr_share', 'at_medium', 'at_campaign', 'ito', 'ref_src', 'ref_url', 'share', 'utm',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'hsa_', 'stm_'];

export const MAX_URL_LENGTH = 2048;

export class InvalidUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUrlError';
  }
}

function isTracking(name: string): boolean {
  const n = name.toLowerCase();
  return TRACKING_PARAMS.has(n) || TRACKING_PREFIXES.some((p) => n.startsWith(p));
}

/**
 * Returns the canonical spelling of an http(s) URL: lower-case scheme and host, no default
 * port, no fragment, no tracking parameters, remaining parameters sorted (stable for equal
 * names), no empty `?`. Throws InvalidUrlError for anything that is not a fetchable URL.
 */
export function normalizeUrl(input: string, base?: string): string {
  const raw = input.trim();
  if (!raw) throw new InvalidUrlError('empty URL');
  if (raw.length > MAX_URL_LENGTH) throw new InvalidUrlError(`URL longer than ${MAX_URL_LENGTH} characters`);
  let u: URL;
  try {
    u = new URL(raw, base);
  } catch {
    throw new InvalidUrlError(`not a valid URL: ${raw.slice(0, 200)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidUrlError(`only http and https URLs are fetched, not ${u.protocol}`);
  if (!u.hostname) throw new InvalidUrlError('URL has no host');
  if (u.username || u.password) throw new InvalidUrlError('URLs with credentials are refused');
  // Each setter re-serialises the URL: set only what changes (most links have no fragment, no
  // trailing dot and no query). An empty fragment or query (`#`, `?`) reads as '' but is there.
  if (u.hash || u.href.includes('#')) u.hash = '';
  // WHATWG URL already lower-cases scheme and host, drops default ports and resolves dot segments.
  if (u.hostname.endsWith('.')) u.hostname = u.hostname.replace(/\.$/, '');
  if (u.search) {
    const params = [...u.searchParams.entries()].filter(([k]) => !isTracking(k));
    params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    u.search = params.length ? new URLSearchParams(params).toString() : '';
  } else if (u.href.includes('?')) u.search = '';
  const out = u.toString();
  if (out.length > MAX_URL_LENGTH) throw new InvalidUrlError(`URL longer than ${MAX_URL_LENGTH} characters`);
  return out;
}

/** Like normalizeUrl, but null instead of an error (for links found on pages). */
export function tryNormalizeUrl(input: string | null | undefined, base?: string): string | null {
  if (!input) return null;
  try {
    return normalizeUrl(input, base);
  } catch {
    return null;
  }
}

/** Registrable-ish site of a host, for same-site checks: `www.` and `m.`/`amp.` dropped. */
export function siteOf(url: string): string {
  return new URL(url).hostname.replace(/^(www|m|amp|mobile)\./, '');
}
