/** Pagination of the generic store API (spec generic-api.md §3). */

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;

export interface PageRequest {
  page: number;
  perPage: number;
}

export type PageRequestResult = { ok: true; request: PageRequest } | { ok: false; message: string };

export interface PageMeta {
  current_page: number;
  per_page: number;
  total: number;
  last_page: number;
}

export interface PageEnvelope<T> {
  data: T[];
  meta: PageMeta;
}

/** A collection generated on demand: only the requested page is ever materialised. */
export interface DemoCollection<T> {
  readonly total: number;
  item(index: number): T;
}

function positiveInteger(raw: string | null, name: string, fallback: number): number | string {
  if (raw === null) {
    return fallback;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    return `${name} must be a positive integer, got "${raw}"`;
  }
  return Number(raw);
}

export function parsePageRequest(query: URLSearchParams): PageRequestResult {
  const page = positiveInteger(query.get('page'), 'page', 1);
  if (typeof page === 'string') {
    return { ok: false, message: page };
  }
  const perPage = positiveInteger(query.get('per_page'), 'per_page', DEFAULT_PER_PAGE);
  if (typeof perPage === 'string') {
    return { ok: false, message: perPage };
  }
  return { ok: true, request: { page, perPage: Math.min(perPage, MAX_PER_PAGE) } };
}

export function paginate<T>(collection: DemoCollection<T>, { page, perPage }: PageRequest): PageEnvelope<T> {
  const first = (page - 1) * perPage + 1;
  const last = Math.min(collection.total, page * perPage);
  const data: T[] = [];
  for (let index = first; index <= last; index += 1) {
    data.push(collection.item(index));
  }
  return {
    data,
    meta: {
      current_page: page,
      per_page: perPage,
      total: collection.total,
      // An empty collection still has one (empty) page, as Laravel-style APIs report.
      last_page: Math.max(1, Math.ceil(collection.total / perPage)),
    },
  };
}
