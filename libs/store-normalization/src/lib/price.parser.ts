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
  const parts = PRICE_PARTS.exec(value.trim());
  if (!parts) {
    return undefined;
  }
  const [, prefix, amount, suffix] = parts;
  if (!CURRENCY_AFFIX.test(prefix.trim()) || !CURRENCY_AFFIX.test(suffix.trim())) {
    return undefined;
  }
  const canonical = toDecimalString(amount);
  return canonical === undefined ? undefined : Number(canonical);
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
