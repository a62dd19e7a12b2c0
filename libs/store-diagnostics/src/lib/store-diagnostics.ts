import {
  checkStoreUrl,
  HostnameLookup,
  StoreClient,
  StoreConnectionSettings,
  StorePage,
  StorePageShape,
  StoreRequestError,
  StoreSettingsError,
  StoreUrlPolicyOptions,
} from '@storebridge/store-client';
import {
  FieldMapping,
  PRODUCT_FIELD_ALIASES,
  resolveField,
  toNormalizedProduct,
} from '@storebridge/store-normalization';
import { isRecord } from '@storebridge/untrusted-input';
import { addressFailure, describeStoreRequestFailure, StoreFailure } from './store-failure';

/** A connection test must answer while ShopiMind's form is waiting: short timeouts, no retries. */
export const DEFAULT_DIAGNOSIS_TIMEOUT_MS = 10_000;
export const DEFAULT_DIAGNOSIS_SAMPLE_SIZE = 5;

export interface StoreRequestDefaults {
  /** `ALLOW_PRIVATE_STORE_URLS`: development and tests only. */
  allowPrivate: boolean;
  /** Injected in tests; defaults to the system resolver. */
  lookup?: HostnameLookup;
  /** Per request. */
  timeoutMs?: number;
  userAgent?: string;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
}

export interface StoreDiagnosisOptions extends StoreRequestDefaults {
  /** `per_page` of the products sample (1..100). */
  sampleSize?: number;
}

export interface StoreDiagnosisSuccess {
  ok: true;
  healthMs: number;
  products: {
    shape: StorePageShape;
    /** Records on the sampled page; 0 for a store without products, which is still healthy. */
    sampled: number;
    total?: number;
    /** The first product as we read it, so a merchant can recognise their catalogue. */
    first?: { id: string; name: string };
    /**
     * The currencies the sampled products name (their own field or their prices' marks, as the sync reads
     * them), the most named first; empty when none names one.
     */
    currencies: string[];
  };
}

export type StoreDiagnosis = StoreDiagnosisSuccess | ({ ok: false } & StoreFailure);

/**
 * The connection test of spec §1 and ShopiMind §6: proves, with the settings as given, that
 * (a) the address passes our SSRF policy, (b) the health endpoint answers 200 with the credential,
 * and (c) page 1 of products parses (envelope or array) and its first record has an `id` and a `name`
 * through the aliases and the given mappings, the same way the sync will read it.
 * Every failure carries a precise, credential-free reason.
 */
export async function diagnoseStore(
  settings: StoreConnectionSettings,
  options: StoreDiagnosisOptions,
): Promise<StoreDiagnosis> {
  const client = await openDiagnosisClient(settings, options);
  if ('problem' in client) {
    return { ok: false, ...client };
  }
  const signal = options.signal;

  const health = await client.checkHealth(signal ? { signal } : {});
  if (!health.ok) {
    return { ok: false, ...describeStoreRequestFailure(health.error, 'health', settings.baseUrl) };
  }

  let page: StorePage;
  try {
    page = await client.getPage(
      'products',
      1,
      options.sampleSize ?? DEFAULT_DIAGNOSIS_SAMPLE_SIZE,
      signal ? { signal } : {},
    );
  } catch (error) {
    if (error instanceof StoreRequestError) {
      return { ok: false, ...describeStoreRequestFailure(error, 'products', settings.baseUrl) };
    }
    throw error;
  }
  const mappings = settings.fieldMappings.products;
  const normalized = page.records.map((record) =>
    toNormalizedProduct(record, { baseUrl: settings.baseUrl, mappings }),
  );
  const products: StoreDiagnosisSuccess['products'] = {
    shape: page.shape,
    sampled: page.records.length,
    ...(page.meta?.total === undefined ? {} : { total: page.meta.total }),
    currencies: mostNamedFirst(normalized.flatMap((result) => result.product?.currency ?? [])),
  };
  if (page.records.length === 0) {
    return { ok: true, healthMs: health.durationMs, products };
  }
  const first = page.records[0];
  const mapped = normalized[0];
  if (mapped.product === undefined) {
    return {
      ok: false,
      step: 'products',
      problem: 'unmappable_product',
      message: unmappableMessage(first, mappings, client.paths.products),
    };
  }
  return {
    ok: true,
    healthMs: health.durationMs,
    products: { ...products, first: { id: mapped.product.id, name: mapped.product.name } },
  };
}

/**
 * A client for a merchant-facing check, once the address passes the SSRF policy. No retries: the merchant is
 * waiting, and ShopiMind retries a failed test itself.
 */
export async function openDiagnosisClient(
  settings: StoreConnectionSettings,
  options: StoreRequestDefaults & Pick<StoreUrlPolicyOptions, 'allowPrivate' | 'lookup'>,
): Promise<StoreClient | StoreFailure> {
  const verdict = await checkStoreUrl(settings.baseUrl, {
    allowPrivate: options.allowPrivate,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  if (!verdict.ok) {
    return addressFailure(verdict.reason, verdict.message);
  }
  try {
    return new StoreClient(settings, {
      timeoutMs: options.timeoutMs ?? DEFAULT_DIAGNOSIS_TIMEOUT_MS,
      retries: 0,
      allowPrivateAddresses: options.allowPrivate,
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
    });
  } catch (error) {
    // The settings error names the field, never its value.
    if (error instanceof StoreSettingsError) {
      return { step: 'health', problem: 'invalid_credential', message: error.message };
    }
    throw error;
  }
}

/** Distinct values, the most frequent first (ties in order of appearance). */
function mostNamedFirst(values: string[]): string[] {
  const counts = new Map<string, number>();
  values.forEach((value) => counts.set(value, (counts.get(value) ?? 0) + 1));
  return [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0));
}

const REQUIRED_PRODUCT_FIELDS = ['id', 'name'] as const;
const MAX_LISTED_KEYS = 20;

/** Says which of id/name is missing, where we looked, and which fields the record has instead. */
function unmappableMessage(record: unknown, mappings: FieldMapping, productsPath: string): string {
  const path = productsPath.split('?')[0];
  if (!isRecord(record)) {
    return `The first product of GET ${path} is not a JSON object but ${kindOf(record)}: check the products endpoint path.`;
  }
  const problems = REQUIRED_PRODUCT_FIELDS.flatMap((field) => {
    const resolved = resolveField(record, PRODUCT_FIELD_ALIASES, field, mappings);
    if (resolved === undefined) {
      const looked = lookedFor(field, mappings)
        .map((name) => JSON.stringify(name))
        .join(', ');
      return [`no ${field} (looked for ${looked})`];
    }
    if (typeof resolved.value !== 'string' && typeof resolved.value !== 'number') {
      const article = field === 'id' ? 'an' : 'a';
      return [`${article} ${field} ("${resolved.source}") that is ${kindOf(resolved.value)}, not text`];
    }
    return [];
  });
  const keys = Object.keys(record);
  const listed = keys
    .slice(0, MAX_LISTED_KEYS)
    .map((key) => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key))
    .join(', ');
  const more = keys.length > MAX_LISTED_KEYS ? `, and ${keys.length - MAX_LISTED_KEYS} more` : '';
  const fields = keys.length === 0 ? 'it has no fields' : `its fields are ${listed}${more}`;
  return (
    `The first product of GET ${path} has ${problems.join(' and ') || 'no usable id or name'}; ${fields}. ` +
    'Map your field names in the product field mappings, e.g. {"id": "your_id_field", "name": "your_name_field"}.'
  );
}

/** Spec §6 resolution order: a mapping replaces the aliases. */
function lookedFor(field: (typeof REQUIRED_PRODUCT_FIELDS)[number], mappings: FieldMapping): string[] {
  const mapped = Object.hasOwn(mappings, field) ? mappings[field] : undefined;
  return mapped === undefined ? [field, ...PRODUCT_FIELD_ALIASES[field]] : [mapped, field];
}

function kindOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
