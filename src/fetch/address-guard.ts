// SSRF guard for URLs that come from outside (API submissions, links found in pages, redirect
// targets). Two layers, because either alone has a hole:
//   1. `checkUrl` / `assertPublicUrl` before fetching: scheme, length, credentials, IP literals,
//      and (async) every address the name resolves to.
//   2. `createGuardedLookup` as undici's `connect.lookup`: the address actually dialled is checked
//      at connect time, so a DNS rebind (public answer at check time, 127.0.0.1 at connect time)
//      or a redirect to an internal name cannot slip through.
// Node's `net.connect` does not call `lookup` for IP literals, which is why layer 1 must also
// reject literal private IPs on every redirect hop.

import dns from 'node:dns';
import net from 'node:net';
import { FetchError } from './errors.js';

export const MAX_URL_LENGTH = 2048;

export interface AddressGuardOptions {
  /** Let private/loopback/... addresses through (tests, internal sources). Default false. */
  allowPrivate?: boolean;
  /** Default 2048. */
  maxUrlLength?: number;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolver used for the async checks; defaults to `dns.lookup` (getaddrinfo, honours /etc/hosts). */
export type ResolveAll = (hostname: string) => Promise<ResolvedAddress[]>;

export const defaultResolveAll: ResolveAll = async (hostname) =>
  dns.promises.lookup(hostname, { all: true, verbatim: true });

// ---------------------------------------------------------------------------------------------
// Address classification

type V4Range = readonly [base: number, prefix: number, label: string];

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

// Everything that is not a plain public unicast address. Documentation/benchmark ranges are
// included because nothing legitimate is served from them and they are used in SSRF payloads.
const V4_BLOCKED: readonly V4Range[] = [
  [v4(0, 0, 0, 0), 8, 'unspecified'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'cgnat'],
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link-local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'ietf-protocol'],
  [v4(192, 0, 2, 0), 24, 'documentation'],
  [v4(192, 88, 99, 0), 24, '6to4-relay'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'benchmarking'],
  [v4(198, 51, 100, 0), 24, 'documentation'],
  [v4(203, 0, 113, 0), 24, 'documentation'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'], // includes 255.255.255.255 broadcast
];

function parseV4(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const x = Number(p);
    if (x > 255) return null;
    n = n * 256 + x;
  }
  return n;
}

function classifyV4(n: number): string | null {
  for (const [base, prefix, label] of V4_BLOCKED) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((n & mask) >>> 0) === base) return label;
  }
  return null;
}

/** Eight 16-bit groups, or null. Accepts `::`, embedded dotted quads and a `%zone` suffix. */
function parseV6(input: string): number[] | null {
  let ip = input;
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (net.isIPv6(ip) === false) return null;
  // Move a trailing dotted quad into two hex groups.
  const lastColon = ip.lastIndexOf(':');
  const tail = ip.slice(lastColon + 1);
  if (tail.includes('.')) {
    const n = parseV4(tail);
    if (n === null) return null;
    ip = `${ip.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 && missing !== 0) return null;
  if (missing < 0) return null;
  const groups = [...head, ...new Array<string>(missing).fill('0'), ...rest].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function v6StartsWith(g: number[], prefix: number[], bits: number): boolean {
  let remaining = bits;
  for (let i = 0; i < 8 && remaining > 0; i++) {
    const take = Math.min(16, remaining);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((g[i] & mask) !== ((prefix[i] ?? 0) & mask)) return false;
    remaining -= take;
  }
  return true;
}

function classifyV6(g: number[]): string | null {
  const embeddedV4 = (hi: number, lo: number) => ((hi << 16) >>> 0) + lo;
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped): the socket really talks to a.b.c.d.
  if (v6StartsWith(g, [0, 0, 0, 0, 0, 0xffff], 96)) {
    const r = classifyV4(embeddedV4(g[6], g[7]));
    return r ? `ipv4-mapped-${r}` : null;
  }
  // ::a.b.c.d (deprecated IPv4-compatible) and 64:ff9b::a.b.c.d (NAT64): same idea.
  if (v6StartsWith(g, [0, 0, 0, 0, 0, 0], 96) || v6StartsWith(g, [0x64, 0xff9b, 0, 0, 0, 0], 96)) {
    const r = classifyV4(embeddedV4(g[6], g[7]));
    return r ? `ipv4-embedded-${r}` : null;
  }
  if (v6StartsWith(g, [0x64, 0xff9b, 1], 48)) return 'nat64-local';
  // 2002:a.b.c.d::/48 (6to4) embeds an IPv4 address in bits 16..48.
  if (v6StartsWith(g, [0x2002], 16)) {
    const r = classifyV4(embeddedV4(g[1], g[2]));
    return r ? `6to4-${r}` : null;
  }
  if (v6StartsWith(g, [0x100], 64)) return 'discard';
  if (v6StartsWith(g, [0x2001, 0x0db8], 32)) return 'documentation';
  if (v6StartsWith(g, [0xfc00], 7)) return 'unique-local';
  if (v6StartsWith(g, [0xfe80], 10)) return 'link-local';
  if (v6StartsWith(g, [0xfec0], 10)) return 'site-local';
  if (v6StartsWith(g, [0xff00], 8)) return 'multicast';
  return null;
}

/**
 * Why an IP address must not be fetched ('loopback', 'private', 'ipv4-mapped-loopback', ...),
 * or null when it is public unicast. Unparseable input counts as blocked ('invalid').
 */
export function classifyAddress(ip: string): string | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const n4 = parseV4(bare);
  if (n4 !== null) return classifyV4(n4);
  const g6 = parseV6(bare);
  if (g6 !== null) return classifyV6(g6);
  return 'invalid';
}

export function isBlockedAddress(ip: string): boolean {
  return classifyAddress(ip) !== null;
}

// ---------------------------------------------------------------------------------------------
// URL checks

/** Names that always mean "this machine", whatever DNS says (RFC 6761). */
function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain';
}

function blocked(url: string, what: string): FetchError {
  return new FetchError('blocked-address', `refusing ${url}: ${what}`, { url });
}

/**
 * Synchronous checks that need no DNS: scheme, length, credentials, literal IPs, localhost.
 * Returns the parsed URL (fragment removed: it is never sent and would defeat loop detection).
 */
export function checkUrl(input: string | URL, opts: AddressGuardOptions = {}): URL {
  const raw = String(input);
  const maxLen = opts.maxUrlLength ?? MAX_URL_LENGTH;
  if (raw.length > maxLen) {
    throw new FetchError('invalid-url', `URL is ${raw.length} characters long (limit ${maxLen})`, {
      url: raw.slice(0, 200),
    });
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError('invalid-url', `not a valid absolute URL: ${raw.slice(0, 200)}`, { url: raw });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('invalid-url', `only http and https URLs are fetched, got ${url.protocol}`, { url: raw });
  }
  if (url.username || url.password) {
    // Credentials in URLs leak into logs and let outsiders make us authenticate somewhere.
    throw new FetchError('invalid-url', 'URLs with credentials are refused', { url: raw.replace(/\/\/[^@/]*@/, '//***@') });
  }
  if (!url.hostname) throw new FetchError('invalid-url', `URL has no host: ${raw}`, { url: raw });
  url.hash = '';
  if (!opts.allowPrivate) {
    if (isLocalhostName(url.hostname)) throw blocked(url.href, `${url.hostname} is the local machine`);
    // WHATWG URL already normalised decimal/octal/hex IPv4 forms ("http://2130706433/") to dotted quads.
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (net.isIP(host)) {
      const why = classifyAddress(host);
      if (why) throw blocked(url.href, `${host} is a ${why} address`);
    }
  }
  return url;
}

/**
 * Full check for URLs submitted from outside: `checkUrl` plus "every address the host
 * resolves to is public". Any blocked address fails the URL (a name mixing public and private
 * answers is an attack, not a misconfiguration worth accommodating).
 */
export async function assertPublicUrl(
  input: string | URL,
  opts: AddressGuardOptions & { resolveAll?: ResolveAll } = {},
): Promise<URL> {
  const url = checkUrl(input, opts);
  if (opts.allowPrivate) return url;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (net.isIP(host)) return url; // already checked
  let addresses: ResolvedAddress[];
  try {
    addresses = await (opts.resolveAll ?? defaultResolveAll)(host);
  } catch (err) {
    throw new FetchError('dns', `cannot resolve ${host}: ${(err as Error).message}`, { url: url.href, cause: err });
  }
  if (addresses.length === 0) throw new FetchError('dns', `${host} resolved to no addresses`, { url: url.href });
  for (const a of addresses) {
    const why = classifyAddress(a.address);
    if (why) throw blocked(url.href, `${host} resolves to ${a.address} (${why})`);
  }
  return url;
}

// ---------------------------------------------------------------------------------------------
// connect-time guard

/** The callback shape `net.connect({ lookup })` uses; `all` decides which overload is called. */
export type LookupFunction = (
  hostname: string,
  options: dns.LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
) => void;

/**
 * A `lookup` for `net.connect` / undici `connect.lookup` that fails with a `blocked-address`
 * FetchError when any resolved address is not public. Resolution goes through `resolveAll`
 * (default `dns.lookup`), so tests can map names to addresses.
 */
export function createGuardedLookup(opts: AddressGuardOptions & { resolveAll?: ResolveAll } = {}): LookupFunction {
  const resolveAll = opts.resolveAll ?? defaultResolveAll;
  return (hostname, options, callback) => {
    const family = typeof options === 'object' && options ? options.family : undefined;
    resolveAll(hostname).then(
      (found) => {
        let addresses = found;
        if (family === 4 || family === 6) addresses = addresses.filter((a) => a.family === family);
        if (addresses.length === 0) {
          const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: 'ENOTFOUND',
            hostname,
          }) as NodeJS.ErrnoException;
          callback(err, '', 0);
          return;
        }
        if (!opts.allowPrivate) {
          for (const a of addresses) {
            const why = classifyAddress(a.address);
            if (why) {
              callback(blocked(hostname, `${hostname} resolves to ${a.address} (${why})`) as unknown as NodeJS.ErrnoException, '', 0);
              return;
            }
          }
        }
        if (options?.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
