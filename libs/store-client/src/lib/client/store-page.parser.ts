import { isRecord } from '@storebridge/untrusted-input';
import { StorePage, StorePageMeta } from './store-page';

export type StorePageParseResult = { page: StorePage } | { problem: string };

/**
 * Reads the two page shapes of spec §3: a bare array, or `{ data: [...], meta: {...} }`.
 * Laravel's plain paginator puts the meta keys beside `data` instead of under `meta`; both are read.
 */
export function parseStorePage(body: unknown): StorePageParseResult {
  if (Array.isArray(body)) {
    return { page: { records: body, shape: 'array' } };
  }
  if (!isRecord(body)) {
    return { problem: `expected a JSON array or an object with a "data" array, got ${describe(body)}` };
  }
  if (!Array.isArray(body['data'])) {
    return { problem: `expected a "data" array in the response object, got ${describe(body['data'])}` };
  }
  const meta = parseMeta(isRecord(body['meta']) ? body['meta'] : body);
  return { page: { records: body['data'], shape: 'envelope', ...(meta ? { meta } : {}) } };
}

function parseMeta(source: Record<string, unknown>): StorePageMeta | undefined {
  const currentPage = toCount(source['current_page']);
  const lastPage = toCount(source['last_page']);
  if (currentPage === undefined || lastPage === undefined) {
    return undefined;
  }
  const perPage = toCount(source['per_page']);
  const total = toCount(source['total']);
  return {
    currentPage,
    lastPage,
    ...(perPage === undefined ? {} : { perPage }),
    ...(total === undefined ? {} : { total }),
  };
}

/** A non-negative integer, as a number or a numeric string (PHP stores often send strings). */
function toCount(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : undefined;
}

function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (value === undefined) {
    return 'nothing';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
