import { StoreEntity } from '@storebridge/store-client';
import {
  FieldAliasTable,
  FieldMapping,
  PRODUCT_FIELD_ALIASES,
  ProductField,
  resolveField,
} from '@storebridge/store-normalization';
import { entityCheck } from './check-builders';
import { ConformanceCheck, ConformanceStatus } from './conformance-report';
import { ALIAS_TABLES } from './store-probing';

// Field names: which store keys the normalizers recognise, and likely mappings for the ones they do not.

const MAX_LISTED = 10;

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

export function aliasesCheck(
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

export function suggestionsCheck(
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
