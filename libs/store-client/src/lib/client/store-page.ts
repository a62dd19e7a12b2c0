export type StoreEntity = 'products' | 'orders';

export type StorePageShape = 'envelope' | 'array';

/** Envelope pagination metadata (spec §3); `perPage` and `total` are informative, some stores omit them. */
export interface StorePageMeta {
  currentPage: number;
  lastPage: number;
  perPage?: number;
  total?: number;
}

export interface StorePage {
  records: unknown[];
  shape: StorePageShape;
  meta?: StorePageMeta;
  /**
   * sha256 (hex) of the response body as received: the same body parses and normalizes to the same records, so a
   * crawl can tell a page unchanged since the last one without normalizing it again.
   */
  bodyHash?: string;
}
