import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Why a `store_base_url` was refused; stable codes a caller can branch on. */
export type StoreUrlRefusal =
  'invalid_url' | 'not_https' | 'credentials_in_url' | 'private_address' | 'unresolvable';

export type StoreUrlVerdict = { ok: true } | { ok: false; reason: StoreUrlRefusal; message: string };

/** Resolves a hostname to every address it points at (IPv4 and IPv6, as strings). */
export type HostnameLookup = (hostname: string) => Promise<string[]>;

export interface StoreUrlPolicyOptions {
  /** `ALLOW_PRIVATE_STORE_URLS`: true only in development and tests (the demo store runs on 127.0.0.1). */
  allowPrivate: boolean;
  /** Injected in tests; defaults to the system resolver (`dns.lookup`, all addresses). */
  lookup?: HostnameLookup;
}

const DEV_FLAG_HINT = '(set ALLOW_PRIVATE_STORE_URLS=true for local development)';

/** Hostname suffixes that only ever name something inside our own network. */
const INTERNAL_NAME_SUFFIXES = ['.localhost', '.local', '.internal'];

/** Addresses we must never connect to on a merchant's behalf. */
const FORBIDDEN_ADDRESSES = buildForbiddenAddresses();

function buildForbiddenAddresses(): BlockList {
  const list = new BlockList();
  const ipv4: [string, number][] = [
    ['0.0.0.0', 8], // "this network", incl. the unspecified address
    ['10.0.0.0', 8], // private
    ['100.64.0.0', 10], // carrier-grade NAT
    ['127.0.0.0', 8], // loopback
    ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254
    ['172.16.0.0', 12], // private
    ['192.168.0.0', 16], // private
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255
  ];
  const ipv6: [string, number][] = [
    ['::', 128], // unspecified
    ['::1', 128], // loopback
    ['fc00::', 7], // unique-local
    ['fe80::', 10], // link-local
    ['ff00::', 8], // multicast
  ];
  for (const [network, prefix] of ipv4) {
    list.addSubnet(network, prefix, 'ipv4');
  }
  for (const [network, prefix] of ipv6) {
    list.addSubnet(network, prefix, 'ipv6');
  }
  return list;
}

/**
 * True when `address` (an IP literal, without brackets) is one we refuse to contact.
 * IPv4-mapped IPv6 (`::ffff:10.0.0.1`, `::ffff:a00:1`) matches the IPv4 ranges (BlockList does this).
 * Anything that is not an IP address counts as forbidden: fail closed.
 */
export function isForbiddenStoreAddress(address: string): boolean {
  const bare = address.replace(/%.*$/, ''); // a zone id (`fe80::1%eth0`) would make BlockList miss the range
  switch (isIP(bare)) {
    case 4:
      return FORBIDDEN_ADDRESSES.check(bare, 'ipv4');
    case 6:
      return FORBIDDEN_ADDRESSES.check(bare, 'ipv6');
    default:
      return true;
  }
}

/**
 * Decides whether we may send HTTP requests to a merchant's `store_base_url`.
 *
 * The URL is merchant-controlled, so without this policy anyone could point our services at
 * internal addresses (SSRF: cloud metadata, databases, admin ports). In production the URL must be
 * https and its host must not be, or resolve to, a loopback/private/link-local/reserved address.
 * Run it when the URL is saved AND again before each crawl: DNS can change after the URL was
 * accepted (a public name may later resolve to 10.0.0.5). A check-then-connect still leaves a short
 * rebinding window; pinning the connection to the checked address closes it.
 *
 * `allowPrivate` (ALLOW_PRIVATE_STORE_URLS, development/tests only) keeps just the syntax rules and
 * performs no DNS lookup.
 */
export async function checkStoreUrl(url: string, options: StoreUrlPolicyOptions): Promise<StoreUrlVerdict> {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return refuse('invalid_url', 'store_base_url is not a valid absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return refuse('invalid_url', 'store_base_url must use http or https');
  }
  // Never echo the URL itself: it is the part that carries the credentials.
  if (parsed.username !== '' || parsed.password !== '') {
    return refuse(
      'credentials_in_url',
      'store_base_url must not contain a username or password (configure them as store authentication)',
    );
  }
  // The WHATWG parser already lower-cases and canonicalizes IPv4 (0x7f.1 → 127.0.0.1); drop the FQDN dots.
  const host = parsed.hostname.replace(/\.+$/, '');
  if (host === '') {
    return refuse('invalid_url', 'store_base_url has no host');
  }
  if (options.allowPrivate) {
    return { ok: true };
  }

  if (parsed.protocol !== 'https:') {
    return refuse('not_https', `store_base_url must use https ${DEV_FLAG_HINT}`);
  }
  if (host === 'localhost' || INTERNAL_NAME_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return refuse('private_address', privateMessage(host));
  }
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(literal) !== 0) {
    return isForbiddenStoreAddress(literal) ? refuse('private_address', privateMessage(host)) : { ok: true };
  }

  let addresses: string[];
  try {
    // Resolve exactly what the HTTP client will resolve (trailing dot included).
    addresses = await (options.lookup ?? systemLookup)(parsed.hostname);
  } catch {
    return refuse('unresolvable', `store_base_url host ${host} could not be resolved`);
  }
  if (addresses.length === 0 || addresses.some((address) => isIP(address.replace(/%.*$/, '')) === 0)) {
    return refuse('unresolvable', `store_base_url host ${host} did not resolve to an IP address`);
  }
  // ANY forbidden address refuses: the client may connect to whichever one it picks.
  if (addresses.some(isForbiddenStoreAddress)) {
    return refuse('private_address', privateMessage(host));
  }
  return { ok: true };
}

async function systemLookup(hostname: string): Promise<string[]> {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map((result) => result.address);
}

/** Names the host (merchant input) but never the address it resolved to (internal network detail). */
function privateMessage(host: string): string {
  return `store_base_url host ${host} is or resolves to a private, loopback or reserved address ${DEV_FLAG_HINT}`;
}

function refuse(reason: StoreUrlRefusal, message: string): StoreUrlVerdict {
  return { ok: false, reason, message };
}
