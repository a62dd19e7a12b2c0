import { setTimeout as delay } from 'node:timers/promises';
import { parseRetryAfterMs } from '@storebridge/retry';
import {
  checkStoreUrl,
  DEFAULT_USER_AGENT,
  sharedPinnedFetch,
  StoreClient,
  StoreConnectionSettings,
  StoreEntity,
  StorePage,
  StoreRequestError,
  StoreRequestErrorKind,
  StoreSettingsError,
} from '@storebridge/store-client';
import {
  FieldAliasTable,
  FieldMapping,
  ORDER_FIELD_ALIASES,
  PRODUCT_FIELD_ALIASES,
  ProductField,
  resolveField,
  resolveRecordId,
  toNormalizedOrder,
  toNormalizedProduct,
} from '@storebridge/store-normalization';
import { isRecord } from '@storebridge/untrusted-input';
import { DEFAULT_DIAGNOSIS_TIMEOUT_MS, StoreRequestDefaults } from './store-diagnostics';
import { describeStoreRequestFailure } from './store-failure';

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
const DEFAULT_MAX_RETRY_WAIT_MS = 2_000;
/** A few retries so a store that rate limits or fails now and then is judged on its answers, not its luck. */
const CONFORMANCE_RETRIES = 3;
const MAX_LISTED = 10;
/** Skipped records named with their page and index. */
const MAX_SKIPS_LISTED = 5;

const STORE_TITLES: Record<StoreCheckId, string> = {
  address: 'Store address is allowed',
  health: 'Health endpoint answers 200',
  auth_required: 'Requests without the credential are refused',
  rate_limit: 'Rate limiting (429) says when to retry',
};

const ENTITY_TITLES: Record<EntityCheckId, string> = {
  page_1: 'page 1 parses',
  shape: 'response shape',
  page_cap: 'page size served',
  meta: 'pagination meta is consistent',
  page_2: 'page 2 continues the list',
  far_page: 'a page past the end is empty',
  skipped_records: 'records the sync would skip',
  aliases: 'field names recognised',
  field_suggestions: 'unrecognised fields',
  product_url: 'products have a permalink or slug',
};

const ENTITY_LABELS: Record<StoreEntity, string> = { products: 'Products', orders: 'Orders' };

const ALIAS_TABLES: Record<StoreEntity, FieldAliasTable> = {
  products: PRODUCT_FIELD_ALIASES,
  orders: ORDER_FIELD_ALIASES,
};

function checkOf(
  id: StoreCheckId,
  status: ConformanceStatus,
  detail: string,
  fix?: string,
): ConformanceCheck {
  return { id, title: STORE_TITLES[id], status, detail, ...(fix === undefined ? {} : { fix }) };
}

function entityCheck(
  entity: StoreEntity,
  id: EntityCheckId,
  status: ConformanceStatus,
  detail: string,
  fix?: string,
): ConformanceCheck {
  return {
    id: `${entity}.${id}`,
    entity,
    title: `${ENTITY_LABELS[entity]}: ${ENTITY_TITLES[id]}`,
    status,
    detail,
    ...(fix === undefined ? {} : { fix }),
  };
}

interface ObservedResponse {
  status: number;
  retryAfter: string | null;
  /** When the answer came, to read a `Retry-After` date against. */
  at: number;
}

/**
 * Checks a store against the generic API contract (spec §1-§6) the way the sync reads it, for products and orders,
 * and says for each rule whether it holds, with a fix when it does not, or that the doctor could not observe it.
 * Unlike the connection test (`diagnoseStore`), it goes on past the first problem and probes pagination, auth and
 * field names.
 */
export async function checkStoreConformance(
  settings: StoreConnectionSettings,
  options: ConformanceOptions,
): Promise<ConformanceReport> {
  const checks: ConformanceCheck[] = [];
  const observed: ObservedResponse[] = [];
  const report = (): ConformanceReport => ({
    checks,
    ok: checks.every((check) => check.status !== 'fail'),
    reached: observed.length > 0,
    requests: observed.length,
  });

  const verdict = await checkStoreUrl(settings.baseUrl, {
    allowPrivate: options.allowPrivate,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  if (!verdict.ok) {
    checks.push(checkOf('address', 'fail', verdict.message, 'Use the public https:// address of the store.'));
    return report();
  }
  checks.push(checkOf('address', 'pass', `${settings.baseUrl} passes the address policy.`));

  const baseFetch = options.fetchImpl ?? sharedPinnedFetch({ allowPrivateAddresses: options.allowPrivate });
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    observed.push({
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      at: Date.now(),
    });
    return response;
  };
  const maxWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  let client: StoreClient;
  try {
    client = new StoreClient(settings, {
      timeoutMs: options.timeoutMs ?? DEFAULT_DIAGNOSIS_TIMEOUT_MS,
      retries: CONFORMANCE_RETRIES,
      backoffBaseMs: 100,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      fetchImpl: recordingFetch,
      sleep: (ms, signal) => delay(Math.min(ms, maxWaitMs), undefined, signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof StoreSettingsError) {
      checks.push(checkOf('health', 'fail', error.message, 'Fix the connection settings.'));
      return report();
    }
    throw error;
  }
  const requestOptions = options.signal ? { signal: options.signal } : {};

  const health = await client.checkHealth(requestOptions);
  if (!health.ok) {
    checks.push(
      checkOf(
        'health',
        'fail',
        describeStoreRequestFailure(health.error, 'health', settings.baseUrl).message,
      ),
    );
    return report();
  }
  checks.push(
    checkOf(
      'health',
      'pass',
      `GET ${pathOf(settings.paths.health)} answered 200 in ${health.durationMs} ms.`,
    ),
  );

  checks.push(await checkAuthRequired(settings, options, recordingFetch, maxWaitMs));

  for (const entity of options.entities ?? (['products', 'orders'] as const)) {
    checks.push(
      ...(await checkEntity({
        client,
        settings,
        entity,
        path: pathOf(settings.paths[entity]),
        perPage: settings.perPage,
        farPage: options.farPage ?? DEFAULT_CONFORMANCE_FAR_PAGE,
        requestOptions,
      })),
    );
  }
  checks.push(rateLimitCheck(observed));
  return report();
}

/** The path without its query string: a query could carry a token. */
function pathOf(path: string): string {
  return path.split('?')[0];
}

async function checkAuthRequired(
  settings: StoreConnectionSettings,
  options: ConformanceOptions,
  fetchImpl: typeof fetch,
  maxWaitMs: number,
): Promise<ConformanceCheck> {
  const anonymous = async (path: string): Promise<number | string> => {
    const url = new URL(settings.baseUrl + path);
    if (path === settings.paths.products) {
      url.searchParams.set('page', '1');
      url.searchParams.set('per_page', '1');
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await fetchImpl(url, {
          headers: { Accept: 'application/json', 'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT },
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_DIAGNOSIS_TIMEOUT_MS),
        });
        await response.body?.cancel();
        const transient = response.status === 429 || response.status >= 500;
        if (!transient || attempt > CONFORMANCE_RETRIES) {
          return response.status;
        }
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
      await delay(Math.min(100 * attempt, maxWaitMs));
    }
  };
  const products = await anonymous(settings.paths.products);
  const health = await anonymous(settings.paths.health);
  const describe = (path: string, outcome: number | string): string =>
    typeof outcome === 'number'
      ? `GET ${pathOf(path)} answered ${outcome}`
      : `GET ${pathOf(path)} failed (${outcome})`;
  const seen = `Without the credential, ${describe(settings.paths.products, products)} and ${describe(settings.paths.health, health)}.`;
  if (products === 401 || products === 403) {
    return checkOf('auth_required', 'pass', seen);
  }
  if (typeof products === 'number' && products >= 200 && products < 300) {
    return checkOf(
      'auth_required',
      'warn',
      `${seen} Anyone can read the catalogue.`,
      'Require the API key, token or Basic credential on every API endpoint and answer 401 without it.',
    );
  }
  return checkOf(
    'auth_required',
    'warn',
    `${seen} Expected 401 or 403.`,
    'Answer 401 (or 403) to a request without a valid credential.',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// One entity: pagination as the sync's stop rules see it (spec §3), then the records (spec §4-§6).
// ---------------------------------------------------------------------------------------------------------------

interface EntityContext {
  client: StoreClient;
  settings: StoreConnectionSettings;
  entity: StoreEntity;
  path: string;
  perPage: number;
  farPage: number;
  requestOptions: { signal?: AbortSignal };
}

type Fetched = { ok: true; page: StorePage } | { ok: false; error: StoreRequestError };

/** How the store treats `page`, from page 2 (and a probe with one record per page when page 2 repeats page 1). */
type PageParam =
  | 'not_asked'
  | 'failed'
  | 'empty'
  | 'continues'
  | 'overlaps'
  /** Page 2 repeats page 1 although smaller pages move on: page 2 is past the end, the store clamps. */
  | 'clamps'
  | 'ignored'
  /** Page 2 repeats page 1 and nothing tells a store ignoring `page` from one clamping its only page. */
  | 'repeats_unexplained';

interface Pagination {
  first: StorePage;
  /** Page 2, when it was asked. */
  second?: Fetched;
  pageParam: PageParam;
  /** Page 1 alone is the catalogue by its meta (`last_page` 1, `total` absent or equal): page 2 not asked. */
  metaSaysOnePage: boolean;
  /** The last page by meta, asked when it is beyond page 2 (to count the records against `total`). */
  last?: { number: number; fetched: Fetched };
}

async function fetchPage(context: EntityContext, page: number, perPage = context.perPage): Promise<Fetched> {
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

function failureMessage(context: EntityContext, error: StoreRequestError): string {
  return describeStoreRequestFailure(error, context.entity, context.client.baseUrl).message;
}

async function checkEntity(context: EntityContext): Promise<ConformanceCheck[]> {
  const { entity, path, perPage } = context;
  const first = await fetchPage(context, 1);
  if (!first.ok) {
    return [entityCheck(entity, 'page_1', 'fail', failureMessage(context, first.error))];
  }
  const total = first.page.meta?.total === undefined ? '' : ` (meta.total ${first.page.meta.total})`;
  const checks = [
    entityCheck(
      entity,
      'page_1',
      'pass',
      `GET ${path}?page=1&per_page=${perPage} answered ${first.page.records.length} ${entity}${total}.`,
    ),
    shapeCheck(entity, first.page),
  ];
  const pagination = await readPagination(context, first.page);
  checks.push(
    pageCapCheck(context, pagination),
    metaCheck(context, pagination),
    pageTwoCheck(context, pagination),
    await farPageCheck(context, pagination),
    ...recordChecks(context, pagination),
  );
  return checks;
}

function shapeCheck(entity: StoreEntity, first: StorePage): ConformanceCheck {
  if (first.shape === 'array') {
    return entityCheck(
      entity,
      'shape',
      'pass',
      'A bare JSON array. It has no last_page, so the sync ends the list on an empty page, a page shorter than the store’s real page size (learned from page 1), or a page repeating an earlier one.',
    );
  }
  if (first.meta === undefined) {
    return entityCheck(
      entity,
      'shape',
      'pass',
      'An envelope {data} without a usable meta (current_page and last_page): read like a bare array, the list ends on an empty page, a short page or a repeated page.',
    );
  }
  return entityCheck(
    entity,
    'shape',
    'pass',
    'An envelope {data, meta} with current_page and last_page: the sync ends the list at current_page >= last_page (or earlier, on an empty or repeated page).',
  );
}

function fingerprintOf(records: readonly unknown[]): string {
  return JSON.stringify(records);
}

function recordIds(context: EntityContext, records: readonly unknown[]): string[] {
  const table = ALIAS_TABLES[context.entity];
  const mappings = context.settings.fieldMappings[context.entity];
  return records.map(
    (record) =>
      (isRecord(record) ? resolveRecordId(record, table, mappings) : undefined) ?? JSON.stringify(record),
  );
}

async function readPagination(context: EntityContext, first: StorePage): Promise<Pagination> {
  const count = first.records.length;
  const meta = first.meta;
  const metaSaysOnePage =
    meta !== undefined &&
    meta.currentPage >= meta.lastPage &&
    (meta.total === undefined || meta.total === count);
  if (count === 0 || metaSaysOnePage) {
    return { first, pageParam: 'not_asked', metaSaysOnePage };
  }
  const second = await fetchPage(context, 2);
  const pagination: Pagination = {
    first,
    second,
    metaSaysOnePage,
    pageParam: await pageParamOf(context, first, second),
  };
  // The last page counts the records against `total`, when pages move on at all.
  const movesOn = pagination.pageParam === 'continues' || pagination.pageParam === 'overlaps';
  if (meta !== undefined && meta.lastPage > 2 && movesOn) {
    pagination.last = { number: meta.lastPage, fetched: await fetchPage(context, meta.lastPage) };
  }
  return pagination;
}

async function pageParamOf(context: EntityContext, first: StorePage, second: Fetched): Promise<PageParam> {
  if (!second.ok) {
    return 'failed';
  }
  if (second.page.records.length === 0) {
    return 'empty';
  }
  const firstIds = new Set(recordIds(context, first.records));
  const secondIds = recordIds(context, second.page.records);
  const repeated = secondIds.filter((id) => firstIds.has(id)).length;
  if (repeated === 0) {
    return 'continues';
  }
  if (repeated < secondIds.length || fingerprintOf(first.records) !== fingerprintOf(second.page.records)) {
    return 'overlaps';
  }
  // The same page again. A meta naming the page it served tells which: a clamped page names the last one.
  const meta = second.page.meta;
  if (meta !== undefined && meta.currentPage !== 2) {
    return meta.currentPage >= meta.lastPage ? 'clamps' : 'ignored';
  }
  // Otherwise pages of one record: a store reading `page` serves its second record on page 2.
  if (first.records.length < 2) {
    return 'repeats_unexplained';
  }
  const one = await fetchPage(context, 1, 1);
  const two = await fetchPage(context, 2, 1);
  if (!one.ok || !two.ok || one.page.records.length !== 1 || two.page.records.length !== 1) {
    return 'repeats_unexplained';
  }
  return fingerprintOf(one.page.records) === fingerprintOf(two.page.records) ? 'ignored' : 'clamps';
}

/** Page 1 is a full page of the store: a later page has other records. */
function firstPageIsFull(pagination: Pagination): boolean {
  return (
    pagination.pageParam === 'continues' ||
    pagination.pageParam === 'overlaps' ||
    (pagination.first.meta !== undefined &&
      pagination.first.meta.currentPage < pagination.first.meta.lastPage &&
      pagination.pageParam !== 'clamps')
  );
}

function pageCapCheck(context: EntityContext, pagination: Pagination): ConformanceCheck {
  const { entity, perPage } = context;
  const count = pagination.first.records.length;
  const declared = pagination.first.meta?.perPage;
  const check = (status: ConformanceStatus, detail: string, fix?: string): ConformanceCheck =>
    entityCheck(entity, 'page_cap', status, detail, fix);
  const capped = (size: number, how: string): ConformanceCheck =>
    check(
      'warn',
      `The store serves ${size} per page although ${perPage} were asked (${how}); the sync learns the real size and keeps asking while pages are that long.`,
      `Serve the per_page asked (up to 100), or say the size you serve in meta.per_page.`,
    );
  if (count === 0) {
    return check('not_observed', `Page 1 is empty: the page size the store serves could not be observed.`);
  }
  if (count > perPage) {
    return check(
      'warn',
      `The store serves ${count} per page although ${perPage} were asked; the sync takes the longest page as the store's real size.`,
      'Serve at most the per_page asked.',
    );
  }
  if (count === perPage) {
    return check('pass', `The store serves the ${perPage} per page asked.`);
  }
  // Fewer than asked: the store's cap, or the whole list.
  if (declared !== undefined && declared < perPage && declared === count) {
    return capped(count, `meta.per_page says ${declared}`);
  }
  if (pagination.metaSaysOnePage) {
    const total = pagination.first.meta?.total;
    return check(
      'pass',
      `The list fits on one page: ${count} ${entity}, and meta says last_page ${pagination.first.meta?.lastPage}${total === undefined ? '' : ` with total ${total}`}.`,
    );
  }
  switch (pagination.pageParam) {
    case 'continues':
    case 'overlaps':
      return capped(count, `page 1 held ${count} and page 2 more`);
    case 'empty':
      return check('pass', `The list fits on one page: page 1 holds ${count} ${entity} and page 2 is empty.`);
    case 'clamps':
      return check(
        'not_observed',
        `Page 1 holds ${count} of the ${perPage} asked and page 2 repeats it (the store clamps out-of-range pages): it looks like the whole list, but the store's page size was not observed.`,
      );
    case 'ignored':
    case 'repeats_unexplained':
    case 'failed':
    case 'not_asked':
      if (pagination.first.meta !== undefined && pagination.first.meta.lastPage > 1) {
        return capped(
          count,
          `page 1 held ${count} and meta says last_page ${pagination.first.meta.lastPage}`,
        );
      }
      return check(
        'not_observed',
        `Page 1 holds ${count} of the ${perPage} asked and page 2 could not tell whether that is the store's cap or the whole list.`,
      );
  }
}

function pageTwoCheck(context: EntityContext, pagination: Pagination): ConformanceCheck {
  const { entity, path } = context;
  const check = (status: ConformanceStatus, detail: string, fix?: string): ConformanceCheck =>
    entityCheck(entity, 'page_2', status, detail, fix);
  const second = pagination.second;
  if (second === undefined) {
    return pagination.metaSaysOnePage
      ? check('pass', 'Meta says page 1 is the last one: page 2 not needed.')
      : check('not_observed', 'Page 1 is empty: there is no page 2 to check.');
  }
  if (!second.ok) {
    return check(
      'fail',
      failureMessage(context, second.error),
      'Serve every page up to the last one with the same status and shape as page 1.',
    );
  }
  const records = second.page.records;
  switch (pagination.pageParam) {
    case 'empty':
      return check('pass', `GET ${path}?page=2 returned no ${entity}: the list ends on page 1.`);
    case 'continues':
      return check('pass', `Page 2 returned ${records.length} ${entity}, none of them on page 1.`);
    case 'overlaps': {
      const firstIds = new Set(recordIds(context, pagination.first.records));
      const repeated = recordIds(context, records).filter((id) => firstIds.has(id)).length;
      return check(
        'warn',
        `${repeated} of the ${records.length} ${entity} of page 2 also appear on page 1.`,
        'Sort pages by a stable key (e.g. id) so a record appears on exactly one page.',
      );
    }
    case 'ignored':
      return check(
        'fail',
        `GET ${path}?page=2 returned the same ${records.length} ${entity} as page 1: the store ignores the "page" parameter, so a sync would only ever see page 1.`,
        'Read the "page" (from 1) and "per_page" query parameters and return that slice of the list.',
      );
    case 'clamps':
      return check(
        'warn',
        `GET ${path}?page=2 returned page 1 again, while pages of one record move on: the list fits on one page and the store answers a page past its end with its last page. The sync stops on the repeated page.`,
        'Return an empty list (HTTP 200) for any page after the last one.',
      );
    // Page 2 was asked and answered: only the unexplained repeat is left.
    case 'repeats_unexplained':
    case 'failed':
    case 'not_asked':
      return check(
        'warn',
        `GET ${path}?page=2 returned page 1 again: either the store ignores "page" (a sync would only see page 1) or it answers a page past its end with its last page. The sync stops on the repeated page.`,
        'Read the "page" query parameter, and return an empty list (HTTP 200) for any page after the last one.',
      );
  }
}

function metaCheck(context: EntityContext, pagination: Pagination): ConformanceCheck {
  const { entity } = context;
  const { first, second, last } = pagination;
  const meta = first.meta;
  if (meta === undefined) {
    return entityCheck(
      entity,
      'meta',
      'not_observed',
      `Page 1 carries no usable meta (current_page and last_page): nothing to check. The sync relies on short, empty and repeated pages.`,
    );
  }
  const problems: string[] = [];
  if (meta.currentPage !== 1) {
    problems.push(`page 1 says current_page ${meta.currentPage}`);
  }
  if (
    second?.ok === true &&
    second.page.meta !== undefined &&
    second.page.meta.currentPage !== 2 &&
    pagination.pageParam !== 'clamps'
  ) {
    problems.push(`page 2 says current_page ${second.page.meta.currentPage}`);
  }
  const count = first.records.length;
  const full = firstPageIsFull(pagination);
  if (full && meta.perPage !== undefined && meta.perPage !== count) {
    problems.push(`meta.per_page says ${meta.perPage} but the full page 1 holds ${count}`);
  }
  // The size pages really have: a full page 1's, else the declared one.
  const size = full ? count : meta.perPage;
  if (meta.total !== undefined && size !== undefined && size > 0) {
    const pages = Math.max(1, Math.ceil(meta.total / size));
    // One more, empty, page after pages filled exactly is harmless: the sync stops on it.
    const extraEmpty = meta.total % size === 0 && meta.lastPage === pages + 1;
    if (meta.lastPage !== pages && !extraEmpty) {
      problems.push(
        `total ${meta.total} at ${size} per page makes ${pages} pages, but last_page says ${meta.lastPage}`,
      );
    }
  }
  if (meta.total !== undefined) {
    const seen = recordsUpToTheEnd(pagination, size);
    if (seen !== undefined && seen.count !== meta.total) {
      problems.push(`total says ${meta.total} but ${seen.how} make ${seen.count}`);
    } else if (seen === undefined) {
      const read =
        count +
        (second?.ok === true && pagination.pageParam === 'continues' ? second.page.records.length : 0);
      if (read > meta.total) {
        problems.push(`total says ${meta.total} but ${read} were already read`);
      }
    }
  }
  const absent = [
    meta.perPage === undefined ? 'per_page' : '',
    meta.total === undefined ? 'total' : '',
  ].filter((key) => key !== '');
  const absentText = absent.length > 0 ? ` (${absent.join(' and ')} absent, not checked)` : '';
  if (problems.length > 0) {
    return entityCheck(
      entity,
      'meta',
      'warn',
      `Meta disagrees with itself or with the records served: ${problems.join('; ')}${absentText}. The sync trusts last_page to end the list.`,
      'Fill meta from the query actually served: current_page = page asked, per_page = records per full page, total = all records, last_page = ceil(total / per_page).',
    );
  }
  const lastTotal = last !== undefined && last.fetched.ok ? `, the last page (${last.number}) included` : '';
  return entityCheck(
    entity,
    'meta',
    'pass',
    `current_page, last_page${meta.perPage === undefined ? '' : ', per_page'}${meta.total === undefined ? '' : ', total'} agree with each other and with the records served${lastTotal}${absentText}.`,
  );
}

/** The records of the whole list, when the pages read reach its end. */
function recordsUpToTheEnd(
  pagination: Pagination,
  size: number | undefined,
): { count: number; how: string } | undefined {
  const { first, second, last } = pagination;
  const meta = first.meta;
  if (meta === undefined) {
    return undefined;
  }
  if (meta.lastPage <= 1 || pagination.pageParam === 'empty' || pagination.pageParam === 'clamps') {
    return { count: first.records.length, how: 'the records of page 1' };
  }
  if (meta.lastPage === 2 && second?.ok === true && pagination.pageParam === 'continues') {
    return { count: first.records.length + second.page.records.length, how: 'pages 1 and 2' };
  }
  if (last !== undefined && last.fetched.ok && size !== undefined && last.fetched.page.records.length > 0) {
    return {
      count: (last.number - 1) * size + last.fetched.page.records.length,
      how: `${last.number - 1} full pages of ${size} and the ${last.fetched.page.records.length} of page ${last.number}`,
    };
  }
  return undefined;
}

async function farPageCheck(context: EntityContext, pagination: Pagination): Promise<ConformanceCheck> {
  const { entity, path } = context;
  const meta = pagination.first.meta;
  const farPage = Math.max(context.farPage, (meta?.lastPage ?? 0) + 1);
  const check = (status: ConformanceStatus, detail: string, fix?: string): ConformanceCheck =>
    entityCheck(entity, 'far_page', status, detail, fix);
  const emptyFix = 'Return an empty list (HTTP 200) for any page after the last one.';
  // What the sync does past the end depends on whether the list tells its last page.
  const stopRule =
    meta === undefined
      ? 'Without last_page, the sync asks a page past the end whenever the last page is full'
      : 'With last_page, the sync never asks past it (as long as last_page is right)';
  const far = await fetchPage(context, farPage);
  if (!far.ok) {
    if (far.error.kind === StoreRequestErrorKind.NotFound) {
      return check(
        'warn',
        `GET ${path}?page=${farPage} answered 404. ${stopRule}; a 404 there fails the run, so the end is never proven and no deletions are computed.`,
        emptyFix,
      );
    }
    return check('warn', failureMessage(context, far.error), emptyFix);
  }
  const records = far.page.records;
  if (records.length === 0) {
    return check(
      'pass',
      `GET ${path}?page=${farPage} returned no ${entity}: the sync stops on an empty page.`,
    );
  }
  const fingerprint = fingerprintOf(records);
  const known = [
    { name: 'page 1', records: pagination.first.records },
    ...(pagination.second?.ok === true ? [{ name: 'page 2', records: pagination.second.page.records }] : []),
    ...(pagination.last?.fetched.ok === true
      ? [{ name: `page ${pagination.last.number}`, records: pagination.last.fetched.page.records }]
      : []),
  ];
  const knownPage = known.find((page) => fingerprintOf(page.records) === fingerprint)?.name;
  let servedAgain = knownPage === undefined ? undefined : `the records of ${knownPage}`;
  if (servedAgain === undefined && far.page.meta !== undefined && far.page.meta.currentPage !== farPage) {
    servedAgain = `page ${far.page.meta.currentPage} (by its meta)`;
  }
  if (knownPage === 'page 1' && pagination.pageParam === 'ignored') {
    return check(
      'fail',
      `GET ${path}?page=${farPage} returned page 1 again: the store ignores "page", so a crawl never finds the last page.`,
      emptyFix,
    );
  }
  if (servedAgain === undefined) {
    const next = await fetchPage(context, farPage + 1);
    if (next.ok && fingerprintOf(next.page.records) === fingerprint) {
      servedAgain = `the same records as ?page=${farPage + 1}`;
    }
  }
  if (servedAgain === undefined) {
    return check(
      'fail',
      `GET ${path}?page=${farPage} and ?page=${farPage + 1} returned ${records.length} ${entity} each, not the same: a crawl would not find the last page (unless the list truly has that many pages); the sync stops at its record ceiling and deletes nothing.`,
      emptyFix,
    );
  }
  const proof =
    meta?.total === undefined
      ? 'with no meta.total, an end on a repeated page is not proven, so that crawl computes no deletions'
      : 'that end counts as proven only when the records read add up to meta.total';
  return check(
    'warn',
    `GET ${path}?page=${farPage} returned ${servedAgain}: the store clamps out-of-range pages; the sync stops on a repeated page. ${stopRule}, and ${proof}.`,
    emptyFix,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Records: what the real normalizers make of the pages read.
// ---------------------------------------------------------------------------------------------------------------

interface PageRecords {
  page: number;
  records: unknown[];
}

function pagesRead(pagination: Pagination): PageRecords[] {
  const pages: PageRecords[] = [{ page: 1, records: pagination.first.records }];
  const second = pagination.second;
  if (second?.ok === true && (pagination.pageParam === 'continues' || pagination.pageParam === 'overlaps')) {
    pages.push({ page: 2, records: second.page.records });
  }
  return pages;
}

function recordChecks(context: EntityContext, pagination: Pagination): ConformanceCheck[] {
  const { entity } = context;
  const pages = pagesRead(pagination);
  const records = pages.flatMap((page) => page.records);
  const objects = records.filter(isRecord);
  const where = pages.length === 1 ? 'page 1' : 'pages 1-2';
  if (records.length === 0) {
    return [
      entityCheck(
        entity,
        'skipped_records',
        'not_observed',
        `Page 1 has no ${entity}: records could not be checked.`,
      ),
    ];
  }
  const mappings = context.settings.fieldMappings[entity];
  const checks = [skippedRecordsCheck(context, pages, where)];
  if (objects.length === 0) {
    return checks;
  }
  checks.push(aliasesCheck(entity, objects, mappings));
  if (entity === 'products') {
    checks.push(suggestionsCheck(objects, mappings, where), productUrlCheck(objects, mappings));
  }
  return checks;
}

function skipReasonOf(context: EntityContext, record: unknown): string | undefined {
  const mappings = context.settings.fieldMappings[context.entity];
  return context.entity === 'products'
    ? toNormalizedProduct(record, { baseUrl: context.settings.baseUrl, mappings }).skipReason
    : toNormalizedOrder(record, { mappings }).skipReason;
}

function skippedRecordsCheck(context: EntityContext, pages: PageRecords[], where: string): ConformanceCheck {
  const { entity } = context;
  const skipped: Array<{ page: number; index: number; reason: string }> = [];
  for (const { page, records } of pages) {
    records.forEach((record, index) => {
      const reason = skipReasonOf(context, record);
      if (reason !== undefined) {
        skipped.push({ page, index, reason });
      }
    });
  }
  const count = pages.reduce((sum, page) => sum + page.records.length, 0);
  if (skipped.length === 0) {
    const required = entity === 'products' ? 'an id and a name' : 'an id';
    return entityCheck(
      entity,
      'skipped_records',
      'pass',
      `All ${count} ${entity} of ${where} have ${required}.`,
    );
  }
  const reasons = new Map<string, number>();
  for (const { reason } of skipped) {
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const listed = skipped
    .slice(0, MAX_SKIPS_LISTED)
    .map(({ page, index, reason }) => `page ${page} index ${index} (${reason})`)
    .join(', ');
  const aliases = ALIAS_TABLES[entity];
  const required = entity === 'products' ? ['id', 'name'] : ['id'];
  return entityCheck(
    entity,
    'skipped_records',
    skipped.length === count ? 'fail' : 'warn',
    `${skipped.length} of ${count} ${entity} of ${where} would be skipped (${[...reasons].map(([reason, n]) => `${n} ${reason}`).join(', ')}): ${listed}${skipped.length > MAX_SKIPS_LISTED ? ', …' : ''}.`,
    `Give every record ${required.map((field) => `"${field}"`).join(' and ')} (or an accepted alias: ${required.flatMap((field) => aliases[field]).join(', ')}), or map them in the ${entity === 'products' ? 'product' : 'order'} field mappings.`,
  );
}

/** Canonical field → the store key it was read from, over the records (the first source seen). */
function resolvedSources(
  table: FieldAliasTable,
  records: ReadonlyArray<Record<string, unknown>>,
  mappings: FieldMapping,
): Map<string, string> {
  const sources = new Map<string, string>();
  for (const field of Object.keys(table)) {
    for (const record of records) {
      const resolved = resolveField(record, table, field, mappings);
      if (resolved !== undefined) {
        sources.set(field, resolved.source);
        break;
      }
    }
  }
  return sources;
}

function aliasesCheck(
  entity: StoreEntity,
  records: ReadonlyArray<Record<string, unknown>>,
  mappings: FieldMapping,
): ConformanceCheck {
  const sources = resolvedSources(ALIAS_TABLES[entity], records, mappings);
  const viaAlias = [...sources].filter(([field, source]) => field !== source);
  const canonical = [...sources].filter(([field, source]) => field === source).map(([field]) => field);
  const parts = [
    canonical.length > 0 ? `canonical: ${canonical.join(', ')}` : 'no canonical field names',
    viaAlias.length > 0
      ? `read through aliases or mappings: ${viaAlias.map(([field, source]) => `${field} ← ${source}`).join(', ')}`
      : 'no aliases used',
  ];
  return entityCheck(entity, 'aliases', 'pass', `Recognised ${sources.size} fields (${parts.join('; ')}).`);
}

const CANONICAL_PRODUCT_FIELDS = Object.keys(PRODUCT_FIELD_ALIASES) as ProductField[];

/** Keyword heuristics, tried in order, for a store key we do not recognise. */
const KEYWORD_HINTS: ReadonlyArray<[RegExp, ProductField]> = [
  [/sale|discount|promo/, 'sale_price'],
  [/regular|original|list|compare|msrp/, 'regular_price'],
  [/price|amount|cost/, 'price'],
  [/image|img|photo|picture|media|thumbnail/, 'images'],
  [/slug|handle/, 'slug'],
  [/url|link|href/, 'permalink'],
  [/qty|quantity|stock|inventory/, 'stock_quantity'],
  [/availab|instock/, 'stock_status'],
  [/categor|collection|department/, 'categories'],
  [/tag|label|keyword/, 'tags'],
  [/short|summary|excerpt|teaser/, 'short_description'],
  [/desc|body|content|details/, 'description'],
  [/sku|code|reference|ref/, 'sku'],
  [/name|title|label/, 'name'],
  [/^id$|identifier|uuid|guid|key$/, 'id'],
];

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Exact matches once case, `_`, `-` and spaces are ignored: `ProductName`, `product-name` → name. */
const NORMALIZED_NAMES: ReadonlyMap<string, ProductField> = new Map(
  CANONICAL_PRODUCT_FIELDS.flatMap((field) =>
    [field, ...PRODUCT_FIELD_ALIASES[field]].map((name): [string, ProductField] => [
      normalizeKey(name),
      field,
    ]),
  ),
);

export function suggestProductField(key: string): ProductField | undefined {
  const normalized = normalizeKey(key);
  const exact = NORMALIZED_NAMES.get(normalized);
  if (exact !== undefined) {
    return exact;
  }
  return KEYWORD_HINTS.find(([pattern]) => pattern.test(normalized))?.[1];
}

function suggestionsCheck(
  records: ReadonlyArray<Record<string, unknown>>,
  mappings: FieldMapping,
  where: string,
): ConformanceCheck {
  const check = (status: ConformanceStatus, detail: string, fix?: string): ConformanceCheck =>
    entityCheck('products', 'field_suggestions', status, detail, fix);
  const known = new Set<string>([
    ...CANONICAL_PRODUCT_FIELDS.flatMap((field) => [field, ...PRODUCT_FIELD_ALIASES[field]]),
    ...Object.values(mappings).map((path) => path.split('.')[0]),
  ]);
  const unknown = [...new Set(records.flatMap((record) => Object.keys(record)))].filter(
    (key) => !known.has(key),
  );
  if (unknown.length === 0) {
    return check('pass', `Every field of ${where} is a known field name or alias.`);
  }
  const resolved = resolvedSources(PRODUCT_FIELD_ALIASES, records, mappings);
  const suggestions = new Map<ProductField, string>();
  for (const key of unknown) {
    const field = suggestProductField(key);
    if (field !== undefined && !resolved.has(field) && !suggestions.has(field)) {
      suggestions.set(field, key);
    }
  }
  const ignored = unknown.filter((key) => ![...suggestions.values()].includes(key));
  const ignoredText =
    ignored.length === 0
      ? ''
      : ` Ignored: ${ignored.slice(0, MAX_LISTED).join(', ')}${ignored.length > MAX_LISTED ? ', …' : ''}.`;
  if (suggestions.size === 0) {
    return check('pass', `No likely mapping among the unrecognised fields.${ignoredText}`);
  }
  const missesRequired = suggestions.has('id') || suggestions.has('name');
  return check(
    missesRequired ? 'fail' : 'warn',
    `Unrecognised fields that look like known ones: ${[...suggestions].map(([field, key]) => `${key} → ${field}`).join(', ')}.${ignoredText}`,
    `Add to the product field mappings: ${JSON.stringify(Object.fromEntries(suggestions))} (or rename the fields in the store API).`,
  );
}

function productUrlCheck(
  records: ReadonlyArray<Record<string, unknown>>,
  mappings: FieldMapping,
): ConformanceCheck {
  const without = records.filter(
    (record) =>
      resolveField(record, PRODUCT_FIELD_ALIASES, 'permalink', mappings) === undefined &&
      resolveField(record, PRODUCT_FIELD_ALIASES, 'slug', mappings) === undefined,
  ).length;
  if (without === 0) {
    return entityCheck(
      'products',
      'product_url',
      'pass',
      `All ${records.length} products have a permalink or a slug.`,
    );
  }
  return entityCheck(
    'products',
    'product_url',
    'warn',
    `${without} of ${records.length} products have neither a permalink nor a slug: "View product" links would open the store home page.`,
    'Add "permalink" (absolute product URL) or "slug" to each product, or map the field that holds it.',
  );
}

function rateLimitCheck(observed: readonly ObservedResponse[]): ConformanceCheck {
  const limited = observed.filter((response) => response.status === 429);
  if (limited.length === 0) {
    return checkOf(
      'rate_limit',
      'not_observed',
      `Sent ${observed.length} requests; the store never rate limited them, so how it says when to retry was not observed.`,
    );
  }
  // Seconds or an HTTP date (RFC 9110 §10.2.3), read as the store client reads it.
  const usable = limited.filter(
    (response) => parseRetryAfterMs(response.retryAfter, response.at) !== undefined,
  );
  if (usable.length === limited.length) {
    return checkOf(
      'rate_limit',
      'pass',
      `${limited.length} of ${observed.length} requests answered 429, each with a usable Retry-After; the sync waits that long, holding every request to the store.`,
    );
  }
  const missing = limited.filter((response) => response.retryAfter === null).length;
  const unreadable = limited.length - usable.length - missing;
  const what = [
    missing > 0 ? `${missing} without Retry-After` : '',
    unreadable > 0 ? `${unreadable} with an unreadable Retry-After` : '',
  ].filter((part) => part !== '');
  return checkOf(
    'rate_limit',
    'warn',
    `${limited.length} of ${observed.length} requests answered 429, ${what.join(' and ')}; the sync falls back to exponential backoff.`,
    'Send "Retry-After: <seconds>" (or an HTTP date) with every 429 so clients wait exactly as long as needed.',
  );
}
