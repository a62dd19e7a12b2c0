import { NormalizedVariation } from '@storebridge/contracts';
import { isRecord } from '@storebridge/untrusted-input';
import { FieldAliasTable } from './field-aliases';
import { ResolvedField, resolveField } from './field-resolver';
import { describeResolved, FieldWarn, readPrice, readText, setIfDefined, toText } from './field-value';
import { absoluteHttpUrl, parseImageUrls } from './list.parser';
import { parseStockQuantity, parseStockStatus, stockStatusFromQuantity } from './stock-status.parser';

/**
 * [ours] Fields of one variant, under the product's own spellings (spec §4) plus the usual variant ones
 * (`variation_id`, `variant_id`, `barcode`, a single `image`). Field mappings are the product's: they do not
 * reach inside `attributes`.
 */
export const VARIATION_FIELD_ALIASES = {
  id: ['variation_id', 'variant_id'],
  name: ['title'],
  price: ['selling_price', 'current_price'],
  regular_price: ['original_price', 'list_price'],
  sale_price: ['discount_price'],
  sku: ['product_sku', 'code'],
  ean13: ['ean', 'barcode', 'gtin'],
  stock_status: ['availability'],
  stock_quantity: ['stock', 'inventory', 'quantity'],
  image: ['image_url', 'image_link', 'images', 'photos'],
  options: ['attributes', 'values'],
} as const satisfies FieldAliasTable;

export type VariationField = keyof typeof VARIATION_FIELD_ALIASES;

/**
 * What only a sellable unit carries. An item with an id but none of them is an attribute (`{"id": 1, "name":
 * "Color", "options": [...]}`, as some platforms list them); one with some of them but no id or SKU is a variant
 * we cannot identify.
 */
const SELLABLE_FIELDS: readonly VariationField[] = [
  'price',
  'regular_price',
  'sale_price',
  'stock_quantity',
  'stock_status',
];

/** Variants the store gave, and what could not be used of them (each message names the variant). */
export interface ParsedVariations {
  variations: NormalizedVariation[];
  problems: string[];
}

/**
 * Spec §4 `attributes` ("object or array", "key-value pairs for size/colour"):
 * - an array whose items name their own id (`id`, `variation_id`, `variant_id`) or SKU and carry a SKU, a price
 *   or a stock: each such item is a variant the customer can buy, with its own price, stock, reference and image;
 * - a key → value object (`{"color": "Black"}`), or array items that sell nothing (`{"name": "color",
 *   "value": "Black"}`): a description of the product itself, not variants. ShopiMind's product has no field
 *   for it, so it is not pushed.
 * An item with a price or stock but no id or SKU is left out with a problem; so is a second item with the same id.
 */
export function parseVariations(value: unknown, baseUrl: string): ParsedVariations {
  const result: ParsedVariations = { variations: [], problems: [] };
  if (!Array.isArray(value)) {
    return result;
  }
  const seen = new Set<string>();
  value.forEach((item, index) => {
    if (!isRecord(item)) {
      return;
    }
    const resolve = (field: VariationField): ResolvedField | undefined =>
      resolveField(item, VARIATION_FIELD_ALIASES, field, {});
    const sku = toText(resolve('sku')?.value);
    const id = toText(resolve('id')?.value) ?? sku;
    const sellable = sku !== undefined || SELLABLE_FIELDS.some((field) => resolve(field) !== undefined);
    if (!sellable) {
      return;
    }
    if (id === undefined) {
      result.problems.push(`item ${index} has a price or stock but no id or sku: left out`);
      return;
    }
    if (seen.has(id)) {
      result.problems.push(`item ${index} repeats variation id "${id}": left out`);
      return;
    }
    seen.add(id);
    const warn: FieldWarn<VariationField> = (_code, field, message) =>
      result.problems.push(`variation "${id}" ${field}: ${message}`);
    result.variations.push(toVariation(id, sku, resolve, baseUrl, warn));
  });
  return result;
}

function toVariation(
  id: string,
  sku: string | undefined,
  resolve: (field: VariationField) => ResolvedField | undefined,
  baseUrl: string,
  warn: FieldWarn<VariationField>,
): NormalizedVariation {
  const variation = new NormalizedVariation();
  variation.id = id;
  setIfDefined(
    variation,
    'name',
    readText(resolve('name'), 'name', warn) ?? optionValues(resolve('options')),
  );
  setIfDefined(variation, 'price', readPrice(resolve('price'), 'price', warn));
  setIfDefined(variation, 'regularPrice', readPrice(resolve('regular_price'), 'regular_price', warn));
  setIfDefined(variation, 'salePrice', readPrice(resolve('sale_price'), 'sale_price', warn));
  setIfDefined(variation, 'sku', sku);
  setIfDefined(variation, 'ean13', readText(resolve('ean13'), 'ean13', warn));

  const quantityField = resolve('stock_quantity');
  const quantity = quantityField && parseStockQuantity(quantityField.value);
  if (quantityField && quantity === undefined) {
    warn('invalid_value', 'stock_quantity', `${describeResolved(quantityField)} is not a whole number`);
  }
  setIfDefined(variation, 'stockQuantity', quantity);
  const statusField = resolve('stock_status');
  const status = statusField && parseStockStatus(statusField.value);
  if (statusField && status === undefined) {
    warn('invalid_value', 'stock_status', `${describeResolved(statusField)} is not a stock status`);
  }
  setIfDefined(
    variation,
    'stockStatus',
    status ?? (quantity === undefined ? undefined : stockStatusFromQuantity(quantity)),
  );

  const imageField = resolve('image');
  if (imageField) {
    const image = firstImage(imageField.value, baseUrl);
    if (image === undefined) {
      warn('invalid_value', 'image', `${describeResolved(imageField)} is not an absolute image URL`);
    }
    setIfDefined(variation, 'image', image);
  }
  return variation;
}

/** One URL, or the first of a list of images (strings or `{src|url}`), as for the product's images. */
function firstImage(value: unknown, baseUrl: string): string | undefined {
  if (typeof value === 'string') {
    return absoluteHttpUrl(value, baseUrl);
  }
  return parseImageUrls(value, baseUrl)?.urls[0];
}

/** `{"color": "Black", "size": "M"}` or `["Black", "M"]` → "Black / M". */
function optionValues(resolved: ResolvedField | undefined): string | undefined {
  const value = resolved?.value;
  const values = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
  const texts = values.flatMap((item) => toText(item) ?? []);
  return texts.length === 0 ? undefined : texts.join(' / ');
}
