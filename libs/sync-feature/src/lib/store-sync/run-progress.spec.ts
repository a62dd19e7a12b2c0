import { RunProgressBuffer } from './run-progress';

describe('RunProgressBuffer', () => {
  let clock: number;
  let buffer: RunProgressBuffer;

  beforeEach(() => {
    clock = 0;
    buffer = new RunProgressBuffer(500, () => clock);
  });

  it('sums the pages added since the last write, counts and timings by kind, and keeps the latest next page', () => {
    buffer.add({
      nextPage: 2,
      recordsSeen: 100,
      recordsValid: 99,
      recordsSkipped: 1,
      warnings: { a: 1 },
      skippedRecords: [{ page: 1, index: 4, reason: 'missing_id' }],
    });
    buffer.add({
      nextPage: 3,
      recordsSeen: 50,
      recordsChanged: 7,
      warnings: { a: 2, b: 1 },
      timings: { fetchMs: 4 },
    });
    clock = 500;

    expect(buffer.take()).toEqual({
      nextPage: 3,
      pagesFetched: 2,
      recordsSeen: 150,
      recordsValid: 99,
      recordsSkipped: 1,
      recordsChanged: 7,
      recordsDeleted: 0,
      warnings: { a: 3, b: 1 },
      skippedRecords: [{ page: 1, index: 4, reason: 'missing_id' }],
      timings: { fetchMs: 4 },
    });
    expect(buffer.take(true)).toBeUndefined();
  });

  it('waits for the interval unless forced', () => {
    buffer.add({ nextPage: 2 });
    clock = 499;

    expect(buffer.take()).toBeUndefined();
    expect(buffer.take(true)).toMatchObject({ nextPage: 2, pagesFetched: 1 });
  });

  it('writes every page with an interval of 0', () => {
    const everyPage = new RunProgressBuffer(0, () => clock);
    everyPage.add({ nextPage: 2 });

    expect(everyPage.take()).toMatchObject({ nextPage: 2 });
  });

  it('counts a deletion pass, which fetches no page, as no page', () => {
    buffer.add({ nextPage: 4, pagesFetched: 0, recordsDeleted: 12 });

    expect(buffer.take(true)).toMatchObject({ nextPage: 4, pagesFetched: 0, recordsDeleted: 12 });
  });

  it('keeps no more skipped records than a run keeps', () => {
    const skipped = (page: number) =>
      Array.from({ length: 80 }, (_, index) => ({ page, index, reason: 'missing_name' }));
    buffer.add({ nextPage: 2, skippedRecords: skipped(1) });
    buffer.add({ nextPage: 3, skippedRecords: skipped(2) });

    const taken = buffer.take(true);
    expect(taken?.skippedRecords).toHaveLength(100);
    expect(taken?.skippedRecords?.at(-1)).toEqual({ page: 2, index: 19, reason: 'missing_name' });
  });
});
