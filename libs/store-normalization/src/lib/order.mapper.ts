import { NormalizedAddress, NormalizedOrder, NormalizedOrderItem } from '@storebridge/contracts';
import { isEmail } from 'class-validator';
import { isRecord } from '@storebridge/untrusted-input';
import { FieldMapping } from './field-mapping';
import {
  ADDRESS_FIELD_ALIASES,
  AddressField,
  ORDER_FIELD_ALIASES,
  ORDER_ITEM_FIELD_ALIASES,
  OrderField,
  OrderItemField,
} from './field-aliases';
import { ResolvedField, resolveField } from './field-resolver';
import { describeResolved, readDate, readPrice, readText, setIfDefined, toText } from './field-value';
import { parseStockQuantity } from './stock-status.parser';

export interface OrderMappingContext {
  /** The connection's order field mappings (canonical field → store field or dotted path). */
  mappings: FieldMapping;
}

/** Spec §5: an order without `id` is skipped and counted; the caller adds page and index. */
export type OrderSkipReason = 'not_an_object' | 'missing_id';

export type OrderWarningCode = 'unparseable_price' | 'unparseable_date' | 'invalid_value';

type AddressOrderField = 'shipping_address' | 'billing_address';

/** The order field a warning is about; item and address fields as `items.price`, `billing_address.zip`. */
export type OrderWarningField =
  OrderField | `items.${OrderItemField}` | `${AddressOrderField}.${AddressField}`;

/** A value that could not be used; the order is still synced without it. */
export interface OrderWarning {
  code: OrderWarningCode;
  field: OrderWarningField;
  message: string;
}

export type OrderMappingResult =
  | { order: NormalizedOrder; skipReason?: undefined; warnings: OrderWarning[] }
  | { order?: undefined; skipReason: OrderSkipReason; warnings: OrderWarning[] };

type Warn = (code: OrderWarningCode, field: OrderWarningField, message: string) => void;

/** Nested records (items, addresses) have no connection mapping: their keys resolve by alias only. */
const NO_MAPPING: FieldMapping = {};

/** [ours] A line that gives no quantity is one unit. */
const DEFAULT_ITEM_QUANTITY = 1;

/**
 * One store order record → `NormalizedOrder` (spec §5, §6). Pure. The output is built field by
 * field, so store keys we do not know never reach ShopiMind.
 */
export function toNormalizedOrder(raw: unknown, context: OrderMappingContext): OrderMappingResult {
  if (!isRecord(raw)) {
    return { skipReason: 'not_an_object', warnings: [] };
  }
  const warnings: OrderWarning[] = [];
  const warn: Warn = (code, field, message) => {
    warnings.push({ code, field, message });
  };
  const resolve = (field: OrderField): ResolvedField | undefined =>
    resolveField(raw, ORDER_FIELD_ALIASES, field, context.mappings);
  const text = (field: OrderField): string | undefined => readText(resolve(field), field, warn);
  const price = (field: 'total' | 'subtotal' | 'tax' | 'shipping'): number | undefined =>
    readPrice(resolve(field), field, warn);
  const date = (field: 'created_at' | 'updated_at'): string | undefined =>
    readDate(resolve(field), field, warn);
  const address = (field: AddressOrderField): NormalizedAddress | undefined =>
    toAddress(resolve(field), field, warn);

  const idField = resolve('id');
  const id = idField && toText(idField.value);
  if (id === undefined) {
    return { skipReason: 'missing_id', warnings };
  }

  const order = new NormalizedOrder();
  order.id = id;
  setIfDefined(order, 'orderNumber', text('order_number'));
  setIfDefined(order, 'status', text('status'));
  setIfDefined(order, 'total', price('total'));
  setIfDefined(order, 'subtotal', price('subtotal'));
  setIfDefined(order, 'tax', price('tax'));
  setIfDefined(order, 'shipping', price('shipping'));
  setIfDefined(order, 'currency', text('currency')?.toUpperCase());
  setIfDefined(order, 'customerEmail', email(resolve('customer_email'), warn));
  setIfDefined(order, 'customerName', text('customer_name'));
  setIfDefined(order, 'customerPhone', text('customer_phone'));
  setIfDefined(order, 'acceptsMarketing', flag(resolve('accepts_marketing'), 'accepts_marketing', warn));
  setIfDefined(order, 'newsletterSubscribed', flag(resolve('newsletter'), 'newsletter', warn));
  order.items = items(resolve('items'), warn);
  setIfDefined(order, 'shippingAddress', address('shipping_address'));
  setIfDefined(order, 'billingAddress', address('billing_address'));
  setIfDefined(order, 'paymentMethod', text('payment_method'));
  setIfDefined(order, 'createdAt', date('created_at'));
  setIfDefined(order, 'updatedAt', date('updated_at'));
  return { order, warnings };
}

/** The same rule as the contract's `@IsEmail`, so a mapped order always validates. */
function email(resolved: ResolvedField | undefined, warn: Warn): string | undefined {
  const value = readText(resolved, 'customer_email', warn);
  if (resolved && value !== undefined && !isEmail(value)) {
    warn('invalid_value', 'customer_email', `${describeResolved(resolved)} is not an email address`);
    return undefined;
  }
  return value;
}

const YES = new Set(['true', 'yes', '1']);
const NO = new Set(['false', 'no', '0']);

/**
 * [ours] A consent flag: booleans, 1/0, and true/false or yes/no in any case. Anything else is left out with a
 * warning: a consent we cannot read is not a consent.
 */
function flag(
  resolved: ResolvedField | undefined,
  field: 'accepts_marketing' | 'newsletter',
  warn: Warn,
): boolean | undefined {
  if (resolved === undefined) {
    return undefined;
  }
  const { value } = resolved;
  if (typeof value === 'boolean') {
    return value;
  }
  const word =
    typeof value === 'string' || typeof value === 'number' ? String(value).trim().toLowerCase() : '';
  if (YES.has(word)) {
    return true;
  }
  if (NO.has(word)) {
    return false;
  }
  warn('invalid_value', field, `${describeResolved(resolved)} is not yes or no`);
  return undefined;
}

/** Items must be an array of records; anything else in the array is dropped with a warning. */
function items(resolved: ResolvedField | undefined, warn: Warn): NormalizedOrderItem[] {
  if (resolved === undefined) {
    return [];
  }
  if (!Array.isArray(resolved.value)) {
    warn('invalid_value', 'items', `${describeResolved(resolved)} is not a list of order lines`);
    return [];
  }
  const lines: NormalizedOrderItem[] = [];
  resolved.value.forEach((line: unknown, index) => {
    const where = `${resolved.source}.${index}`;
    if (!isRecord(line)) {
      warn(
        'invalid_value',
        'items',
        `${describeResolved({ source: where, value: line })} is not an order line`,
      );
      return;
    }
    lines.push(toOrderItem(line, where, warn));
  });
  return lines;
}

function toOrderItem(line: Record<string, unknown>, where: string, warn: Warn): NormalizedOrderItem {
  const resolve = (field: OrderItemField): ResolvedField | undefined =>
    within(where, resolveField(line, ORDER_ITEM_FIELD_ALIASES, field, NO_MAPPING));
  const item = new NormalizedOrderItem();
  setIfDefined(item, 'productId', readText(resolve('product_id'), 'items.product_id', warn));
  setIfDefined(item, 'name', readText(resolve('name'), 'items.name', warn));
  item.quantity = quantity(resolve('quantity'), warn);
  setIfDefined(item, 'price', readPrice(resolve('price'), 'items.price', warn));
  return item;
}

/** [ours] A whole number ≥ 0; absent means one unit, an unreadable value too, with a warning. */
function quantity(resolved: ResolvedField | undefined, warn: Warn): number {
  if (resolved === undefined) {
    return DEFAULT_ITEM_QUANTITY;
  }
  const value = parseStockQuantity(resolved.value);
  if (value === undefined || value < 0) {
    warn(
      'invalid_value',
      'items.quantity',
      `${describeResolved(resolved)} is not a whole number of units; counted as ${DEFAULT_ITEM_QUANTITY}`,
    );
    return DEFAULT_ITEM_QUANTITY;
  }
  return value;
}

/** An address object with any of the known fields; an object with none of them is left out silently. */
function toAddress(
  resolved: ResolvedField | undefined,
  field: AddressOrderField,
  warn: Warn,
): NormalizedAddress | undefined {
  if (resolved === undefined) {
    return undefined;
  }
  const record = resolved.value;
  if (!isRecord(record)) {
    warn('invalid_value', field, `${describeResolved(resolved)} is not an address object`);
    return undefined;
  }
  const part = (name: AddressField): string | undefined =>
    readText(
      within(resolved.source, resolveField(record, ADDRESS_FIELD_ALIASES, name, NO_MAPPING)),
      `${field}.${name}`,
      warn,
    );
  const address = new NormalizedAddress();
  for (const name of Object.keys(ADDRESS_FIELD_ALIASES) as AddressField[]) {
    setIfDefined(address, ADDRESS_PROPERTIES[name], part(name));
  }
  return Object.keys(address).length === 0 ? undefined : address;
}

/** Where each store address field lands in `NormalizedAddress`. */
const ADDRESS_PROPERTIES: Readonly<Record<AddressField, keyof NormalizedAddress>> = {
  first_name: 'firstName',
  last_name: 'lastName',
  name: 'name',
  company: 'company',
  phone: 'phone',
  street: 'street',
  street_2: 'street2',
  city: 'city',
  state: 'state',
  zip: 'zip',
  country: 'country',
};

/** Prefixes a nested key with where its record sits, so warnings name `line_items.2.unit_price`. */
function within(prefix: string, resolved: ResolvedField | undefined): ResolvedField | undefined {
  return resolved && { value: resolved.value, source: `${prefix}.${resolved.source}` };
}
