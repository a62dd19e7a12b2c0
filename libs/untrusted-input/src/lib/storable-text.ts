import { isRecord } from './is-record';

// PostgreSQL refuses NUL in text and jsonb, and lone UTF-16 surrogates have no UTF-8 form: either fails a write.
const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SURROGATE = /[\uD800-\uDFFF]/;
// In JSON text both can only come as escapes (a UTF-8 body decodes a lone surrogate to U+FFFD already).
const UNSTORABLE_ESCAPE = /\\u0000|\\u[dD][89a-fA-F]/;

/**
 * True when a JSON text may hold a string `toStorable` would change: a cheap test on the text, so that only the
 * rare body that needs it is walked.
 */
export function mayHoldUnstorableText(json: string): boolean {
  return UNSTORABLE_ESCAPE.test(json);
}

/** `text` without NUL characters, lone surrogates replaced by U+FFFD. */
export function toStorableText(text: string): string {
  const withoutNul = text.includes(NUL) ? text.replaceAll(NUL, '') : text;
  return SURROGATE.test(withoutNul) ? withoutNul.replace(LONE_SURROGATE, '\uFFFD') : withoutNul;
}

/**
 * Parsed JSON from outside (a store's page or webhook) with every string and key made storable (`toStorableText`);
 * the same value when nothing needed it. Recursive: callers have refused bodies nested deeper than MAX_JSON_DEPTH.
 */
export function toStorable(value: unknown): unknown {
  if (typeof value === 'string') {
    return toStorableText(value);
  }
  if (Array.isArray(value)) {
    return value.map(toStorable);
  }
  if (isRecord(value)) {
    const cleaned: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      // Defined as own data: a "__proto__" key from JSON stays a plain key, never the prototype.
      Object.defineProperty(cleaned, toStorableText(key), {
        value: toStorable(entry),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return cleaned;
  }
  return value;
}

/** True when a string or key of `value` holds what `toStorableText` would change. */
export function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') {
    return toStorableText(value) !== value;
  }
  if (Array.isArray(value)) {
    return value.some(hasUnstorableText);
  }
  if (isRecord(value)) {
    return Object.entries(value).some(([key, entry]) => hasUnstorableText(key) || hasUnstorableText(entry));
  }
  return false;
}
