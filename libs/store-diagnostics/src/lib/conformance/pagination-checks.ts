import { StoreEntity, StorePage, StoreRequestErrorKind } from '@storebridge/store-client';
import { resolveRecordId } from '@storebridge/store-normalization';
import { isRecord } from '@storebridge/untrusted-input';
import { entityCheck } from './check-builders';
import { ConformanceCheck, ConformanceStatus } from './conformance-report';
import { ALIAS_TABLES, EntityContext, Fetched, failureMessage, fetchPage } from './store-probing';

// Pagination as the sync's stop rules see it (spec §3).

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

export interface Pagination {
  first: StorePage;
  /** Page 2, when it was asked. */
  second?: Fetched;
  pageParam: PageParam;
  /** Page 1 alone is the catalogue by its meta (`last_page` 1, `total` absent or equal): page 2 not asked. */
  metaSaysOnePage: boolean;
  /** The last page by meta, asked when it is beyond page 2 (to count the records against `total`). */
  last?: { number: number; fetched: Fetched };
}

export function shapeCheck(entity: StoreEntity, first: StorePage): ConformanceCheck {
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

export async function readPagination(context: EntityContext, first: StorePage): Promise<Pagination> {
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

export function pageCapCheck(context: EntityContext, pagination: Pagination): ConformanceCheck {
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

export function pageTwoCheck(context: EntityContext, pagination: Pagination): ConformanceCheck {
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

export function metaCheck(context: EntityContext, pagination: Pagination): ConformanceCheck {
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

export async function farPageCheck(
  context: EntityContext,
  pagination: Pagination,
): Promise<ConformanceCheck> {
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
