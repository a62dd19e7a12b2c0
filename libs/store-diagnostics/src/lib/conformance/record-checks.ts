import {
  FieldMapping,
  PRODUCT_FIELD_ALIASES,
  resolveField,
  toNormalizedOrder,
  toNormalizedProduct,
} from '@storebridge/store-normalization';
import { isRecord } from '@storebridge/untrusted-input';
import { entityCheck } from './check-builders';
import { ConformanceCheck } from './conformance-report';
import { aliasesCheck, suggestionsCheck } from './field-name-checks';
import { Pagination } from './pagination-checks';
import { ALIAS_TABLES, EntityContext } from './store-probing';

// Records: what the real normalizers make of the pages read (spec §4-§6).

/** Skipped records named with their page and index. */
const MAX_SKIPS_LISTED = 5;

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

export function recordChecks(context: EntityContext, pagination: Pagination): ConformanceCheck[] {
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
