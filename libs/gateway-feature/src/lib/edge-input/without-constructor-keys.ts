/**
 * `value` without any own `constructor` key in the objects nested in it; the same value when it has none.
 *
 * class-transformer takes a nested object's `constructor` for its class: from JSON that is an own key holding
 * a string, a number or an object, and `plainToInstance` throws (`targetType is not a constructor`, or reading
 * `constructor` of undefined), which the edge answered with a 500. It leaves such keys out of what it builds
 * anyway, so removing them first changes nothing else. Recursive: the edge refuses bodies nested deeper than
 * MAX_JSON_DEPTH before any route runs.
 */
export function withoutConstructorKeys<T>(value: T): T {
  return holdsConstructorKey(value) ? (copyWithout(value) as T) : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function holdsConstructorKey(value: unknown): boolean {
  if (!isObject(value)) {
    return false;
  }
  return Object.hasOwn(value, 'constructor') || Object.values(value).some(holdsConstructorKey);
}

function copyWithout(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(copyWithout);
  }
  if (!isObject(value)) {
    return value;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key !== 'constructor') {
      // Defined as own data: a "__proto__" key from JSON stays a plain key, never the prototype.
      Object.defineProperty(copy, key, {
        value: copyWithout(entry),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return copy;
}
