import { hash } from 'node:crypto';
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
  /**
   * Records read before the crawl gives up on a store that never runs out (one inventing records forever): far
   * above real catalogues, so reaching it is a store fault, reported as such.
   */
  maxRecords?: number;
  /** A page budget, for callers that only sample a store; a full crawl has none (real catalogues exceed any). */
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
export type CrawlStopReason = 'short_page' | 'last_page' | 'empty_page' | 'repeated_page';

export interface CrawlSummary {
  pages: number;
  records: number;
  stopReason: CrawlStopReason;
  /**
   * True when the stop rule proves the store has nothing more. A repeated page does not (a store ignoring `page`
   * looks the same as one clamping past its end) unless the records read add up to the store's declared total.
   * Only a complete crawl may compute deletions (spec §3).
   */
  complete: boolean;
}

export const DEFAULT_MAX_RECORDS = 5_000_000;

/**
 * Yields the pages of `entity` one at a time, so memory stays at `pagesInFlight` pages whatever the catalogue size.
 * Stop rules (spec §3): an empty page; an envelope's `current_page >= last_page`; without an envelope's meta, a page
 * shorter than the store's real page size, learned from the first page (stores cap `per_page` without saying so);
 * a page that repeats an earlier one. Throws `StoreCrawlError` past `maxRecords` (or an explicit `maxPages`).
 */
export async function* crawlPages(
  source: StorePageSource,
  entity: StoreEntity,
  options: CrawlOptions = {},
): AsyncGenerator<CrawledPage, CrawlSummary, undefined> {
  const {
    startPage = 1,
    maxRecords = DEFAULT_MAX_RECORDS,
    maxPages = Number.POSITIVE_INFINITY,
    pagesInFlight = 1,
    signal,
  } = options;
  const perPage = options.perPage ?? source.perPage ?? DEFAULT_PER_PAGE;
  if (!Number.isInteger(startPage) || startPage < 1) {
    throw new RangeError(`startPage must be an integer >= 1, got ${startPage}`);
  }
  if (!Number.isInteger(maxRecords) || maxRecords < 1) {
    throw new RangeError(`maxRecords must be an integer >= 1, got ${maxRecords}`);
  }
  if (maxPages !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxPages) || maxPages < 1)) {
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

  // One short digest per page read: a page served again, next or later (a store cycling), ends the crawl.
  const pagesSeen = new Set<string>();
  let pageSize: number | undefined;
  let declaredTotal: number | undefined;
  let records = 0;
  try {
    for (let page = startPage, fetched = 0; ; page += 1, fetched += 1) {
      if (fetched >= maxPages) {
        throw new StoreCrawlError(
          StoreCrawlErrorKind.PageLimit,
          entity,
          page,
          `more than ${maxPages} pages of ${perPage}`,
        );
      }
      const result = await request(page);
      const count = result.records.length;
      if (count === 0) {
        return { pages: fetched, records, stopReason: 'empty_page', complete: true };
      }
      const fingerprint = fingerprintOf(result.records);
      // A store that names the page it serves as the one asked is not clamping: a repeat there is the same records
      // listed again (one-record pages with a duplicate), and its last_page still bounds the crawl.
      const servesPageAsked = result.meta?.currentPage === page;
      if (pagesSeen.has(fingerprint) && !servesPageAsked) {
        return {
          pages: fetched,
          records,
          stopReason: 'repeated_page',
          complete: declaredTotal !== undefined && records === declaredTotal,
        };
      }
      pagesSeen.add(fingerprint);
      if (records + count > maxRecords) {
        throw new StoreCrawlError(
          StoreCrawlErrorKind.RecordLimit,
          entity,
          page,
          `more than ${maxRecords} ${entity}; the store seems to invent records without end, so nothing is deleted`,
        );
      }
      records += count;
      declaredTotal = result.meta?.total ?? declaredTotal;
      yield {
        page,
        records: result.records,
        shape: result.shape,
        ...(result.meta ? { meta: result.meta } : {}),
        ...(result.bodyHash === undefined ? {} : { bodyHash: result.bodyHash }),
      };
      if (result.meta) {
        // An envelope says where the end is: a short page before it is the store's own page size, not the end.
        if (result.meta.currentPage >= result.meta.lastPage) {
          return { pages: fetched + 1, records, stopReason: 'last_page', complete: true };
        }
        // Not asking for pages the store says it does not have.
        lastPage = Math.min(lastPage, page + result.meta.lastPage - result.meta.currentPage);
      } else if (pageSize !== undefined && count < pageSize) {
        return { pages: fetched + 1, records, stopReason: 'short_page', complete: true };
      }
      // A first page is taken as full: shorter than asked, it is the store's silent cap, or the only page, which
      // the next (empty, or a repeat) tells. A later page longer than that corrects it.
      pageSize = Math.max(pageSize ?? 0, count);
    }
  } finally {
    inFlight.abort();
  }
}

/**
 * Enough to tell a page served again from another one: a store ignoring `page` or cycling repeats its first and
 * last records, a working store does not. Hashing the whole page cost a crawl more than its database work; the
 * digest keeps what the crawl remembers per page small.
 */
function fingerprintOf(records: unknown[]): string {
  return hash(
    'sha1',
    `${records.length}:${JSON.stringify(records[0])}:${JSON.stringify(records.at(-1))}`,
    'base64',
  );
}

/**
 * Yields what `source` yields, already asking it for the next item while the caller works on the current one, so
 * the store's latency overlaps with our own work on the previous page. At most one item waits: memory stays
 * bounded by two pages. An error of the item read ahead surfaces when the caller reaches it, as without this; the
 * source's return value is returned.
 */
export async function* readAhead<T, R = void>(
  source: AsyncIterable<T, R, undefined>,
): AsyncGenerator<T, R, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  try {
    for (;;) {
      const result = await pending;
      if (result.done) {
        return result.value;
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
