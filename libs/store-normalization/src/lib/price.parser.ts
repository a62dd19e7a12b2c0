/** Currency marks allowed around a price: a symbol, a code, or both (`$`, `USD`, `US$`, `R$`, `kr`, `Fr.`). */
const CURRENCY_AFFIX = /^(?:\p{Sc}|\p{L}{1,3}\.?|\p{L}{1,3}\s*\p{Sc}|\p{Sc}\s*\p{L}{1,3})?$/u;
/** From the first digit to the last, with what may sit between digits of one amount. */
const PRICE_PARTS = /^(.*?)(\d(?:[\d.,'\s]*\d)?)(.*)$/su;
const SPACE_GROUPS = /^[1-9]\d{0,2}(?:[\s']\d{3})+(?:[.,]\d+)?$/u;

/**
 * A price as a number, or `undefined` when it cannot be read: never 0 for garbage (spec §6).
 * Accepts numbers, numeric strings, a currency symbol or code before or after (`$349.99`,
 * `USD 349.99`, `349,99 €`), thousands separators (`1,299.00`, `1.299,00`, `1 299,00`, `1'299.00`).
 * Ambiguous single separators: a dot is decimal (`1.299` → 1.299, like JSON); a comma followed by
 * exactly three digits groups thousands (`1,299` → 1299), otherwise it is decimal (`349,99`).
 * Negative amounts are refused.
 */
export function parsePrice(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const parts = splitPrice(value);
  if (parts === undefined) {
    return undefined;
  }
  const canonical = toDecimalString(parts.amount);
  return canonical === undefined ? undefined : Number(canonical);
}

/**
 * The ISO 4217 code a price's currency marks name (`USD 1,299.00`, `€1,299.00`, `12.50 £`, `US$12`), or
 * `undefined` for a number, a price without a mark, an unreadable price, or a mark several currencies use
 * (`$`, `¥`, `kr`, `Fr.`): guessing there would label a Canadian store's prices in US dollars.
 */
export function parsePriceCurrency(value: unknown): string | undefined {
  if (typeof value !== 'string' || parsePrice(value) === undefined) {
    return undefined;
  }
  const parts = splitPrice(value);
  const named = new Set(
    [parts?.prefix, parts?.suffix].flatMap((mark) => (mark ? (currencyOfMark(mark) ?? []) : [])),
  );
  return named.size === 1 ? [...named][0] : undefined;
}

/** The upper-cased ISO 4217 code, or `undefined` when `value` is not one (a store's `currency` field). */
export function toCurrencyCode(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const code = value.trim().toUpperCase();
  return ISO_CURRENCY_CODES.has(code) ? code : undefined;
}

/** The price fields of spec §4 under their canonical names. */
export type StorePriceField = 'price' | 'regular_price' | 'sale_price';

/** A product's (or a variation's) prices as normalized: `price`, `regular_price` and `sale_price` of spec §4. */
export interface StorePriceFields {
  price?: number;
  regularPrice?: number;
  salePrice?: number;
}

export interface StorePrice {
  field: StorePriceField;
  amount: number;
}

export interface StorePrices {
  /** What the customer pays; absent when the store gives no price at all. */
  selling?: StorePrice;
  /** The higher price the selling one is reduced from (shown struck through); absent when there is none. */
  regular?: StorePrice;
  /** Prices given above the price they should reduce, each worth a warning: the store's data contradicts itself. */
  inverted: Array<{ price: StorePrice; above: StorePrice }>;
}

/**
 * Spec §4: `price` is the current selling price, `regular_price` the pre-discount price, `sale_price` a
 * discounted price. The customer pays the sale price when it is below the price (or when there is no price),
 * else the price, else the regular price. The regular price is the struck-through one when it is above what the
 * customer pays; without one, a price reduced by a lower sale price is. A regular price of 0 is a store's way of
 * saying it has none. Nothing is dropped in silence: a selling price above the regular price is still what the
 * customer pays, and `inverted` says so.
 */
export function readStorePrices(fields: StorePriceFields): StorePrices {
  const price = given('price', fields.price);
  const sale = given('sale_price', fields.salePrice);
  const listed = given('regular_price', fields.regularPrice);
  const regular = listed !== undefined && listed.amount > 0 ? listed : undefined;
  const inverted: StorePrices['inverted'] = [];
  if (price && sale && sale.amount > price.amount) {
    inverted.push({ price: sale, above: price });
  }
  const discounted = price && sale && sale.amount < price.amount ? sale : undefined;
  const selling = discounted ?? price ?? sale ?? listed;
  const reference = regular ?? (discounted ? price : undefined);
  if (selling && regular && selling.amount > regular.amount) {
    inverted.push({ price: selling, above: regular });
  }
  return {
    ...(selling ? { selling } : {}),
    ...(selling && reference && reference.amount > selling.amount ? { regular: reference } : {}),
    inverted,
  };
}

function given(field: StorePriceField, amount: number | undefined): StorePrice | undefined {
  return amount === undefined ? undefined : { field, amount };
}

/** The number and the marks around it, when the marks are currency marks at all. */
function splitPrice(value: string): { prefix: string; amount: string; suffix: string } | undefined {
  const parts = PRICE_PARTS.exec(value.trim());
  if (!parts) {
    return undefined;
  }
  const [, prefix, amount, suffix] = parts;
  if (!CURRENCY_AFFIX.test(prefix.trim()) || !CURRENCY_AFFIX.test(suffix.trim())) {
    return undefined;
  }
  return { prefix: prefix.trim(), amount, suffix: suffix.trim() };
}

const ISO_CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** Symbols (with their country letters) that name one currency only; `$`, `¥`, `kr` and the like name several. */
const UNAMBIGUOUS_SYMBOLS: ReadonlyMap<string, string> = new Map([
  ['€', 'EUR'],
  ['£', 'GBP'],
  ['₹', 'INR'],
  ['₩', 'KRW'],
  ['₺', 'TRY'],
  ['₽', 'RUB'],
  ['₴', 'UAH'],
  ['₪', 'ILS'],
  ['₦', 'NGN'],
  ['₱', 'PHP'],
  ['₫', 'VND'],
  ['฿', 'THB'],
  ['US$', 'USD'],
  ['C$', 'CAD'],
  ['CA$', 'CAD'],
  ['A$', 'AUD'],
  ['AU$', 'AUD'],
  ['NZ$', 'NZD'],
  ['HK$', 'HKD'],
  ['S$', 'SGD'],
  ['R$', 'BRL'],
  ['MX$', 'MXN'],
]);

/** `USD`, `usd`, `USD $` (the code wins) or an unambiguous symbol; `undefined` for anything else. */
function currencyOfMark(mark: string): string | undefined {
  const compact = mark.replace(/\s+/gu, '');
  const letters = /^\p{L}{3}/u.exec(compact)?.[0];
  const code = letters === undefined ? undefined : toCurrencyCode(letters);
  return code ?? UNAMBIGUOUS_SYMBOLS.get(compact.toUpperCase());
}

/** `1.299,00` → `1299.00`; `undefined` for digit groups that do not follow one convention. */
function toDecimalString(amount: string): string | undefined {
  let text = amount;
  if (/[\s']/u.test(text)) {
    if (!SPACE_GROUPS.test(text)) {
      return undefined;
    }
    text = text.replace(/[\s']/gu, '');
  }
  const hasDot = text.includes('.');
  const hasComma = text.includes(',');
  if (hasDot && hasComma) {
    const decimal = text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ',';
    const group = decimal === '.' ? ',' : '.';
    if (!new RegExp(`^[1-9]\\d{0,2}(?:\\${group}\\d{3})+\\${decimal}\\d+$`).test(text)) {
      return undefined;
    }
    return text.split(group).join('').replace(decimal, '.');
  }
  if (hasComma) {
    if (/^[1-9]\d{0,2}(?:,\d{3})+$/.test(text)) {
      return text.replace(/,/g, '');
    }
    return /^\d+,\d+$/.test(text) ? text.replace(',', '.') : undefined;
  }
  if (hasDot) {
    if (/^\d+\.\d+$/.test(text)) {
      return text;
    }
    return /^[1-9]\d{0,2}(?:\.\d{3}){2,}$/.test(text) ? text.replace(/\./g, '') : undefined;
  }
  return text;
}
