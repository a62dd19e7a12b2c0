import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { HostnameLookup, isForbiddenStoreAddress, systemLookup } from '../store-url-policy';

/** `code` of the error a connection to a forbidden address fails with (never worth a retry). */
export const STORE_ADDRESS_FORBIDDEN_CODE = 'ERR_STORE_ADDRESS_FORBIDDEN';

/** Names the host only: the address a name resolved to is a detail of the network we run in. */
export class StoreAddressForbiddenError extends Error {
  readonly code = STORE_ADDRESS_FORBIDDEN_CODE;

  constructor(host: string) {
    super(`the store host ${host} is or resolves to a private or reserved address`);
    this.name = 'StoreAddressForbiddenError';
  }
}

export interface PinnedAgentOptions {
  /** `ALLOW_PRIVATE_STORE_URLS`: development and tests only (the demo store runs on 127.0.0.1). */
  allowPrivateAddresses: boolean;
  /** Injected in tests; defaults to the system resolver (`dns.lookup`, all addresses). */
  resolve?: HostnameLookup;
}

/**
 * An HTTP agent that connects only to addresses the store URL policy allows, checked on the address
 * the socket is about to use: the name is resolved once, here, so a DNS answer that changes after
 * `checkStoreUrl` (rebinding) cannot point a connection at our own network. TLS still verifies the
 * certificate against the host name.
 */
export function createPinnedAgent(options: PinnedAgentOptions): Agent {
  const allowed = (address: string): boolean =>
    options.allowPrivateAddresses || !isForbiddenStoreAddress(address);
  const connectVia = buildConnector({ lookup: pinnedLookup(options.resolve ?? systemLookup, allowed) });
  return new Agent({
    connect: (connectOptions, callback) => {
      // The socket skips the lookup for an IP literal, so the literal is checked here.
      const { hostname } = connectOptions;
      if (isIP(hostname) !== 0 && !allowed(hostname)) {
        callback(new StoreAddressForbiddenError(hostname), null);
        return;
      }
      connectVia(connectOptions, callback);
    },
  });
}

/** `fetch` through `createPinnedAgent`, using the `fetch` of the same undici as the agent. */
export function createPinnedFetch(options: PinnedAgentOptions): typeof fetch {
  const dispatcher = createPinnedAgent(options);
  return async (input, init) => {
    const response = await undiciFetch(input, { ...init, dispatcher });
    return response;
  };
}

/** One agent per setting for the system resolver, so connections are pooled across clients. */
const sharedFetches = new Map<boolean, typeof fetch>();

/** `createPinnedFetch`, shared by every caller with the same setting unless a resolver is injected. */
export function sharedPinnedFetch(options: PinnedAgentOptions): typeof fetch {
  if (options.resolve) {
    return createPinnedFetch(options);
  }
  let shared = sharedFetches.get(options.allowPrivateAddresses);
  if (!shared) {
    shared = createPinnedFetch(options);
    sharedFetches.set(options.allowPrivateAddresses, shared);
  }
  return shared;
}

function pinnedLookup(resolve: HostnameLookup, allowed: (address: string) => boolean): LookupFunction {
  return (hostname, lookupOptions: LookupOptions, callback) => {
    resolveAllowed(hostname, lookupOptions, resolve, allowed).then(
      (addresses) => {
        if (lookupOptions.all === true) {
          callback(null, addresses);
        } else {
          callback(null, addresses[0].address, addresses[0].family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** ANY forbidden answer refuses, as `checkStoreUrl` does: the socket may try each address in turn. */
async function resolveAllowed(
  hostname: string,
  lookupOptions: LookupOptions,
  resolve: HostnameLookup,
  allowed: (address: string) => boolean,
): Promise<LookupAddress[]> {
  const answers = await resolve(hostname);
  if (answers.some((address) => !allowed(address))) {
    throw new StoreAddressForbiddenError(hostname);
  }
  const wanted = familyNumber(lookupOptions.family);
  const addresses = answers
    .map((address) => ({ address, family: isIP(address) }))
    .filter(({ family }) => family !== 0 && (wanted === 0 || family === wanted));
  if (addresses.length === 0) {
    throw Object.assign(new Error(`no usable address for ${hostname}`), { code: 'ENOTFOUND' });
  }
  return addresses;
}

function familyNumber(family: LookupOptions['family']): number {
  if (family === 4 || family === 'IPv4') {
    return 4;
  }
  return family === 6 || family === 'IPv6' ? 6 : 0;
}
