import { toText } from './field-value';
import { isRecord } from '@storebridge/untrusted-input';
import { FieldMapping } from './field-mapping';
import { FieldAliasTable } from './field-aliases';

export interface ResolvedField {
  value: unknown;
  /** The store key the value came from, so warnings can name it. */
  source: string;
}

/**
 * Spec §6 resolution order. With a mapping for `field`: the mapped path, then the canonical name
 * (the mapping replaces the aliases). Without: the canonical name, then the aliases in table order.
 * Blank values (null, empty or whitespace strings) count as absent so the next candidate is tried.
 */
export function resolveField<T extends FieldAliasTable>(
  record: Readonly<Record<string, unknown>>,
  table: T,
  field: keyof T & string,
  mapping: FieldMapping,
): ResolvedField | undefined {
  // Candidates are tried in place, not gathered in an array: this runs for every field of every record.
  const mapped = Object.hasOwn(mapping, field) ? mapping[field] : undefined;
  if (mapped !== undefined) {
    return presentAt(record, mapped) ?? presentAt(record, field);
  }
  const canonical = presentAt(record, field);
  if (canonical !== undefined) {
    return canonical;
  }
  for (const alias of table[field]) {
    const resolved = presentAt(record, alias);
    if (resolved !== undefined) {
      return resolved;
    }
  }
  return undefined;
}

function presentAt(record: Readonly<Record<string, unknown>>, source: string): ResolvedField | undefined {
  const value = readPath(record, source);
  return isPresent(value) ? { value, source } : undefined;
}

/**
 * A top-level key, or a dotted path into nested objects and arrays (`pricing.amount`, `images.0.src`).
 * A key that itself contains dots wins over the nested reading. Own properties only, so
 * `__proto__` or `constructor` in a mapping reads nothing.
 */
export function readPath(record: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(record, path)) {
    return record[path];
  }
  if (!path.includes('.')) {
    return undefined;
  }
  let current: unknown = record;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      current = current[Number(segment)];
    } else if (isRecord(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

/** Longer ids are no store's: they would not fit a database index, nor help anyone find the record. */
export const MAX_RECORD_ID_LENGTH = 255;

/**
 * The store's id of a record, resolved like every field, as text: a string (trimmed) or a finite number, at most
 * MAX_RECORD_ID_LENGTH characters; anything else (an object, an empty string) is no id.
 */
export function resolveRecordId(
  record: Readonly<Record<string, unknown>>,
  table: FieldAliasTable,
  mapping: FieldMapping,
): string | undefined {
  const id = toText(resolveField(record, table, 'id', mapping)?.value);
  return id !== undefined && id.length <= MAX_RECORD_ID_LENGTH ? id : undefined;
}
