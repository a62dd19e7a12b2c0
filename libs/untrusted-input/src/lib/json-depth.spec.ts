import { isJsonTooDeep, jsonDepth, MAX_JSON_DEPTH } from './json-depth';

/** `levels` arrays inside each other, built without recursion. */
function nestedArrays(levels: number): unknown {
  return JSON.parse('['.repeat(levels) + ']'.repeat(levels));
}

describe('jsonDepth', () => {
  it.each<[string, unknown, number]>([
    ['a number', 3, 0],
    ['a string', 'x', 0],
    ['null', null, 0],
    ['an empty array', [], 1],
    ['an empty object', {}, 1],
    ['a flat record', { id: 1, name: 'Mug' }, 1],
    ['an envelope of records', { data: [{ id: 1, tags: ['a'] }], meta: { total: 1 } }, 4],
    ['the deepest branch, not the first', [[1], [[[2]]], { a: 1 }], 4],
    ['objects inside arrays', [{ a: [{ b: {} }] }], 5],
  ])('measures %s as %i', (_label, value, depth) => {
    expect(jsonDepth(value)).toBe(depth);
  });

  it('measures 100,000 levels without overflowing the stack', () => {
    expect(jsonDepth(nestedArrays(100_000))).toBe(100_000);
  });

  it('stops just past the limit', () => {
    expect(jsonDepth(nestedArrays(5_000), 10)).toBe(11);
  });
});

describe('isJsonTooDeep', () => {
  it.each<[number, boolean]>([
    [MAX_JSON_DEPTH, false],
    [MAX_JSON_DEPTH + 1, true],
    [5_000, true],
  ])('says whether %i levels pass the default limit: %p', (levels, tooDeep) => {
    expect(isJsonTooDeep(nestedArrays(levels))).toBe(tooDeep);
  });

  it('takes another limit', () => {
    expect(isJsonTooDeep({ a: { b: {} } }, 2)).toBe(true);
  });
});
