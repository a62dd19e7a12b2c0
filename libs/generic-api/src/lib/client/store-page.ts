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
}
