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

/**
 * IPv4 ranges of the IANA special-purpose registry that are not globally reachable (RFC 6890 and later),
 * plus multicast, reserved and the deprecated 6to4 relay anycast: nothing a store is served from.
 */
const FORBIDDEN_IPV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network", incl. the unspecified address
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255
];

/**
 * IPv6 ranges refused outright. Forms that embed an IPv4 address (mapped, NAT64 64:ff9b::/96, 6to4) are
 * decided by that IPv4 address instead, in `isForbiddenIpv6`.
 */
const FORBIDDEN_IPV6: readonly (readonly [string, number])[] = [
  ['::', 96], // unspecified, loopback and IPv4-compatible (deprecated)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments, incl. Teredo 2001::/32
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
  ['5f00::', 16], // SRv6 SIDs
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

/** Only 2000::/3 is allocated for global unicast: anything else is unallocated or one of the ranges above. */
const GLOBAL_UNICAST_IPV6: readonly [string, number] = ['2000::', 3];

const FORBIDDEN_IPV4_LIST = buildIpv4List(FORBIDDEN_IPV4);
const FORBIDDEN_IPV6_PREFIXES = FORBIDDEN_IPV6.map(([network, prefix]) => toPrefix(network, prefix));
const GLOBAL_UNICAST_PREFIX = toPrefix(...GLOBAL_UNICAST_IPV6);
const MAPPED_IPV4 = toPrefix('::ffff:0:0', 96);
const NAT64_IPV4 = toPrefix('64:ff9b::', 96);
const SIX_TO_FOUR = toPrefix('2002::', 16);

function buildIpv4List(ranges: readonly (readonly [string, number])[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of ranges) {
    list.addSubnet(network, prefix, 'ipv4');
  }
  return list;
}

interface Ipv6Prefix {
  network: bigint;
  bits: number;
}

function toPrefix(network: string, bits: number): Ipv6Prefix {
  return { network: ipv6ToBigInt(network), bits };
}

function inPrefix(value: bigint, { network, bits }: Ipv6Prefix): boolean {
  const shift = BigInt(128 - bits);
  return value >> shift === network >> shift;
}

/** `address` must already be a valid IPv6 literal (`isIP(address) === 6`), without zone id. */
function ipv6ToBigInt(address: string): bigint {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (part: string | undefined): number[] =>
    part === undefined || part === '' ? [] : part.split(':').flatMap(groupValues);
  const left = groups(head);
  const right = groups(tail);
  const middle = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...middle, ...right].reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** One hex group, or the two groups of a trailing dotted IPv4 (`::ffff:127.0.0.1`). */
function groupValues(group: string): number[] {
  if (!group.includes('.')) {
    return [parseInt(group, 16)];
  }
  const [a, b, c, d] = group.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

function ipv4At(value: bigint, shift: number): string {
  const bits = Number((value >> BigInt(shift)) & 0xffffffffn);
  return [bits >>> 24, (bits >>> 16) & 255, (bits >>> 8) & 255, bits & 255].join('.');
}

function isForbiddenIpv6(address: string): boolean {
  const value = ipv6ToBigInt(address);
  if (inPrefix(value, MAPPED_IPV4) || inPrefix(value, NAT64_IPV4)) {
    return FORBIDDEN_IPV4_LIST.check(ipv4At(value, 0), 'ipv4');
  }
  if (inPrefix(value, SIX_TO_FOUR)) {
    // 2002:AABB:CCDD::/48 relays to AA.BB.CC.DD.
    return FORBIDDEN_IPV4_LIST.check(ipv4At(value, 80), 'ipv4');
  }
  return (
    !inPrefix(value, GLOBAL_UNICAST_PREFIX) ||
    FORBIDDEN_IPV6_PREFIXES.some((prefix) => inPrefix(value, prefix))
  );
}

/**
 * True when `address` (an IP literal, without brackets) is one we refuse to contact: every range the IANA
 * special-purpose registries mark as not globally reachable, and IPv6 forms embedding such an IPv4 address.
 * Anything that is not an IP address counts as forbidden, and so does a zone id (`fe80::1%eth0`): fail closed.
 */
export function isForbiddenStoreAddress(address: string): boolean {
  if (address.includes('%')) {
    return true;
  }
  switch (isIP(address)) {
    case 4:
      return FORBIDDEN_IPV4_LIST.check(address, 'ipv4');
    case 6:
      return isForbiddenIpv6(address);
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
 * accepted (a public name may later resolve to 10.0.0.5). The answer may also change between this check
 * and the connection (rebinding): `StoreClient` checks again the address each connection uses
 * (`createPinnedAgent`).
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
    return refuse('private_address', privateAddressMessage(host));
  }
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(literal) !== 0) {
    return isForbiddenStoreAddress(literal)
      ? refuse('private_address', privateAddressMessage(host))
      : { ok: true };
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
    return refuse('private_address', privateAddressMessage(host));
  }
  return { ok: true };
}

/** The system resolver (`dns.lookup`, all addresses, in the order the system gives them). */
export async function systemLookup(hostname: string): Promise<string[]> {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map((result) => result.address);
}

/** Names the host (merchant input) but never the address it resolved to (internal network detail). */
/** How the policy words a private address, also used when the pinned connection refuses the resolved one. */
export function privateAddressMessage(host: string): string {
  return `store_base_url host ${host} is or resolves to a private, loopback or reserved address ${DEV_FLAG_HINT}`;
}

function refuse(reason: StoreUrlRefusal, message: string): StoreUrlVerdict {
  return { ok: false, reason, message };
}
