import { describe, expect, it } from 'vitest';
import {
  assertPublicUrl,
  checkUrl,
  classifyAddress,
  createGuardedLookup,
  FetchError,
  isBlockedAddress,
  type ResolveAll,
} from '../../src/fetch/index.js';
import { rejectionOf } from './helpers.js';

const fakeDns =
  (table: Record<string, string[]>): ResolveAll =>
  async (host) => {
    const list = table[host];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4-mapped-loopback'],
    ['::ffff:7f00:1', 'ipv4-mapped-loopback'],
    ['::ffff:10.0.0.1', 'ipv4-mapped-private'],
    ['[::ffff:192.168.0.1]', 'ipv4-mapped-private'],
    ['64:ff9b::a9fe:a9fe', 'ipv4-embedded-link-local'],
    ['2002:c0a8:0101::1', '6to4-private'],
    ['not-an-ip', 'invalid'],
  ])('%s -> %s', (ip, label) => {
    expect(classifyAddress(ip)).toBe(label);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001::200e'])(
    'public %s',
    (ip) => {
      expect(isBlockedAddress(ip)).toBe(false);
    },
  );
});

describe('checkUrl', () => {
  const blocked = [
    'http://127.0.0.1/',
    'http://10.0.0.5:8080/x',
    'http://192.168.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://[fc00::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://foo.localhost/',
    'http://2130706433/', // 127.0.0.1 in decimal; WHATWG URL normalises it
    'http://0x7f.1/',
  ];
  it.each(blocked)('refuses %s', (u) => {
    let err: unknown;
    try {
      checkUrl(u);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).code).toBe('blocked-address');
    expect((err as FetchError).retryable).toBe(false);
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<p>x</p>', 'ftp://example.com/', 'gopher://x/', '/relative', ''])(
    'refuses %s as invalid-url',
    (u) => {
      expect(() => checkUrl(u)).toThrowError(expect.objectContaining({ code: 'invalid-url' }));
    },
  );

  it('refuses credentials and over-long URLs', () => {
    expect(() => checkUrl('https://user:secret@example.com/')).toThrowError(expect.objectContaining({ code: 'invalid-url' }));
    expect(() => checkUrl('https://user:secret@example.com/')).toThrowError(expect.not.objectContaining({ message: expect.stringMatching(/secret/) }));
    expect(() => checkUrl(`https://example.com/${'a'.repeat(2048)}`)).toThrowError(/2048/);
    expect(checkUrl(`https://example.com/${'a'.repeat(2000)}`).hostname).toBe('example.com');
  });

  it('allowPrivate lets 127.0.0.1 and localhost through', () => {
    expect(checkUrl('http://127.0.0.1:3000/a#frag', { allowPrivate: true }).href).toBe('http://127.0.0.1:3000/a');
    expect(checkUrl('http://localhost/', { allowPrivate: true }).hostname).toBe('localhost');
  });

  it('accepts public hosts and drops the fragment', () => {
    expect(checkUrl('https://Example.COM/path?q=1#top').href).toBe('https://example.com/path?q=1');
  });
});

describe('assertPublicUrl (resolves names)', () => {
  const resolveAll = fakeDns({
    'news.example': ['93.184.216.34', '2606:2800:220:1::1'],
    'sneaky.example': ['93.184.216.34', '10.0.0.7'],
    'internal.example': ['192.168.10.10'],
    'v6local.example': ['fd00::5'],
  });

  it('passes a name with only public addresses', async () => {
    expect((await assertPublicUrl('https://news.example/a', { resolveAll })).hostname).toBe('news.example');
  });

  it.each(['https://sneaky.example/', 'https://internal.example/', 'https://v6local.example/'])('refuses %s', async (u) => {
    const err = await rejectionOf(assertPublicUrl(u, { resolveAll }));
    expect(err.code).toBe('blocked-address');
  });

  it('unresolvable -> dns', async () => {
    expect((await rejectionOf(assertPublicUrl('https://nope.example/', { resolveAll }))).code).toBe('dns');
  });

  it('real DNS: localhost-resolving names are refused, allowPrivate passes', async () => {
    expect((await rejectionOf(assertPublicUrl('http://localhost:1/'))).code).toBe('blocked-address');
    expect((await assertPublicUrl('http://127.0.0.1:1/', { allowPrivate: true })).hostname).toBe('127.0.0.1');
  });
});

describe('createGuardedLookup (net.connect lookup)', () => {
  const call = (lookup: ReturnType<typeof createGuardedLookup>, host: string, all: boolean) =>
    new Promise<{ err: any; address: any; family?: number }>((resolve) =>
      lookup(host, { all }, (err, address, family) => resolve({ err, address, family })),
    );
  const resolveAll = fakeDns({ 'pub.example': ['93.184.216.34'], 'rebind.example': ['127.0.0.1'] });

  it('answers both callback shapes for public names', async () => {
    const lookup = createGuardedLookup({ resolveAll });
    expect(await call(lookup, 'pub.example', false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect((await call(lookup, 'pub.example', true)).address).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('fails with blocked-address when the name resolves privately', async () => {
    const r = await call(createGuardedLookup({ resolveAll }), 'rebind.example', true);
    expect(r.err).toBeInstanceOf(FetchError);
    expect(r.err.code).toBe('blocked-address');
  });

  it('allowPrivate passes it through', async () => {
    const r = await call(createGuardedLookup({ resolveAll, allowPrivate: true }), 'rebind.example', false);
    expect(r).toEqual({ err: null, address: '127.0.0.1', family: 4 });
  });
});
