import { signShopimindPayload, verifyShopimindSignature, type SignatureVerdict } from './shopimind-signature';

/** The query parameter that carries the signature; it is the only one left out of the signed message. */
export const QUERY_SIGNATURE_PARAM = 'sig';
/** The query parameter that carries the unix-seconds timestamp (signed like every other parameter). */
export const QUERY_TIMESTAMP_PARAM = 'ts';

/** Decoded query parameters: an object, or pairs (what `URLSearchParams` yields, duplicates included). */
export type QueryParams = Readonly<Record<string, string>> | Iterable<readonly [string, string]>;

function pairsOf(params: QueryParams): Array<readonly [string, string]> {
  return Symbol.iterator in params
    ? [...(params as Iterable<readonly [string, string]>)]
    : Object.entries(params as Readonly<Record<string, string>>);
}

/** RFC 3986 percent-encoding: everything but the unreserved `A-Z a-z 0-9 - . _ ~`, as UTF-8 bytes. */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The canonical query string of a signed ShopiMind browser redirect (shopimind.md §3, §8) [ours]:
 * every parameter except `sig`, each key and value percent-encoded per RFC 3986 (space → `%20`, upper-case
 * hex), pairs sorted by encoded key then encoded value (plain code-unit order, which is byte order for
 * these ASCII strings), joined as `key=value` with `&`. Parameters are taken decoded, so how the URL was
 * encoded in transit (`+` or `%20`, lower- or upper-case hex) does not change the signature.
 */
export function canonicalQuery(params: QueryParams): string {
  return pairsOf(params)
    .filter(([key]) => key !== QUERY_SIGNATURE_PARAM)
    .map(([key, value]) => [rfc3986Encode(key), rfc3986Encode(value)] as const)
    .sort(([keyA, valueA], [keyB, valueB]) => (keyA === keyB ? compare(valueA, valueB) : compare(keyA, keyB)))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function timestampOf(params: QueryParams): string | undefined {
  return pairsOf(params).find(([key]) => key === QUERY_TIMESTAMP_PARAM)?.[1];
}

/**
 * The `sig` of a signed query: hex HMAC-SHA256(secret, `<ts>.<canonical query>`), i.e. §3's signature with
 * the canonical query string as the body. `params` must hold `ts`.
 */
export function signShopimindQuery(secret: string, params: QueryParams): string {
  const timestamp = timestampOf(params);
  if (timestamp === undefined) {
    throw new Error(`A signed query needs a "${QUERY_TIMESTAMP_PARAM}" parameter`);
  }
  return signShopimindPayload(secret, timestamp, canonicalQuery(params));
}

/** `params` plus their `sig`, as a query string (without `?`) ready to append to a URL. */
export function signedShopimindQueryString(secret: string, params: QueryParams): string {
  const pairs = pairsOf(params).filter(([key]) => key !== QUERY_SIGNATURE_PARAM);
  return `${canonicalQuery(pairs)}&${QUERY_SIGNATURE_PARAM}=${signShopimindQuery(secret, pairs)}`;
}

/** `duplicate_parameter`: a key given twice is ambiguous (which one would the handler read?), so refused. */
export type QuerySignatureVerdict = SignatureVerdict | 'duplicate_parameter';

export interface QuerySignatureCheck {
  params: QueryParams;
  /** Every secret currently accepted (more than one during a rotation). */
  secrets: readonly string[];
  nowSeconds: number;
  maxAgeSeconds: number;
  maxFutureSeconds: number;
}

/** Verifies `sig` and the freshness of `ts` with the same rules as a signed webhook (shopimind.md §3). */
export function verifyShopimindQuery(check: QuerySignatureCheck): QuerySignatureVerdict {
  const pairs = pairsOf(check.params);
  const keys = pairs.map(([key]) => key);
  if (new Set(keys).size !== keys.length) {
    return 'duplicate_parameter';
  }
  return verifyShopimindSignature({
    signature: pairs.find(([key]) => key === QUERY_SIGNATURE_PARAM)?.[1],
    timestamp: timestampOf(pairs),
    rawBody: Buffer.from(canonicalQuery(pairs), 'utf8'),
    secrets: check.secrets,
    nowSeconds: check.nowSeconds,
    maxAgeSeconds: check.maxAgeSeconds,
    maxFutureSeconds: check.maxFutureSeconds,
  });
}
