import {
  StoreClient,
  StoreConnectionSettings,
  StoreEntity,
  StorePage,
  StoreRequestError,
} from '@storebridge/store-client';
import {
  FieldAliasTable,
  ORDER_FIELD_ALIASES,
  PRODUCT_FIELD_ALIASES,
} from '@storebridge/store-normalization';
import { describeStoreRequestFailure } from '../store-failure';

// What the check families share: the entity being checked, one page request and the answers seen.

/** A few retries so a store that rate limits or fails now and then is judged on its answers, not its luck. */
export const CONFORMANCE_RETRIES = 3;

export const ALIAS_TABLES: Record<StoreEntity, FieldAliasTable> = {
  products: PRODUCT_FIELD_ALIASES,
  orders: ORDER_FIELD_ALIASES,
};

/** One answer of the store, kept to count requests and to judge its 429s. */
export interface ObservedResponse {
  status: number;
  retryAfter: string | null;
  /** When the answer came, to read a `Retry-After` date against. */
  at: number;
}

/** The path without its query string: a query could carry a token. */
export function pathOf(path: string): string {
  return path.split('?')[0];
}

export interface EntityContext {
  client: StoreClient;
  settings: StoreConnectionSettings;
  entity: StoreEntity;
  path: string;
  perPage: number;
  farPage: number;
  requestOptions: { signal?: AbortSignal };
}

export type Fetched = { ok: true; page: StorePage } | { ok: false; error: StoreRequestError };

export async function fetchPage(
  context: EntityContext,
  page: number,
  perPage = context.perPage,
): Promise<Fetched> {
  try {
    return {
      ok: true,
      page: await context.client.getPage(context.entity, page, perPage, context.requestOptions),
    };
  } catch (error) {
    if (error instanceof StoreRequestError) {
      return { ok: false, error };
    }
    throw error;
  }
}

export function failureMessage(context: EntityContext, error: StoreRequestError): string {
  return describeStoreRequestFailure(error, context.entity, context.client.baseUrl).message;
}
