import { NormalizedProduct } from '@storebridge/contracts';
import { isRecord } from '@storebridge/untrusted-input';
import { FieldMapping } from './field-mapping';
import { PRODUCT_FIELD_ALIASES, ProductField } from './field-aliases';
import { ResolvedField, resolveField } from './field-resolver';
import { describeResolved, readDate, readPrice, readText, setIfDefined, toText } from './field-value';
import { absoluteHttpUrl, parseImageUrls, parseNameList } from './list.parser';
import { parseStockQuantity, parseStockStatus, stockStatusFromQuantity } from './stock-status.parser';
import {
  parsePriceCurrency,
  readStorePrices,
  StorePrice,
  StorePriceField,
  toCurrencyCode,
} from './price.parser';
import { parseVariations } from './variation.parser';

export interface ProductMappingContext {
  /** The store's base URL, for the slug and home-page URL rules of spec §4. */
  baseUrl: string;
  /** The connection's product field mappings (canonical field → store field or dotted path). */
  mappings: FieldMapping;
}

/** Spec §4: a product without `id` or `name` is skipped and counted; the caller adds page and index. */
export type ProductSkipReason = 'not_an_object' | 'missing_id' | 'missing_name';

export type ProductWarningCode =
  | 'unparseable_price'
  | 'unparseable_date'
  | 'invalid_value'
  | 'dropped_image'
  | 'missing_product_url'
  | 'sale_price_above_regular'
  | 'conflicting_currency'
  | 'dropped_variation';

/** A value that could not be used; the product is still synced without it. */
export interface ProductWarning {
  code: ProductWarningCode;
  field: ProductField;
  message: string;
}

export type ProductMappingResult =
  | { product: NormalizedProduct; skipReason?: undefined; warnings: ProductWarning[] }
  | { product?: undefined; skipReason: ProductSkipReason; warnings: ProductWarning[] };

type PriceField = 'price' | 'regular_price' | 'sale_price';
type DateField = 'created_at' | 'updated_at';

/**
 * One store product record → `NormalizedProduct` (spec §4, §6). Pure. The output is built field
 * by field, so store keys we do not know never reach ShopiMind.
 */
export function toNormalizedProduct(raw: unknown, context: ProductMappingContext): ProductMappingResult {
  if (!isRecord(raw)) {
    return { skipReason: 'not_an_object', warnings: [] };
  }
  const warnings: ProductWarning[] = [];
  const resolve = (field: ProductField): ResolvedField | undefined =>
    resolveField(raw, PRODUCT_FIELD_ALIASES, field, context.mappings);
  const warn = (code: ProductWarningCode, field: ProductField, message: string): void => {
    warnings.push({ code, field, message });
  };
  /** Numbers are accepted as text and stringified (ids and SKUs are often numeric). */
  const text = (field: ProductField): string | undefined => readText(resolve(field), field, warn);
  const price = (field: PriceField): number | undefined => readPrice(resolve(field), field, warn);
  const date = (field: DateField): string | undefined => readDate(resolve(field), field, warn);
  const names = (field: 'categories' | 'tags'): string[] => {
    const resolved = resolve(field);
    const value = resolved && parseNameList(resolved.value);
    if (resolved && value === undefined) {
      warn(
        'invalid_value',
        field,
        `${describeResolved(resolved)} is neither a list nor a comma-separated string`,
      );
    }
    return value ?? [];
  };

  const idField = resolve('id');
  const id = idField && toText(idField.value);
  if (id === undefined) {
    return { skipReason: 'missing_id', warnings };
  }
  const nameField = resolve('name');
  const name = nameField && toText(nameField.value);
  if (name === undefined) {
    return { skipReason: 'missing_name', warnings };
  }

  const product = new NormalizedProduct();
  product.id = id;
  product.name = name;
  setIfDefined(product, 'price', price('price'));
  setIfDefined(product, 'regularPrice', price('regular_price'));
  setIfDefined(product, 'salePrice', price('sale_price'));
  warnInvertedPrices(product, resolve, warn);
  setIfDefined(product, 'currency', currency(resolve, warn));
  setIfDefined(product, 'sku', text('sku'));
  setIfDefined(product, 'description', text('description'));
  setIfDefined(product, 'shortDescription', text('short_description'));

  const quantityField = resolve('stock_quantity');
  const quantity = quantityField && parseStockQuantity(quantityField.value);
  if (quantityField && quantity === undefined) {
    warn('invalid_value', 'stock_quantity', `${describeResolved(quantityField)} is not a whole number`);
  }
  setIfDefined(product, 'stockQuantity', quantity);
  const statusField = resolve('stock_status');
  const status = statusField && parseStockStatus(statusField.value);
  if (statusField && status === undefined) {
    warn('invalid_value', 'stock_status', `${describeResolved(statusField)} is not a stock status`);
  }
  setIfDefined(
    product,
    'stockStatus',
    status ?? (quantity === undefined ? undefined : stockStatusFromQuantity(quantity)),
  );

  product.categories = names('categories');
  product.tags = names('tags');
  product.images = images(resolve('images'), context.baseUrl, warn);
  const attributes = resolve('attributes');
  if (attributes) {
    const parsed = parseVariations(attributes.value, context.baseUrl);
    if (parsed.variations.length > 0) {
      product.variations = parsed.variations;
    }
    parsed.problems.forEach((problem) => warn('dropped_variation', 'attributes', problem));
  }
  product.url = productUrl(resolve('permalink'), resolve('slug'), context.baseUrl, warn);
  setIfDefined(product, 'createdAt', date('created_at'));
  setIfDefined(product, 'updatedAt', date('updated_at'));
  return { product, warnings };
}

type Warn = (code: ProductWarningCode, field: ProductField, message: string) => void;
type Resolve = (field: ProductField) => ResolvedField | undefined;

const PRICE_LABELS = {
  price: 'selling price',
  regular_price: 'regular price',
  sale_price: 'sale price',
} as const satisfies Record<StorePriceField, string>;

/** Issue #16: the customer still pays a selling price above the regular one, but the store is told. */
function warnInvertedPrices(product: NormalizedProduct, resolve: Resolve, warn: Warn): void {
  const { selling, regular, inverted } = readStorePrices(product);
  const named = (price: StorePrice): string =>
    `the ${PRICE_LABELS[price.field]} "${resolve(price.field)?.source ?? price.field}" (${price.amount})`;
  for (const { price, above } of inverted) {
    const shown = regular
      ? `below the struck-through ${regular.amount}`
      : 'shown without a struck-through price';
    warn(
      'sale_price_above_regular',
      price.field,
      `${named(price)} is above ${named(above)}: the customer pays ${selling?.amount}, ${shown}`,
    );
  }
}

/**
 * [ours] The product's own `currency` field (alias `currency_code`, as for orders), else the currency its price
 * marks name (`USD 1,299.00`, `€1,299.00`); absent when neither says, and the connection's currency applies.
 */
function currency(resolve: Resolve, warn: Warn): string | undefined {
  const field = resolve('currency');
  const declared = field && toCurrencyCode(field.value);
  if (field && declared === undefined) {
    warn(
      'invalid_value',
      'currency',
      `${describeResolved(field)} is not a three-letter ISO 4217 currency code`,
    );
  }
  const marked = [
    ...new Set(
      (['price', 'regular_price', 'sale_price'] as const).flatMap(
        (name) => parsePriceCurrency(resolve(name)?.value) ?? [],
      ),
    ),
  ];
  const others = marked.filter((code) => code !== declared);
  if (declared !== undefined) {
    if (others.length > 0) {
      warn(
        'conflicting_currency',
        'currency',
        `the prices are marked ${others.join(', ')} but "${field?.source}" says ${declared}: ${declared} is used`,
      );
    }
    return declared;
  }
  if (marked.length > 1) {
    warn(
      'conflicting_currency',
      'currency',
      `the prices name several currencies (${marked.join(', ')}): the connection's currency is used`,
    );
    return undefined;
  }
  return marked[0];
}

function images(resolved: ResolvedField | undefined, baseUrl: string, warn: Warn): string[] {
  if (resolved === undefined) {
    return [];
  }
  const list = parseImageUrls(resolved.value, baseUrl);
  if (list === undefined) {
    warn('invalid_value', 'images', `${describeResolved(resolved)} is not a list of image URLs`);
    return [];
  }
  if (list.dropped > 0) {
    warn(
      'dropped_image',
      'images',
      `${list.dropped} item(s) of "${resolved.source}" are not absolute image URLs`,
    );
  }
  return list.urls;
}

/**
 * Spec §4 "View product" URL: the permalink, else `{baseUrl}/product/{slug}`, else the store home page
 * with a warning. A permalink given as a site-absolute path (`/p/shirt`) is resolved against the store.
 */
function productUrl(
  permalink: ResolvedField | undefined,
  slug: ResolvedField | undefined,
  baseUrl: string,
  warn: Warn,
): string {
  const base = baseUrl.replace(/\/+$/, '');
  if (permalink !== undefined) {
    const url = typeof permalink.value === 'string' ? toStoreUrl(permalink.value, base) : undefined;
    if (url !== undefined) {
      return url;
    }
    warn('invalid_value', 'permalink', `${describeResolved(permalink)} is not a URL`);
  }
  const slugText = slug && toText(slug.value);
  const slugPath = slugText === undefined ? '' : encodeSlug(slugText);
  if (slugPath !== '') {
    return `${base}/product/${slugPath}`;
  }
  warn(
    'missing_product_url',
    'permalink',
    'no permalink or slug: "View product" links to the store home page',
  );
  return `${base}/`;
}

function toStoreUrl(value: string, base: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed.startsWith('/') && !trimmed.startsWith('//')) {
    return absoluteHttpUrl(`${base}${trimmed}`, base);
  }
  return absoluteHttpUrl(trimmed, base);
}

/** Each path segment percent-encoded once, even when the store already encoded it. */
function encodeSlug(slug: string): string {
  return slug
    .split('/')
    .filter((segment) => segment.trim() !== '')
    .map((segment) => encodeURIComponent(safeDecode(segment.trim())))
    .join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
