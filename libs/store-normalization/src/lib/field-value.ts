import { parseDate } from './date.parser';
import { ResolvedField } from './field-resolver';
import { parsePrice } from './price.parser';

/**
 * A trimmed non-empty string, or a finite number as a string (ids, SKUs and zip codes are often
 * numeric); `undefined` for anything else.
 */
export function toText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  return undefined;
}

/** Names the store key and a short form of the value for a warning: enough to find it, never a whole description. */
export function describeResolved(resolved: ResolvedField): string {
  const json = JSON.stringify(resolved.value) ?? String(resolved.value);
  const shown = json.length > 60 ? `${json.slice(0, 57)}...` : json;
  return `"${resolved.source}" (${shown})`;
}

/** Sets an optional property only when there is a value, so absent fields stay absent (not `undefined`). */
export function setIfDefined<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) {
    target[key] = value;
  }
}

/** How a mapper records a value it could not use; the record is still synced without it. */
export type FieldWarn<F extends string> = (
  code: 'invalid_value' | 'unparseable_price' | 'unparseable_date',
  field: F,
  message: string,
) => void;

/** A text field, with a warning when the store sent something that is not text. */
export function readText<F extends string>(
  resolved: ResolvedField | undefined,
  field: F,
  warn: FieldWarn<F>,
): string | undefined {
  const value = resolved && toText(resolved.value);
  if (resolved && value === undefined) {
    warn('invalid_value', field, `${describeResolved(resolved)} is not text`);
  }
  return value;
}

/** Spec §6: an unreadable price is left out with a warning, never turned into 0. */
export function readPrice<F extends string>(
  resolved: ResolvedField | undefined,
  field: F,
  warn: FieldWarn<F>,
): number | undefined {
  const value = resolved && parsePrice(resolved.value);
  if (resolved && value === undefined) {
    warn('unparseable_price', field, `${describeResolved(resolved)} is not a price`);
  }
  return value;
}

/** Spec §6: ISO 8601 strings and unix seconds or milliseconds become ISO 8601 UTC. */
export function readDate<F extends string>(
  resolved: ResolvedField | undefined,
  field: F,
  warn: FieldWarn<F>,
): string | undefined {
  const value = resolved && parseDate(resolved.value);
  if (resolved && value === undefined) {
    warn(
      'unparseable_date',
      field,
      `${describeResolved(resolved)} is not an ISO 8601 date or unix timestamp`,
    );
  }
  return value;
}
