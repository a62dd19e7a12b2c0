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
  it.each([
    ['127.0.0.1', true],
    ['::ffff:a00:1', true],
    ['fe80::1%eth0', true],
    ['not-an-ip', true],
    ['', true],
    ['8.8.8.8', false],
    ['2606:4700:4700::1111', false],
  ])('%j → %s', (address, forbidden) => {
    expect(isForbiddenStoreAddress(address)).toBe(forbidden);
  });
});
