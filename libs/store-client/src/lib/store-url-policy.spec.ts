import type { LookupAddress, LookupAllOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { checkStoreUrl, isForbiddenStoreAddress, StoreUrlRefusal } from './store-url-policy';

// Only the "default lookup" test reaches this; every other test injects its own lookup.
jest.mock('node:dns/promises', () => ({ lookup: jest.fn() }));

const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

/** A lookup that must not be called (literal IPs, name rules, allowPrivate). */
function forbiddenLookup(): jest.Mock<Promise<string[]>, [string]> {
  return jest.fn<Promise<string[]>, [string]>(() => Promise.reject(new Error('lookup must not be called')));
}

function resolvingTo(...addresses: string[]): jest.Mock<Promise<string[]>, [string]> {
  return jest.fn<Promise<string[]>, [string]>(() => Promise.resolve(addresses));
}

async function expectRefused(
  url: string,
  reason: StoreUrlRefusal,
  options: Parameters<typeof checkStoreUrl>[1],
): Promise<string> {
  const verdict = await checkStoreUrl(url, options);
  if (verdict.ok) {
    throw new Error(`expected ${url} to be refused with ${reason}`);
  }
  expect(verdict.reason).toBe(reason);
  expect(verdict.message).toMatch(/^store_base_url /);
  return verdict.message;
}

describe('checkStoreUrl', () => {
  describe.each([false, true])('always (allowPrivate=%s)', (allowPrivate) => {
    it.each([
      ['garbage', 'not a url'],
      ['empty', ''],
      ['relative', '/api/products'],
      ['ftp', 'ftp://shop.example.com'],
      ['file', 'file:///etc/passwd'],
      ['javascript', 'javascript:alert(1)'],
      ['gopher', 'gopher://127.0.0.1:6379/_INFO'],
      ['dot-only host', 'https://./'],
    ])('refuses %s as invalid_url: %j', async (_label, url) => {
      const lookup = forbiddenLookup();
      await expectRefused(url, 'invalid_url', { allowPrivate, lookup });
      expect(lookup).not.toHaveBeenCalled();
    });

    it.each([
      'https://admin:s3cr3t@shop.example.com',
      'https://admin@shop.example.com',
      'https://:s3cr3t@shop.example.com',
      'http://admin:s3cr3t@127.0.0.1:3000',
    ])('refuses credentials_in_url without echoing them: %s', async (url) => {
      const lookup = forbiddenLookup();
      const message = await expectRefused(url, 'credentials_in_url', { allowPrivate, lookup });
      expect(message).not.toContain('admin');
      expect(message).not.toContain('s3cr3t');
      expect(lookup).not.toHaveBeenCalled();
    });
  });

  describe('allowPrivate=true (development and tests)', () => {
    it.each([
      'http://127.0.0.1:3000',
      'http://localhost:3000',
      'http://LOCALHOST.:3000',
      'http://[::1]:3000',
      'http://demo-store.internal',
      'http://10.0.0.5',
      'http://169.254.169.254',
      'https://shop.example.com',
    ])('accepts %s without a DNS lookup', async (url) => {
      const lookup = forbiddenLookup();
      await expect(checkStoreUrl(url, { allowPrivate: true, lookup })).resolves.toEqual({ ok: true });
      expect(lookup).not.toHaveBeenCalled();
    });
  });

  describe('allowPrivate=false (production)', () => {
    const allowPrivate = false;

    it.each([
      'http://shop.example.com',
      'HTTP://shop.example.com',
      'http://93.184.216.34',
      'http://127.0.0.1:3000',
    ])('refuses %s as not_https and names the dev flag', async (url) => {
      const lookup = resolvingTo(PUBLIC_V4);
      const message = await expectRefused(url, 'not_https', { allowPrivate, lookup });
      expect(message).toContain('https');
      expect(message).toContain('ALLOW_PRIVATE_STORE_URLS');
      expect(lookup).not.toHaveBeenCalled();
    });

    it.each([
      'https://localhost',
      'https://localhost:8443',
      'https://LOCALHOST.',
      'https://localhost..',
      'https://LocalHost/api',
      'https://api.localhost',
      'https://printer.local',
      'https://PRINTER.LOCAL.',
      'https://metadata.google.internal',
      'https://Shop.Internal.',
    ])('refuses internal hostname %s as private_address without a lookup', async (url) => {
      const lookup = resolvingTo(PUBLIC_V4);
      const message = await expectRefused(url, 'private_address', { allowPrivate, lookup });
      expect(message).toContain('ALLOW_PRIVATE_STORE_URLS');
      expect(lookup).not.toHaveBeenCalled();
    });

    it.each([
      ['loopback', 'https://127.0.0.1'],
      ['loopback end', 'https://127.255.255.254:8443'],
      ['unspecified', 'https://0.0.0.0'],
      ['this network', 'https://0.1.2.3'],
      ['private 10/8', 'https://10.0.0.1'],
      ['private 172.16/12 low', 'https://172.16.0.1'],
      ['private 172.16/12 high', 'https://172.31.255.255'],
      ['private 192.168/16', 'https://192.168.1.1'],
      ['cloud metadata', 'https://169.254.169.254'],
      ['CGNAT low', 'https://100.64.0.1'],
      ['CGNAT high', 'https://100.127.255.255'],
      ['multicast', 'https://224.0.0.1'],
      ['multicast high', 'https://239.255.255.250'],
      ['reserved', 'https://240.0.0.1'],
      ['broadcast', 'https://255.255.255.255'],
      ['benchmarking', 'https://198.18.0.1'],
      ['documentation', 'https://203.0.113.7'],
      ['hex shorthand', 'https://0x7f.1'],
      ['decimal integer', 'https://2130706433'],
      ['octal', 'https://0177.0.0.1'],
      ['trailing dot', 'https://127.0.0.1.'],
    ])('refuses IPv4 literal (%s) %s as private_address', async (_label, url) => {
      const lookup = forbiddenLookup();
      await expectRefused(url, 'private_address', { allowPrivate, lookup });
      expect(lookup).not.toHaveBeenCalled();
    });

    it.each([
      ['loopback', 'https://[::1]'],
      ['loopback expanded', 'https://[0:0:0:0:0:0:0:1]:8443'],
      ['unspecified', 'https://[::]'],
      ['link-local', 'https://[fe80::1]'],
      ['link-local high', 'https://[febf:ffff::1]'],
      ['unique-local fc', 'https://[fc00::1]'],
      ['unique-local fd', 'https://[FD12:3456::1]'],
      ['multicast', 'https://[ff02::1]'],
      ['mapped loopback', 'https://[::ffff:127.0.0.1]'],
      ['mapped loopback hex', 'https://[::ffff:7f00:1]'],
      ['mapped metadata', 'https://[::ffff:169.254.169.254]'],
      ['mapped private', 'https://[::ffff:10.0.0.1]'],
      ['mapped CGNAT', 'https://[::ffff:100.64.0.1]'],
      ['IPv4-compatible loopback', 'https://[::127.0.0.1]'],
      ['NAT64 loopback', 'https://[64:ff9b::127.0.0.1]'],
      ['6to4 loopback', 'https://[2002:7f00:1::]'],
      ['Teredo', 'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]'],
    ])('refuses IPv6 literal (%s) %s as private_address', async (_label, url) => {
      const lookup = forbiddenLookup();
      await expectRefused(url, 'private_address', { allowPrivate, lookup });
      expect(lookup).not.toHaveBeenCalled();
    });

    it.each([
      'https://8.8.8.8',
      'https://93.184.216.34:8443',
      'https://172.15.255.255',
      'https://172.32.0.1',
      'https://100.63.255.255',
      'https://100.128.0.1',
      'https://169.255.0.1',
      'https://223.255.255.255',
      'https://[2606:4700:4700::1111]',
      'https://[::ffff:8.8.8.8]',
    ])('accepts public IP literal %s without a lookup', async (url) => {
      const lookup = forbiddenLookup();
      await expect(checkStoreUrl(url, { allowPrivate, lookup })).resolves.toEqual({ ok: true });
      expect(lookup).not.toHaveBeenCalled();
    });

    it.each([
      ['IPv4 private', ['10.0.0.5']],
      ['metadata', ['169.254.169.254']],
      ['loopback', ['127.0.0.1']],
      ['one private among public', [PUBLIC_V4, '192.168.0.10']],
      ['IPv6 unique-local among public', [PUBLIC_V6, 'fd00::1']],
      ['IPv6 loopback', ['::1']],
      ['IPv4-mapped loopback', ['::ffff:127.0.0.1']],
      ['link-local with zone id', ['fe80::1%eth0']],
      ['benchmarking', ['198.18.0.1']],
      ['NAT64 of loopback', ['64:ff9b::7f00:1']],
    ])('refuses a public hostname resolving to %s', async (_label, addresses) => {
      const lookup = resolvingTo(...addresses);
      const message = await expectRefused('https://shop.example.com', 'private_address', {
        allowPrivate,
        lookup,
      });
      expect(lookup).toHaveBeenCalledTimes(1);
      expect(lookup).toHaveBeenCalledWith('shop.example.com');
      for (const address of addresses) {
        expect(message).not.toContain(address);
      }
    });

    it.each([
      ['IPv4 only', [PUBLIC_V4]],
      ['IPv6 only', [PUBLIC_V6]],
      ['both families', [PUBLIC_V4, PUBLIC_V6, '8.8.8.8']],
      ['IPv4-mapped public', ['::ffff:8.8.8.8']],
    ])('accepts a hostname resolving only to public addresses (%s)', async (_label, addresses) => {
      const lookup = resolvingTo(...addresses);
      await expect(
        checkStoreUrl('https://Shop.Example.com:8443/', { allowPrivate, lookup }),
      ).resolves.toEqual({ ok: true });
      expect(lookup).toHaveBeenCalledWith('shop.example.com');
    });

    it('resolves the hostname exactly as the HTTP client will (trailing dot kept)', async () => {
      const lookup = resolvingTo(PUBLIC_V4);
      await expect(checkStoreUrl('https://SHOP.example.com.', { allowPrivate, lookup })).resolves.toEqual({
        ok: true,
      });
      expect(lookup).toHaveBeenCalledWith('shop.example.com.');
    });

    it.each([
      [
        'lookup throws (ENOTFOUND)',
        () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
      ],
      [
        'lookup throws synchronously',
        () => {
          throw new Error('boom');
        },
      ],
      ['no addresses', () => Promise.resolve([])],
      ['not an IP address', () => Promise.resolve(['shop.example.com'])],
      ['one bogus among public', () => Promise.resolve([PUBLIC_V4, 'bogus'])],
    ])('refuses as unresolvable when %s', async (_label, impl: () => Promise<string[]>) => {
      const lookup = jest.fn<Promise<string[]>, [string]>(impl);
      const message = await expectRefused('https://shop.example.com', 'unresolvable', {
        allowPrivate,
        lookup,
      });
      expect(message).toContain('shop.example.com');
      expect(lookup).toHaveBeenCalledTimes(1);
    });

    it('uses dns.lookup with all addresses, verbatim order, when no lookup is injected', async () => {
      // dns.lookup is overloaded; pin the `{ all: true }` signature the policy uses.
      const systemLookup = dnsLookup as unknown as jest.Mock<
        Promise<LookupAddress[]>,
        [string, LookupAllOptions]
      >;
      systemLookup.mockResolvedValueOnce([
        { address: PUBLIC_V4, family: 4 },
        { address: '10.1.2.3', family: 4 },
      ]);
      await expectRefused('https://shop.example.com', 'private_address', { allowPrivate });
      expect(systemLookup).toHaveBeenCalledWith('shop.example.com', { all: true, verbatim: true });

      systemLookup.mockResolvedValueOnce([{ address: PUBLIC_V6, family: 6 }]);
      await expect(checkStoreUrl('https://shop.example.com', { allowPrivate })).resolves.toEqual({
        ok: true,
      });

      systemLookup.mockRejectedValueOnce(new Error('getaddrinfo ENOTFOUND shop.example.com'));
      await expectRefused('https://shop.example.com', 'unresolvable', { allowPrivate });
    });
  });
});

describe('isForbiddenStoreAddress', () => {
  // One or more addresses per IANA special-purpose range that is not globally reachable, at both ends.
  it.each([
    ['this network', ['0.0.0.0', '0.255.255.255']],
    ['private 10/8', ['10.0.0.0', '10.255.255.255']],
    ['carrier-grade NAT', ['100.64.0.0', '100.127.255.255']],
    ['loopback', ['127.0.0.1', '127.255.255.255']],
    ['link-local and metadata', ['169.254.0.1', '169.254.169.254']],
    ['private 172.16/12', ['172.16.0.0', '172.31.255.255']],
    ['IETF protocol assignments', ['192.0.0.0', '192.0.0.9', '192.0.0.255']],
    ['documentation TEST-NET-1', ['192.0.2.0', '192.0.2.255']],
    ['6to4 relay anycast', ['192.88.99.1', '192.88.99.255']],
    ['private 192.168/16', ['192.168.0.0', '192.168.255.255']],
    ['benchmarking', ['198.18.0.0', '198.18.0.1', '198.19.255.255']],
    ['documentation TEST-NET-2', ['198.51.100.0', '198.51.100.255']],
    ['documentation TEST-NET-3', ['203.0.113.0', '203.0.113.255']],
    ['multicast', ['224.0.0.0', '239.255.255.255']],
    ['reserved', ['240.0.0.0', '254.255.255.255']],
    ['broadcast', ['255.255.255.255']],
  ])('refuses IPv4 %s', (_label, addresses) => {
    for (const address of addresses) {
      expect([address, isForbiddenStoreAddress(address)]).toEqual([address, true]);
    }
  });

  it.each([
    ['unspecified', ['::', '0:0:0:0:0:0:0:0']],
    ['loopback', ['::1', '0:0:0:0:0:0:0:1']],
    ['IPv4-compatible (deprecated), even of a public address', ['::127.0.0.1', '::7f00:1', '::8.8.8.8']],
    [
      'IPv4-mapped private',
      ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a00:1', '::ffff:198.18.0.1'],
    ],
    ['NAT64 of a forbidden IPv4', ['64:ff9b::127.0.0.1', '64:ff9b::a00:5', '64:ff9b::169.254.169.254']],
    ['local-use NAT64', ['64:ff9b:1::', '64:ff9b:1::808:808', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff']],
    ['discard-only', ['100::', '100::ffff:ffff:ffff:ffff']],
    ['IETF protocol assignments', ['2001::', '2001:1::1', '2001:1ff:ffff::1']],
    ['Teredo', ['2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:0:ffff::1']],
    ['documentation 2001:db8::/32', ['2001:db8::', '2001:db8:ffff:ffff::1']],
    ['6to4 of a forbidden IPv4', ['2002:7f00:1::', '2002:a00:1::1', '2002:c612:1::', '2002:a9fe:a9fe::']],
    ['documentation 3fff::/20', ['3fff::', '3fff:fff:ffff::1']],
    ['SRv6 SIDs', ['5f00::1']],
    ['unique-local', ['fc00::1', 'fdff:ffff::1']],
    ['link-local, with or without zone id', ['fe80::1', 'febf::1', 'fe80::1%eth0']],
    ['site-local (deprecated)', ['fec0::1', 'feff::1']],
    ['multicast', ['ff02::1', 'ff0e::1']],
    ['outside global unicast 2000::/3', ['4000::1', '::2:0:0:1', 'e000::1']],
  ])('refuses IPv6 %s', (_label, addresses) => {
    for (const address of addresses) {
      expect([address, isForbiddenStoreAddress(address)]).toEqual([address, true]);
    }
  });

  it.each([
    ['public IPv4', ['8.8.8.8', '1.1.1.1', '93.184.216.34', '223.255.255.255']],
    [
      'next to private ranges',
      ['9.255.255.255', '11.0.0.0', '172.15.255.255', '172.32.0.0', '192.167.255.255'],
    ],
    [
      'next to special ranges',
      ['100.63.255.255', '100.128.0.0', '192.0.1.0', '198.17.255.255', '198.20.0.0'],
    ],
    ['public IPv6', ['2606:4700:4700::1111', '2a00:1450:4007:80e::200e', '2001:4860:4860::8888']],
    ['next to IPv6 special ranges', ['2001:200::1', '2001:db9::1', '3ffe:ffff::1', '3fff:1000::1']],
    ['IPv4-mapped public', ['::ffff:8.8.8.8', '::ffff:808:808']],
    ['NAT64 of a public IPv4', ['64:ff9b::8.8.8.8', '64:ff9b::101:101']],
    ['6to4 of a public IPv4', ['2002:808:808::1', '2002:101:101::']],
  ])('accepts %s', (_label, addresses) => {
    for (const address of addresses) {
      expect([address, isForbiddenStoreAddress(address)]).toEqual([address, false]);
    }
  });

  it.each(['not-an-ip', '', '8.8.8.8%eth0', '2606:4700:4700::1111%1', 'shop.example.com'])(
    'refuses %j as not a plain IP address',
    (address) => {
      expect(isForbiddenStoreAddress(address)).toBe(true);
    },
  );
});
