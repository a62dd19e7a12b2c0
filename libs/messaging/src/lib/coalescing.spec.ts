import { coalescingGroups } from './coalescing';

/** Items are their record counts; `undefined` is an item whose count is unknown. */
const countOf = (records: number | undefined): number | undefined => records;

describe('coalescingGroups', () => {
  it.each<[string, Array<number | undefined>, number, Array<Array<number | undefined>>]>([
    ['nothing pulled', [], 100, []],
    ['a single webhook', [1], 100, [[1]]],
    ['a burst of one-record webhooks', [1, 1, 1, 1, 1], 100, [[1, 1, 1, 1, 1]]],
    [
      'webhooks beyond the limit, split where the next one would not fit',
      [40, 40, 30, 1],
      100,
      [
        [40, 40],
        [30, 1],
      ],
    ],
    ['exactly the limit', [50, 50], 100, [[50, 50]]],
    ['full crawl pages, each alone', [100, 100], 100, [[100], [100]]],
    ['a full page between webhooks', [1, 1, 100, 1], 100, [[1, 1], [100], [1]]],
    ['a page bigger than the limit', [1, 150, 1], 100, [[1], [150], [1]]],
    ['an unreadable message, alone where it stands', [1, undefined, 1, 1], 100, [[1], [undefined], [1, 1]]],
    ['empty changes, joining freely', [0, 100, 0], 100, [[0, 100, 0]]],
  ])('groups %s', (_label, counts, maxRecords, groups) => {
    expect(coalescingGroups(counts, countOf, maxRecords)).toEqual(groups);
  });

  it('keeps the items themselves, in stream order', () => {
    const items = [
      { sequence: 1, records: 1 },
      { sequence: 2, records: 99 },
      { sequence: 3, records: 1 },
    ];

    expect(coalescingGroups(items, (item) => item.records, 100)).toEqual([[items[0], items[1]], [items[2]]]);
  });
});
