import { StoreEntity } from '../client/store-page';

/** Broken-store guards of spec §3 [ours]: a crawl that would never end is stopped with a reason. */
export enum StoreCrawlErrorKind {
  PageLimit = 'page_limit',
  RepeatedPage = 'repeated_page',
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
