import { isRecord } from '@storebridge/untrusted-input';
/**
 * Item validation mirroring the required fields and types of the SDK entity types
 * (SpmProductData, SpmOrderData, SpmCustomerData, SpmOrderStatusData, SpmProductCategoryData). Unknown fields are
 * accepted, as ShopiMind does.
 */

/**
 * One field's rule. `test` says whether a value passes without allocating anything: valid items, the common case
 * (thousands a second during a bulk push), cost no more than that. `reasons` explains a failure, each reason
 * prefixed with the field path.
 */
export interface FieldCheck {
  test(value: unknown): boolean;
  reasons(value: unknown, path: string): string[];
}

export interface FieldSpec {
  required: boolean;
  check: FieldCheck;
}

export type ObjectSchema = Readonly<Record<string, FieldSpec>>;

function rule(test: (value: unknown) => boolean, expected: string): FieldCheck {
  return { test, reasons: (value, path) => (test(value) ? [] : [`${path} must be ${expected}`]) };
}

export const string = rule((v) => typeof v === 'string', 'a string');
export const nonEmptyString = rule((v) => typeof v === 'string' && v.trim() !== '', 'a non-empty string');
export const number = rule((v) => typeof v === 'number' && Number.isFinite(v), 'a finite number');
export const nonNegativeNumber = rule(
  (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  'a number >= 0',
);
export const integer = rule((v) => Number.isSafeInteger(v), 'an integer');
export const positiveInteger = rule(
  (v) => Number.isSafeInteger(v) && (v as number) > 0,
  'a positive integer',
);
export const boolean = rule((v) => typeof v === 'boolean', 'a boolean');
// [ours] formats beyond the SDK's `string`: ShopiMind stores dates and sends emails and links.
export const dateString = rule(
  (v) => typeof v === 'string' && v !== '' && !Number.isNaN(Date.parse(v)),
  'a date string',
);
export const email = rule(
  (v) => typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
  'an email address',
);
export const httpUrl = rule((v) => typeof v === 'string' && isHttpUrl(v), 'an absolute http(s) URL');

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export function nullable(check: FieldCheck): FieldCheck {
  return {
    test: (value) => value === null || check.test(value),
    reasons: (value, path) => (value === null ? [] : check.reasons(value, path)),
  };
}

export function arrayOf(check: FieldCheck): FieldCheck {
  return {
    test: (value) => Array.isArray(value) && value.every((item) => check.test(item)),
    reasons: (value, path) =>
      Array.isArray(value)
        ? value.flatMap((item, i) => check.reasons(item, `${path}[${i}]`))
        : [`${path} must be an array`],
  };
}

export function objectOf(schema: ObjectSchema): FieldCheck {
  return {
    test: (value) => isValidObject(value, schema),
    reasons: (value, path) => validateObject(value, schema, path),
  };
}

export const required = (check: FieldCheck): FieldSpec => ({ required: true, check });
export const optional = (check: FieldCheck): FieldSpec => ({ required: false, check });

/** An absent field, or null where a value is required: only the field's requiredness decides, not its check. */
function isMissing(fieldValue: unknown, spec: FieldSpec): boolean {
  return fieldValue === undefined || (fieldValue === null && spec.required);
}

function isValidObject(value: unknown, schema: ObjectSchema): boolean {
  if (!isRecord(value)) {
    return false;
  }
  for (const field in schema) {
    const spec = schema[field];
    const fieldValue = value[field];
    if (isMissing(fieldValue, spec) ? spec.required : !spec.check.test(fieldValue)) {
      return false;
    }
  }
  return true;
}

/** Returns the reasons `value` is invalid, each prefixed with its field path. */
export function validateObject(value: unknown, schema: ObjectSchema, path = ''): string[] {
  if (isValidObject(value, schema)) {
    return [];
  }
  if (!isRecord(value)) {
    return [`${path || 'item'} must be an object`];
  }
  return Object.entries(schema).flatMap(([field, spec]) => {
    const fieldPath = path ? `${path}.${field}` : field;
    const fieldValue = value[field];
    if (isMissing(fieldValue, spec)) {
      return spec.required ? [`${fieldPath} is required`] : [];
    }
    return spec.check.reasons(fieldValue, fieldPath);
  });
}

/** Fields every synchronised entity may carry to say where it comes from. */
const DATA_SOURCE_FIELDS: ObjectSchema = {
  id_data_source: optional(positiveInteger),
  source_label: optional(nullable(string)),
  label_source: optional(nullable(string)),
  shop_id: optional(nullable(string)),
};

export const PRODUCT_SCHEMA: ObjectSchema = {
  ...DATA_SOURCE_FIELDS,
  product_id: required(positiveInteger),
  lang: required(nonEmptyString),
  name: required(nonEmptyString),
  reference: optional(nullable(string)),
  ean13: optional(nullable(string)),
  description: required(string),
  description_short: optional(nullable(string)),
  link: required(httpUrl),
  image_link: optional(nullable(httpUrl)),
  category_ids: optional(nullable(arrayOf(positiveInteger))),
  manufacturer_id: optional(nullable(string)),
  currency: required(nonEmptyString),
  price: required(nonNegativeNumber),
  price_discount: optional(nullable(nonNegativeNumber)),
  quantity_remaining: required(integer),
  is_active: required(boolean),
  created_at: required(dateString),
  updated_at: required(dateString),
};

const ORDER_CUSTOMER_SCHEMA: ObjectSchema = {
  customer_id: required(nonEmptyString),
  email: required(email),
  created_at: required(dateString),
};

const ORDER_PRODUCT_SCHEMA: ObjectSchema = {
  product_id: required(positiveInteger),
  product_variation_id: optional(nullable(positiveInteger)),
  price: required(number),
  price_without_tax: required(number),
  manufacturer_id: optional(nullable(string)),
  quantity: required(positiveInteger),
};

export const ORDER_SCHEMA: ObjectSchema = {
  ...DATA_SOURCE_FIELDS,
  order_id: required(nonEmptyString),
  lang: required(nonEmptyString),
  reference: optional(nullable(string)),
  carrier_id: optional(nullable(string)),
  status_id: required(nonEmptyString),
  address_delivery_id: optional(nullable(string)),
  address_invoice_id: optional(nullable(string)),
  customer: required(objectOf(ORDER_CUSTOMER_SCHEMA)),
  products: required(arrayOf(objectOf(ORDER_PRODUCT_SCHEMA))),
  cart_id: required(string),
  cart_updated_at: required(dateString),
  amount: required(number),
  amount_without_tax: required(number),
  shipping_costs: required(number),
  shipping_costs_without_tax: required(number),
  shipping_number: optional(nullable(string)),
  currency: required(nonEmptyString),
  voucher_used: optional(nullable(string)),
  voucher_value: optional(nullable(string)),
  is_confirmed: required(boolean),
  created_at: required(dateString),
  updated_at: required(dateString),
};

export const CUSTOMER_SCHEMA: ObjectSchema = {
  ...DATA_SOURCE_FIELDS,
  customer_id: required(nonEmptyString),
  email: required(email),
  phone_number: optional(nullable(string)),
  first_name: required(string),
  last_name: required(string),
  birth_date: optional(nullable(dateString)),
  is_opt_in: required(boolean),
  is_newsletter_subscribed: required(boolean),
  lang: required(nonEmptyString),
  group_ids: optional(nullable(arrayOf(string))),
  is_active: required(boolean),
  created_at: required(dateString),
  updated_at: required(dateString),
};

export const ORDER_STATUS_SCHEMA: ObjectSchema = {
  ...DATA_SOURCE_FIELDS,
  status_id: required(nonEmptyString),
  lang: required(nonEmptyString),
  name: required(nonEmptyString),
  is_deleted: required(boolean),
  created_at: required(dateString),
  updated_at: required(dateString),
};

export const PRODUCT_CATEGORY_SCHEMA: ObjectSchema = {
  ...DATA_SOURCE_FIELDS,
  category_id: required(positiveInteger),
  lang: required(nonEmptyString),
  name: required(nonEmptyString),
  description: required(string),
  parent_category_id: optional(nullable(positiveInteger)),
  link: required(httpUrl),
  is_active: required(boolean),
  created_at: required(dateString),
  updated_at: required(dateString),
};

// The flat bulk routes' `product_id` is typed `string` by the SDK (`SpmBulkProduct…Data`) while products are
// numbered: a positive integer, as a number or in digits.
const productIdReference = rule(
  (v) =>
    (Number.isSafeInteger(v) && (v as number) > 0) || (typeof v === 'string' && /^[1-9]\d{0,15}$/.test(v)),
  'a positive integer or its digits',
);

/** SpmBulkProductVariationData; `product_id` comes from the path on the per-product routes. */
export const PRODUCT_VARIATION_SCHEMA: ObjectSchema = {
  ...DATA_SOURCE_FIELDS,
  product_id: required(productIdReference),
  variation_id: required(positiveInteger),
  name: required(nonEmptyString),
  lang: required(nonEmptyString),
  reference: optional(nullable(string)),
  ean13: optional(nullable(string)),
  link: required(httpUrl),
  image_link: optional(nullable(httpUrl)),
  price: required(nonNegativeNumber),
  price_discount: optional(nullable(nonNegativeNumber)),
  quantity_remaining: required(integer),
  is_default: required(boolean),
};

/** SpmBulkProductImageData; `product_id` comes from the path on the per-product routes. */
export const PRODUCT_IMAGE_SCHEMA: ObjectSchema = {
  ...DATA_SOURCE_FIELDS,
  product_id: required(productIdReference),
  image_id: required(nonEmptyString),
  lang: required(nonEmptyString),
  variation_id: optional(nullable(positiveInteger)),
  url: required(httpUrl),
  is_default: required(boolean),
};

/** SpmCustomerAddressData; the customer comes from the path on the per-customer routes. */
export const CUSTOMER_ADDRESS_SCHEMA: ObjectSchema = {
  ...DATA_SOURCE_FIELDS,
  address_id: required(positiveInteger),
  first_name: required(string),
  last_name: required(string),
  primary_phone: optional(nullable(string)),
  secondary_phone: optional(nullable(string)),
  company: optional(nullable(string)),
  address_line_1: required(string),
  address_line_2: optional(nullable(string)),
  postal_code: required(string),
  city: required(string),
  country: required(string),
  is_active: required(boolean),
};

/** SpmBulkCustomerAddressData: the flat bulk route's items name their customer. */
export const BULK_CUSTOMER_ADDRESS_SCHEMA: ObjectSchema = {
  ...CUSTOMER_ADDRESS_SCHEMA,
  customer_id: required(nonEmptyString),
};
