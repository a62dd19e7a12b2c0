import type { Request } from 'express';
import type { KeptAnswerBody } from '@storebridge/gateway-persistence';

/** A request that passed the signature check; its signature is claimed against replays until it expires. */
export interface ShopimindCaller {
  /** Lower-case hex, as stored in `accepted_signatures`. */
  signature: string;
  /** What the signature was claimed on (routeKeyOf). */
  route: string;
  /** `X-Shopimind-Timestamp`, unix seconds. */
  timestamp: number;
  /** Set on an exact resend of a request already answered: what it was answered, to answer again. */
  firstAnswer?: { status: number; body: KeptAnswerBody };
}

/** Where the guard leaves the caller (passport's `property` option), rather than the generic `user`. */
export const SHOPIMIND_CALLER_PROPERTY = 'shopimindCaller';

/** An Express request with the raw bytes the app's body parser keeps (`rawBody: true`). */
export type ShopimindRequest = Request & {
  rawBody?: Buffer;
  [SHOPIMIND_CALLER_PROPERTY]?: ShopimindCaller;
};

export function isShopimindCaller(value: unknown): value is ShopimindCaller {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<ShopimindCaller>).signature === 'string' &&
    typeof (value as Partial<ShopimindCaller>).route === 'string' &&
    typeof (value as Partial<ShopimindCaller>).timestamp === 'number'
  );
}

/** The caller the signature guard accepted for this request, if any. */
export function shopimindCallerOf(request: ShopimindRequest): ShopimindCaller | undefined {
  const caller: unknown = request[SHOPIMIND_CALLER_PROPERTY];
  return isShopimindCaller(caller) ? caller : undefined;
}

/** The parameter value every resource we do not serve shares in a route key. */
export const UNKNOWN_RESOURCE = '*';

/**
 * The route a signature is claimed on: the method, the handler's path template and its decoded parameters.
 * Spellings of one URL (letter case, trailing slash, percent-encoding) that Express routes alike thus share a
 * key, so none of them slips a replay through, while remote-data of each resource stays apart. A `resource`
 * outside `knownResources` counts as one: a signature is not accepted once more for every invented name. The
 * query string is not signed and not part of it either.
 */
export function routeKeyOf(request: ShopimindRequest, knownResources?: ReadonlySet<string>): string {
  const template: unknown = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof template !== 'string') {
    return `${request.method} ${request.path.toLowerCase().replace(/\/+$/, '')}`;
  }
  const params = new URLSearchParams(
    Object.entries(request.params ?? {})
      // Express 5 gives a wildcard parameter as its segments.
      .map(([name, value]): [string, string] => [name, Array.isArray(value) ? value.join('/') : value])
      .map(([name, value]): [string, string] =>
        name === 'resource' && knownResources && !knownResources.has(value)
          ? [name, UNKNOWN_RESOURCE]
          : [name, value],
      )
      .sort(([a], [b]) => a.localeCompare(b)),
  ).toString();
  return params ? `${request.method} ${template}?${params}` : `${request.method} ${template}`;
}
