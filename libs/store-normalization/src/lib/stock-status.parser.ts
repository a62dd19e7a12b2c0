import { StockStatus } from '@storebridge/contracts';

/** Spec §6 table; values are compared trimmed and lower-cased. */
const STOCK_STATUS_VALUES: Readonly<Record<string, StockStatus>> = {
  in_stock: 'in_stock',
  instock: 'in_stock',
  available: 'in_stock',
  true: 'in_stock',
  '1': 'in_stock',
  out_of_stock: 'out_of_stock',
  outofstock: 'out_of_stock',
  unavailable: 'out_of_stock',
  false: 'out_of_stock',
  '0': 'out_of_stock',
};

/**
 * `in_stock` / `out_of_stock` for the values of the spec §6 table, any other value lower-cased as given;
 * `undefined` when the value is not a string, number or boolean.
 */
export function parseStockStatus(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    return undefined;
  }
  const text = String(value).trim().toLowerCase();
  if (text === '') {
    return undefined;
  }
  return Object.hasOwn(STOCK_STATUS_VALUES, text) ? STOCK_STATUS_VALUES[text] : text;
}

/** [ours] spec §6: with no status given, a positive quantity means in stock. */
export function stockStatusFromQuantity(quantity: number): StockStatus {
  return quantity > 0 ? 'in_stock' : 'out_of_stock';
}

/** A whole number of items, from a number or an integer string; `undefined` otherwise. */
export function parseStockQuantity(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\s*[+-]?\d+(?:\.0+)?\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
}
