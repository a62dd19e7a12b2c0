import { StoreEntity } from '../client/store-page';

/** Broken-store guards of spec §3 [ours]: a crawl that would never end is stopped with a reason. */
export enum StoreCrawlErrorKind {
  /** More records than any real catalogue: a store inventing records. */
  RecordLimit = 'record_limit',
  /** A sampling caller's page budget spent. */
  PageLimit = 'page_limit',
}

export class StoreCrawlError extends Error {
  constructor(
    readonly kind: StoreCrawlErrorKind,
    readonly entity: StoreEntity,
    /** The page whose request tripped the guard. */
    readonly page: number,
    reason: string,
  ) {
    super(`Crawling ${entity} stopped at page ${page}: ${reason}`);
    this.name = 'StoreCrawlError';
  }
}
