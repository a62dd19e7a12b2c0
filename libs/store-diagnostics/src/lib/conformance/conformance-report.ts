import { StoreEntity } from '@storebridge/store-client';
import { StoreRequestDefaults } from '../store-diagnostics';

// What a conformance run returns, and its options.

/** `not_observed`: what the doctor saw cannot settle the rule either way; it never makes the report fail. */
export type ConformanceStatus = 'pass' | 'warn' | 'fail' | 'not_observed';

/** Checks of the store as a whole. */
export type StoreCheckId = 'address' | 'health' | 'auth_required' | 'rate_limit';

/** Checks run once per entity (products, then orders); the last two only for products. */
export type EntityCheckId =
  | 'page_1'
  | 'shape'
  | 'page_cap'
  | 'meta'
  | 'page_2'
  | 'far_page'
  | 'skipped_records'
  | 'aliases'
  | 'field_suggestions'
  | 'product_url';

/** `products.page_cap`, `orders.meta`...: an entity check is named after its entity. */
export type ConformanceCheckId = StoreCheckId | `${StoreEntity}.${EntityCheckId}`;

export interface ConformanceCheck {
  id: ConformanceCheckId;
  /** Set on the checks of one entity. */
  entity?: StoreEntity;
  title: string;
  status: ConformanceStatus;
  /** What we saw; names paths, statuses and field names, never a credential. */
  detail: string;
  /** What the store owner (or the connection's field mappings) should change. */
  fix?: string;
}

export interface ConformanceReport {
  /** In the order they ran. A failed address or health check ends the run; a failed page 1 ends its entity. */
  checks: ConformanceCheck[];
  /** No check failed (warnings and "not observed" allowed). */
  ok: boolean;
  /** The store answered at least one request over HTTP (false: refused address, DNS, connection, TLS). */
  reached: boolean;
  /** HTTP requests sent to the store, retries included. */
  requests: number;
}

export interface ConformanceOptions extends StoreRequestDefaults {
  /** A page far past any real catalogue (and past a declared `last_page`), which must come back empty. Default 10000. */
  farPage?: number;
  /** Longest wait honoured for a `Retry-After` or backoff, so a check never hangs. Default 2 s. */
  maxRetryWaitMs?: number;
  /** The entities checked, in this order. Default products, then orders. */
  entities?: readonly StoreEntity[];
}

export const DEFAULT_CONFORMANCE_FAR_PAGE = 10_000;
