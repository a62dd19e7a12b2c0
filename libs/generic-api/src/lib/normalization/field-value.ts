import { ResolvedField } from './field-resolver';

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
