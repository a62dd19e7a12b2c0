import { isIP } from 'node:net';

/**
 * What Express' `app.set('trust proxy', …)` takes: how many proxy hops to believe, or the addresses and ranges
 * of the proxies whose `X-Forwarded-For` to believe.
 */
export type TrustProxySetting = number | string[];

/** `undefined` setting: off, `req.ip` stays the socket's peer. */
export type TrustProxyReading = { setting: TrustProxySetting | undefined } | { problem: string };

/** Express' (proxy-addr's) names for reserved ranges; case-sensitive there, so here too. */
export const TRUST_PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

const EXPECTED =
  'TRUST_PROXY must be false, a hop count (1, 2) or a comma-separated list of IPs, CIDRs (10.0.0.0/8) ' +
  `and ${TRUST_PROXY_RANGE_NAMES.join(', ')}`;

const HOP_COUNT = /^\d+$/;
const PREFIX_LENGTH = /^\d{1,3}$/;

/**
 * Reads `TRUST_PROXY`. Refuses `true`: Express would then believe any `X-Forwarded-For`, and a caller could
 * pick the address its rate limit is counted against.
 */
export function readTrustProxy(text: string): TrustProxyReading {
  const value = text.trim();
  if (value === '' || value.toLowerCase() === 'false') {
    return { setting: undefined };
  }
  if (value.toLowerCase() === 'true') {
    return {
      problem:
        'TRUST_PROXY=true would believe any client-supplied X-Forwarded-For; give the hop count of your proxies (1, 2) or their IPs/CIDRs',
    };
  }
  if (HOP_COUNT.test(value)) {
    const hops = Number(value);
    // 0 hops trusts nobody, as off does.
    return Number.isSafeInteger(hops) ? { setting: hops === 0 ? undefined : hops } : { problem: EXPECTED };
  }
  const entries = value.split(',').map((entry) => entry.trim());
  return entries.every(isTrustedProxyEntry) ? { setting: entries } : { problem: EXPECTED };
}

/** An IP, an IP with a prefix length Express accepts (1 to 32 or 128), or a reserved range's name. */
function isTrustedProxyEntry(entry: string): boolean {
  if ((TRUST_PROXY_RANGE_NAMES as readonly string[]).includes(entry)) {
    return true;
  }
  const slash = entry.indexOf('/');
  const version = isIP(slash === -1 ? entry : entry.slice(0, slash));
  if (version === 0) {
    return false;
  }
  if (slash === -1) {
    return true;
  }
  const prefix = entry.slice(slash + 1);
  const maxPrefix = version === 4 ? 32 : 128;
  return PREFIX_LENGTH.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= maxPrefix;
}
