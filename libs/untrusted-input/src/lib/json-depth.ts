/**
 * How deep a JSON value from outside may nest. Real records are shallow; recursive code (normalization,
 * validation, `JSON.stringify`) would overflow the stack on thousands of levels.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Nesting depth of a parsed JSON value: 0 for a scalar, 1 for `[]` or `{}`, 2 for `[[]]`... Walked with an
 * explicit stack, so any depth is measured without recursion; stops as soon as it passes `limit`.
 */
export function jsonDepth(value: unknown, limit: number = Number.POSITIVE_INFINITY): number {
  if (!isContainer(value)) {
    return 0;
  }
  let deepest = 0;
  const pending: Array<[object, number]> = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [container, depth] = next;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) {
      return deepest;
    }
    for (const child of Object.values(container)) {
      if (isContainer(child)) {
        pending.push([child, depth + 1]);
      }
    }
  }
  return deepest;
}

/** True when `value` nests deeper than `limit` (MAX_JSON_DEPTH by default). */
export function isJsonTooDeep(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  return jsonDepth(value, limit) > limit;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
