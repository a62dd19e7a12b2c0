import { StoreRequestOptions } from '../client/store.client';
import { StoreEntity, StorePage, StorePageMeta, StorePageShape } from '../client/store-page';
import { assertPerPage, DEFAULT_PER_PAGE } from '../store-settings';
import { StoreCrawlError, StoreCrawlErrorKind } from './store-crawl.error';

/** What the crawler needs from a client; `StoreClient` is one, a test fake can be another. */
export interface StorePageSource {
  /** The connection's page size, used when the crawl options give none. */
  readonly perPage?: number;
  getPage(
    entity: StoreEntity,
    page: number,
    perPage: number,
    options?: StoreRequestOptions,
  ): Promise<StorePage>;
}

export interface CrawlOptions {
  /** Where a resumed crawl continues (spec §3: resumable). */
  startPage?: number;
  /** Defaults to the source's `perPage`, then to 50 (spec §3). */
  perPage?: number;
  /** Pages fetched by this crawl before it gives up on a store that never runs out. */
  maxPages?: number;
  /**
   * Requests to the store at once: the page being read and the next ones asked for meanwhile, so the store's
   * latency overlaps. Defaults to 1, each page asked for only when the caller wants it. Beyond 1, a crawl may ask
   * for up to `pagesInFlight - 1` pages past the end (past an envelope's `last_page` only before the first page
   * told it); what it got there is dropped, its failure included, and its request cancelled.
   */
  pagesInFlight?: number;
  signal?: AbortSignal;
}

export interface CrawledPage {
  page: number;
  records: unknown[];
  shape: StorePageShape;
  meta?: StorePageMeta;
  /** See `StorePage.bodyHash`; absent when the source does not tell. */
  bodyHash?: string;
}

/** Which stop rule of spec §3 ended the crawl. */
export type CrawlStopReason = 'short_page' | 'last_page' | 'empty_page';

export interface CrawlSummary {
  pages: number;
  records: number;
  stopReason: CrawlStopReason;
}

export const DEFAULT_MAX_PAGES = 10_000;

/**
 * Yields the pages of `entity` one at a time, so memory stays at `pagesInFlight` pages whatever the catalogue size.
 * Stops (spec §3) after a page shorter than requested, after an envelope's last page, or on an empty page;
 * throws `StoreCrawlError` past `maxPages` or when a page repeats the previous one (store ignoring `page`).
 */
export async function* crawlPages(
  source: StorePageSource,
  entity: StoreEntity,
  options: CrawlOptions = {},
): AsyncGenerator<CrawledPage, CrawlSummary, undefined> {
  const { startPage = 1, maxPages = DEFAULT_MAX_PAGES, pagesInFlight = 1, signal } = options;
  const perPage = options.perPage ?? source.perPage ?? DEFAULT_PER_PAGE;
  if (!Number.isInteger(startPage) || startPage < 1) {
    throw new RangeError(`startPage must be an integer >= 1, got ${startPage}`);
  }
  if (!Number.isInteger(maxPages) || maxPages < 1) {
    throw new RangeError(`maxPages must be an integer >= 1, got ${maxPages}`);
  }
  if (!Number.isInteger(pagesInFlight) || pagesInFlight < 1) {
    throw new RangeError(`pagesInFlight must be an integer >= 1, got ${pagesInFlight}`);
  }
  assertPerPage(perPage);
  // Ends the requests still in flight when the crawl ends, whichever way.
  const inFlight = new AbortController();
  const requestOptions = { signal: signal ? AbortSignal.any([signal, inFlight.signal]) : inFlight.signal };
  const requested = new Map<number, Promise<StorePage>>();
  let lastPage = startPage + maxPages - 1;
  const request = (page: number): Promise<StorePage> => {
    for (let next = page; next < page + pagesInFlight && next <= lastPage; next += 1) {
      if (!requested.has(next)) {
        const pending = source.getPage(entity, next, perPage, requestOptions);
        // Surfaced when the crawl reaches that page; dropped if it ends before.
        pending.catch(() => undefined);
        requested.set(next, pending);
      }
    }
    const pending = requested.get(page) ?? source.getPage(entity, page, perPage, requestOptions);
    requested.delete(page);
    return pending;
  };

  let previousFingerprint: string | undefined;
  let records = 0;
  try {
    for (let page = startPage, fetched = 0; ; page += 1, fetched += 1) {
      if (fetched >= maxPages) {
        throw new StoreCrawlError(
          StoreCrawlErrorKind.PageLimit,
          entity,
          page,
          `more than ${maxPages} pages of ${perPage}; the store may never report its end`,
        );
      }
      const result = await request(page);
      if (result.records.length === 0) {
        return { pages: fetched, records, stopReason: 'empty_page' };
      }
      // A hash, not the page itself, so detection costs no memory per page.
      const fingerprint = fingerprintOf(result.records);
      if (fingerprint === previousFingerprint) {
        throw new StoreCrawlError(
          StoreCrawlErrorKind.RepeatedPage,
          entity,
          page,
          `page ${page} has the same records as page ${page - 1}; the store seems to ignore the "page" parameter`,
        );
      }
      previousFingerprint = fingerprint;
      records += result.records.length;
      yield {
        page,
        records: result.records,
        shape: result.shape,
        ...(result.meta ? { meta: result.meta } : {}),
        ...(result.bodyHash === undefined ? {} : { bodyHash: result.bodyHash }),
      };
      if (result.meta && result.meta.currentPage >= result.meta.lastPage) {
        return { pages: fetched + 1, records, stopReason: 'last_page' };
      }
      if (result.meta) {
        // Not asking for pages the store says it does not have.
        lastPage = Math.min(lastPage, page + result.meta.lastPage - result.meta.currentPage);
      }
      // A store that caps per_page below our request says so in its meta; a short page is judged against that.
      const pageSize =
        result.meta?.perPage !== undefined && result.meta.perPage > 0 ? result.meta.perPage : perPage;
      if (result.records.length < Math.min(pageSize, perPage)) {
        return { pages: fetched + 1, records, stopReason: 'short_page' };
      }
    }
  } finally {
    inFlight.abort();
  }
}

/**
 * Enough to tell a page served again from the next one: a store ignoring `page` repeats its first and last
 * records, a working store does not. Hashing the whole page cost a crawl more than its database work.
 */
function fingerprintOf(records: unknown[]): string {
  return `${records.length}:${JSON.stringify(records[0])}:${JSON.stringify(records.at(-1))}`;
}

/**
 * Yields what `source` yields, already asking it for the next item while the caller works on the current one, so
 * the store's latency overlaps with our own work on the previous page. At most one item waits: memory stays
 * bounded by two pages. An error of the item read ahead surfaces when the caller reaches it, as without this.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  try {
    for (;;) {
      const result = await pending;
      if (result.done) {
        return;
      }
      pending = iterator.next();
      // Awaited on the next turn; until then a failure must not count as unhandled.
      pending.catch(() => undefined);
      yield result.value;
    }
  } finally {
    // The caller stopped early: close the source (after the read in flight, which async generators queue).
    await iterator.return?.();
  }
}
