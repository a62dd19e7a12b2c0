import { setTimeout as delay } from 'node:timers/promises';
import { StorePage } from '../client/store-page';
import { StoreRequestError } from '../client/store-request.error';
import { sharedPinnedFetch } from '../client/pinned-address.agent';
import { StoreClient } from '../client/store.client';
import { isRecord } from '../is-record';
import { PRODUCT_FIELD_ALIASES, ProductField } from '../normalization/field-aliases';
import { resolveField } from '../normalization/field-resolver';
import { toNormalizedProduct } from '../normalization/product.mapper';
import { FieldMapping, StoreConnectionSettings, StoreSettingsError } from '../store-settings';
import { checkStoreUrl } from '../store-url-policy';
import { DEFAULT_USER_AGENT } from '../version';
import { DEFAULT_DIAGNOSIS_TIMEOUT_MS, StoreRequestDefaults } from './store-diagnostics';
import { describeStoreRequestFailure } from './store-failure';

export type ConformanceStatus = 'pass' | 'warn' | 'fail';

export type ConformanceCheckId =
  | 'address'
  | 'health'
  | 'auth_required'
  | 'products_page_1'
  | 'products_page_2'
  | 'far_page'
  | 'required_fields'
  | 'aliases'
  | 'field_suggestions'
  | 'product_url'
  | 'rate_limit';

export interface ConformanceCheck {
  id: ConformanceCheckId;
  title: string;
  status: ConformanceStatus;
  /** What we saw; names paths, statuses and field names, never a credential. */
  detail: string;
  /** What the store owner (or the connection's field mappings) should change. */
  fix?: string;
}

export interface ConformanceReport {
  /** In the order they ran; a failed address, health or page-1 check ends the run. */
  checks: ConformanceCheck[];
  /** No check failed (warnings allowed). */
  ok: boolean;
}

export interface ConformanceOptions extends StoreRequestDefaults {
  /** A page far past any real catalogue, which must come back empty. Default 10000. */
  farPage?: number;
  /** Longest wait honoured for a `Retry-After` or backoff, so a check never hangs. Default 2 s. */
  maxRetryWaitMs?: number;
}

export const DEFAULT_CONFORMANCE_FAR_PAGE = 10_000;
const DEFAULT_MAX_RETRY_WAIT_MS = 2_000;
/** A few retries so a store that rate limits or fails now and then is judged on its answers, not its luck. */
const CONFORMANCE_RETRIES = 3;

const TITLES: Record<ConformanceCheckId, string> = {
  address: 'Store address is allowed',
  health: 'Health endpoint answers 200',
  auth_required: 'Requests without the credential are refused',
  products_page_1: 'Products page 1 parses',
  products_page_2: 'Page 2 continues the catalogue',
  far_page: 'A page past the end is empty',
  required_fields: 'Products have an id and a name',
  aliases: 'Field names recognised',
  field_suggestions: 'Unrecognised fields',
  product_url: 'Products have a permalink or slug',
  rate_limit: 'Rate limiting (429) says when to retry',
};

interface ObservedResponse {
  status: number;
  retryAfter: boolean;
}

/**
 * Checks a store against the generic API contract (spec §1-§4, §6) the way the sync will read it,
 * and says for each rule whether it holds, with a fix when it does not. Unlike the connection test
 * (`diagnoseStore`), it goes on past the first problem and also probes pagination, auth and field names.
 */
export async function checkStoreConformance(
  settings: StoreConnectionSettings,
  options: ConformanceOptions,
): Promise<ConformanceReport> {
  const checks: ConformanceCheck[] = [];
  const add = (id: ConformanceCheckId, status: ConformanceStatus, detail: string, fix?: string): void => {
    checks.push({ id, title: TITLES[id], status, detail, ...(fix === undefined ? {} : { fix }) });
  };
  const report = (): ConformanceReport => ({ checks, ok: checks.every((check) => check.status !== 'fail') });

  const verdict = await checkStoreUrl(settings.baseUrl, {
    allowPrivate: options.allowPrivate,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  if (!verdict.ok) {
    add('address', 'fail', verdict.message, 'Use the public https:// address of the store.');
    return report();
  }
  add('address', 'pass', `${settings.baseUrl} passes the address policy.`);

  const observed: ObservedResponse[] = [];
  const baseFetch = options.fetchImpl ?? sharedPinnedFetch({ allowPrivateAddresses: options.allowPrivate });
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    observed.push({ status: response.status, retryAfter: response.headers.has('retry-after') });
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
      add('health', 'fail', error.message, 'Fix the connection settings.');
      return report();
    }
    throw error;
  }
  const signal = options.signal;
  const requestOptions = signal ? { signal } : {};

  const health = await client.checkHealth(requestOptions);
  if (!health.ok) {
    add('health', 'fail', describeStoreRequestFailure(health.error, 'health', settings.baseUrl).message);
    return report();
  }
  add('health', 'pass', `GET ${pathOf(settings.paths.health)} answered 200 in ${health.durationMs} ms.`);

  checks.push(await checkAuthRequired(settings, options, recordingFetch, maxWaitMs));

  const perPage = settings.perPage;
  let first: StorePage;
  try {
    first = await client.getPage('products', 1, perPage, requestOptions);
  } catch (error) {
    if (error instanceof StoreRequestError) {
      add(
        'products_page_1',
        'fail',
        describeStoreRequestFailure(error, 'products', settings.baseUrl).message,
      );
      checks.push(rateLimitCheck(observed));
      return report();
    }
    throw error;
  }
  const productsPath = pathOf(settings.paths.products);
  const total = first.meta?.total === undefined ? '' : ` of ${first.meta.total}`;
  add(
    'products_page_1',
    'pass',
    `GET ${productsPath}?page=1&per_page=${perPage} returned ${first.shape === 'envelope' ? 'an envelope {data, meta}' : 'a bare JSON array'} with ${first.records.length}${total} products.`,
  );

  const mappings = settings.fieldMappings.products;
  checks.push(await checkNextPage(client, first, perPage, mappings, productsPath, requestOptions));
  checks.push(
    await checkFarPage(
      client,
      options.farPage ?? DEFAULT_CONFORMANCE_FAR_PAGE,
      perPage,
      productsPath,
      requestOptions,
    ),
  );
  checks.push(...checkFields(first.records, settings));
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
  const id = 'auth_required';
  const title = TITLES[id];
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
  const refused = (outcome: number | string): boolean => outcome === 401 || outcome === 403;
  if (refused(products)) {
    return { id, title, status: 'pass', detail: seen };
  }
  if (typeof products === 'number' && products >= 200 && products < 300) {
    return {
      id,
      title,
      status: 'warn',
      detail: `${seen} Anyone can read the catalogue.`,
      fix: 'Require the API key, token or Basic credential on every API endpoint and answer 401 without it.',
    };
  }
  return {
    id,
    title,
    status: 'warn',
    detail: `${seen} Expected 401 or 403.`,
    fix: 'Answer 401 (or 403) to a request without a valid credential.',
  };
}

function recordIds(records: unknown[], mappings: FieldMapping): string[] {
  return records.map((record) => {
    if (!isRecord(record)) {
      return JSON.stringify(record);
    }
    const id = resolveField(record, PRODUCT_FIELD_ALIASES, 'id', mappings);
    return id === undefined ? JSON.stringify(record) : String(id.value);
  });
}

async function checkNextPage(
  client: StoreClient,
  first: StorePage,
  perPage: number,
  mappings: FieldMapping,
  productsPath: string,
  requestOptions: { signal?: AbortSignal },
): Promise<ConformanceCheck> {
  const id = 'products_page_2';
  const title = TITLES[id];
  const onePage =
    first.records.length < perPage ||
    (first.meta !== undefined && first.meta.currentPage >= first.meta.lastPage);
  if (onePage) {
    return {
      id,
      title,
      status: 'pass',
      detail: `The catalogue fits on one page of ${perPage} (${first.records.length} products); page 2 not needed.`,
    };
  }
  let second: StorePage;
  try {
    second = await client.getPage('products', 2, perPage, requestOptions);
  } catch (error) {
    if (error instanceof StoreRequestError) {
      return {
        id,
        title,
        status: 'fail',
        detail: describeStoreRequestFailure(error, 'products', client.baseUrl).message,
        fix: 'Serve every page up to the last one with the same status and shape as page 1.',
      };
    }
    throw error;
  }
  const firstIds = new Set(recordIds(first.records, mappings));
  const secondIds = recordIds(second.records, mappings);
  const repeated = secondIds.filter((value) => firstIds.has(value)).length;
  if (second.records.length > 0 && repeated === secondIds.length) {
    return {
      id,
      title,
      status: 'fail',
      detail: `GET ${productsPath}?page=2 returned the same ${repeated} products as page 1: the store ignores the "page" parameter, so a sync would only ever see page 1.`,
      fix: 'Read the "page" (from 1) and "per_page" query parameters and return that slice of the catalogue.',
    };
  }
  if (repeated > 0) {
    return {
      id,
      title,
      status: 'warn',
      detail: `${repeated} of the ${secondIds.length} products of page 2 also appear on page 1.`,
      fix: 'Sort pages by a stable key (e.g. id) so a product appears on exactly one page.',
    };
  }
  return {
    id,
    title,
    status: 'pass',
    detail: `Page 2 returned ${second.records.length} products, none of them on page 1.`,
  };
}

async function checkFarPage(
  client: StoreClient,
  farPage: number,
  perPage: number,
  productsPath: string,
  requestOptions: { signal?: AbortSignal },
): Promise<ConformanceCheck> {
  const id = 'far_page';
  const title = TITLES[id];
  try {
    const far = await client.getPage('products', farPage, perPage, requestOptions);
    if (far.records.length === 0) {
      return {
        id,
        title,
        status: 'pass',
        detail: `GET ${productsPath}?page=${farPage} returned no products.`,
      };
    }
    return {
      id,
      title,
      status: 'fail',
      detail: `GET ${productsPath}?page=${farPage} returned ${far.records.length} products: a crawl would never find the last page.`,
      fix: 'Return an empty list (HTTP 200) for any page after the last one.',
    };
  } catch (error) {
    if (error instanceof StoreRequestError) {
      return {
        id,
        title,
        status: 'warn',
        detail: describeStoreRequestFailure(error, 'products', client.baseUrl).message,
        fix: 'Return an empty list with HTTP 200 for a page after the last one, not an error.',
      };
    }
    throw error;
  }
}

const CANONICAL_FIELDS = Object.keys(PRODUCT_FIELD_ALIASES) as ProductField[];
const MAX_LISTED = 10;

function checkFields(records: unknown[], settings: StoreConnectionSettings): ConformanceCheck[] {
  const mappings = settings.fieldMappings.products;
  const objects = records.filter(isRecord);
  if (objects.length === 0) {
    const detail =
      records.length === 0
        ? 'Page 1 has no products: field names could not be checked.'
        : 'Page 1 holds no JSON objects.';
    const status: ConformanceStatus = records.length === 0 ? 'warn' : 'fail';
    return [{ id: 'required_fields', title: TITLES.required_fields, status, detail }];
  }
  return [
    requiredFieldsCheck(records, settings),
    aliasesCheck(objects, mappings),
    suggestionsCheck(objects, mappings),
    productUrlCheck(objects, mappings),
  ];
}

function requiredFieldsCheck(records: unknown[], settings: StoreConnectionSettings): ConformanceCheck {
  const id = 'required_fields';
  const failures: string[] = [];
  records.forEach((record, index) => {
    const mapped = toNormalizedProduct(record, {
      baseUrl: settings.baseUrl,
      mappings: settings.fieldMappings.products,
    });
    if (mapped.product === undefined) {
      failures.push(`#${index + 1} (${mapped.skipReason})`);
    }
  });
  if (failures.length === 0) {
    return {
      id,
      title: TITLES[id],
      status: 'pass',
      detail: `All ${records.length} products of page 1 have an id and a name.`,
    };
  }
  const listed = failures.slice(0, MAX_LISTED).join(', ');
  return {
    id,
    title: TITLES[id],
    status: 'fail',
    detail: `${failures.length} of ${records.length} products of page 1 would be skipped: ${listed}${failures.length > MAX_LISTED ? ', …' : ''}.`,
    fix: `Name the fields "id" and "name" (or an accepted alias: ${[...PRODUCT_FIELD_ALIASES.id, ...PRODUCT_FIELD_ALIASES.name].join(', ')}), or map them in the product field mappings.`,
  };
}

/** Canonical field → the store key it was read from, over the page's records (the first source seen). */
function resolvedSources(
  records: ReadonlyArray<Record<string, unknown>>,
  mappings: FieldMapping,
): Map<ProductField, string> {
  const sources = new Map<ProductField, string>();
  for (const field of CANONICAL_FIELDS) {
    for (const record of records) {
      const resolved = resolveField(record, PRODUCT_FIELD_ALIASES, field, mappings);
      if (resolved !== undefined) {
        sources.set(field, resolved.source);
        break;
      }
    }
  }
  return sources;
}

function aliasesCheck(
  records: ReadonlyArray<Record<string, unknown>>,
  mappings: FieldMapping,
): ConformanceCheck {
  const id = 'aliases';
  const sources = resolvedSources(records, mappings);
  const viaAlias = [...sources].filter(([field, source]) => field !== source);
  const canonical = [...sources].filter(([field, source]) => field === source).map(([field]) => field);
  const parts = [
    canonical.length > 0 ? `canonical: ${canonical.join(', ')}` : 'no canonical field names',
    viaAlias.length > 0
      ? `read through aliases or mappings: ${viaAlias.map(([field, source]) => `${field} ← ${source}`).join(', ')}`
      : 'no aliases used',
  ];
  return {
    id,
    title: TITLES[id],
    status: 'pass',
    detail: `Recognised ${sources.size} fields (${parts.join('; ')}).`,
  };
}

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
  CANONICAL_FIELDS.flatMap((field) =>
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
): ConformanceCheck {
  const id = 'field_suggestions';
  const known = new Set<string>([
    ...CANONICAL_FIELDS.flatMap((field) => [field, ...PRODUCT_FIELD_ALIASES[field]]),
    ...Object.values(mappings).map((path) => path.split('.')[0]),
  ]);
  const unknown = [...new Set(records.flatMap((record) => Object.keys(record)))].filter(
    (key) => !known.has(key),
  );
  if (unknown.length === 0) {
    return {
      id,
      title: TITLES[id],
      status: 'pass',
      detail: 'Every field of page 1 is a known field name or alias.',
    };
  }
  const resolved = resolvedSources(records, mappings);
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
    return {
      id,
      title: TITLES[id],
      status: 'pass',
      detail: `No likely mapping among the unrecognised fields.${ignoredText}`,
    };
  }
  const mapping = Object.fromEntries(suggestions);
  const missesRequired = suggestions.has('id') || suggestions.has('name');
  return {
    id,
    title: TITLES[id],
    status: missesRequired ? 'fail' : 'warn',
    detail: `Unrecognised fields that look like known ones: ${[...suggestions].map(([field, key]) => `${key} → ${field}`).join(', ')}.${ignoredText}`,
    fix: `Add to the product field mappings: ${JSON.stringify(mapping)} (or rename the fields in the store API).`,
  };
}

function productUrlCheck(
  records: ReadonlyArray<Record<string, unknown>>,
  mappings: FieldMapping,
): ConformanceCheck {
  const id = 'product_url';
  const without = records.filter(
    (record) =>
      resolveField(record, PRODUCT_FIELD_ALIASES, 'permalink', mappings) === undefined &&
      resolveField(record, PRODUCT_FIELD_ALIASES, 'slug', mappings) === undefined,
  ).length;
  if (without === 0) {
    return {
      id,
      title: TITLES[id],
      status: 'pass',
      detail: `All ${records.length} products have a permalink or a slug.`,
    };
  }
  return {
    id,
    title: TITLES[id],
    status: 'warn',
    detail: `${without} of ${records.length} products have neither a permalink nor a slug: "View product" links would open the store home page.`,
    fix: 'Add "permalink" (absolute product URL) or "slug" to each product, or map the field that holds it.',
  };
}

function rateLimitCheck(observed: readonly ObservedResponse[]): ConformanceCheck {
  const id = 'rate_limit';
  const limited = observed.filter((response) => response.status === 429);
  if (limited.length === 0) {
    return { id, title: TITLES[id], status: 'pass', detail: `No 429 seen in ${observed.length} requests.` };
  }
  const withHeader = limited.filter((response) => response.retryAfter).length;
  if (withHeader === limited.length) {
    return {
      id,
      title: TITLES[id],
      status: 'pass',
      detail: `${limited.length} of ${observed.length} requests answered 429, each with Retry-After; we waited and retried.`,
    };
  }
  return {
    id,
    title: TITLES[id],
    status: 'warn',
    detail: `${limited.length - withHeader} of ${limited.length} answers 429 had no Retry-After header; we fall back to exponential backoff.`,
    fix: 'Send "Retry-After: <seconds>" with every 429 so clients wait exactly as long as needed.',
  };
}
