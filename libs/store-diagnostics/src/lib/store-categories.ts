import {
  crawlPages,
  StoreConnectionSettings,
  StoreCrawlError,
  StoreRequestError,
} from '@storebridge/store-client';
import { toNormalizedProduct } from '@storebridge/store-normalization';
import { openDiagnosisClient, StoreRequestDefaults } from './store-diagnostics';
import { describeStoreRequestFailure, StoreFailure } from './store-failure';

/** Bounded on purpose: this answers a form while the merchant waits, it is not a crawl. */
export const DEFAULT_CATEGORY_SAMPLE_PAGES = 5;
export const DEFAULT_CATEGORY_SAMPLE_PER_PAGE = 100;
export const DEFAULT_CATEGORY_SAMPLE_DEADLINE_MS = 20_000;

export interface CategorySampleOptions extends StoreRequestDefaults {
  maxPages?: number;
  perPage?: number;
  /** For the whole sample; the categories of the pages read before it runs out are kept. */
  deadlineMs?: number;
}

export type StoreCategorySample =
  | {
      ok: true;
      /** Distinct category names, as the sync will read them, in alphabetical order. */
      categories: string[];
      pagesRead: number;
      /** False when the page budget or the deadline ran out, or a later page failed: some may be missing. */
      complete: boolean;
    }
  | ({ ok: false } & StoreFailure);

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/**
 * The categories found on the first pages of the store's products (resolved through the aliases and the
 * connection's mappings, like the sync does), for a select in ShopiMind's configuration form. Applies the
 * SSRF policy first. Fails only when not even the first page could be read.
 */
export async function sampleStoreCategories(
  settings: StoreConnectionSettings,
  options: CategorySampleOptions,
): Promise<StoreCategorySample> {
  const client = await openDiagnosisClient(settings, options);
  if ('problem' in client) {
    return { ok: false, ...client };
  }
  const deadlineMs = options.deadlineMs ?? DEFAULT_CATEGORY_SAMPLE_DEADLINE_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const context = { baseUrl: settings.baseUrl, mappings: settings.fieldMappings.products };
  const found = new Set<string>();
  let pagesRead = 0;
  const sample = (complete: boolean): StoreCategorySample => ({
    ok: true,
    categories: [...found].sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)),
    pagesRead,
    complete,
  });

  try {
    const pages = crawlPages(client, 'products', {
      perPage: options.perPage ?? DEFAULT_CATEGORY_SAMPLE_PER_PAGE,
      maxPages: options.maxPages ?? DEFAULT_CATEGORY_SAMPLE_PAGES,
      signal,
    });
    for await (const page of pages) {
      pagesRead += 1;
      for (const record of page.records) {
        for (const category of toNormalizedProduct(record, context).product?.categories ?? []) {
          found.add(category);
        }
      }
    }
    return sample(true);
  } catch (error) {
    if (options.signal?.aborted) {
      throw error;
    }
    // Page budget spent, or a store ignoring `page`: what was read is still a useful list.
    if (error instanceof StoreCrawlError) {
      return sample(false);
    }
    if (pagesRead > 0 && (deadline.aborted || error instanceof StoreRequestError)) {
      return sample(false);
    }
    if (deadline.aborted) {
      return {
        ok: false,
        step: 'products',
        problem: 'timeout',
        message: `The store did not return its first page of products within ${deadlineMs} ms.`,
      };
    }
    if (error instanceof StoreRequestError) {
      return { ok: false, ...describeStoreRequestFailure(error, 'products', settings.baseUrl) };
    }
    throw error;
  }
}
