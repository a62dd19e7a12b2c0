import { crawlProgress } from './crawl-progress';

const startedAt = new Date('2026-03-01T10:00:00Z');
const run = { startedAt, pagesFetched: 20, nextPage: 21, recordsSeen: 2_000 };

describe('crawlProgress', () => {
  it('measures the rate since the start, and what is left against the last complete crawl', () => {
    const now = new Date('2026-03-01T10:00:40Z');

    expect(crawlProgress(run, { pagesFetched: 100, recordsSeen: 10_000 }, now)).toEqual({
      pagesDone: 20,
      nextPage: 21,
      elapsedSeconds: 40,
      recordsPerSecond: 50,
      expectedPages: 100,
      expectedRecords: 10_000,
      estimatedSecondsLeft: 160,
    });
  });

  it('estimates nothing without a complete crawl to compare with', () => {
    const progress = crawlProgress(run, null, new Date('2026-03-01T10:00:40Z'));

    expect(progress).toMatchObject({
      recordsPerSecond: 50,
      expectedRecords: null,
      estimatedSecondsLeft: null,
    });
  });

  it('has no rate before the first record, and never a negative time left', () => {
    expect(
      crawlProgress({ ...run, recordsSeen: 0 }, { pagesFetched: 1, recordsSeen: 10 }, startedAt),
    ).toMatchObject({ elapsedSeconds: 0, recordsPerSecond: null, estimatedSecondsLeft: null });
    expect(
      crawlProgress(run, { pagesFetched: 10, recordsSeen: 1_000 }, new Date('2026-03-01T10:00:40Z'))
        .estimatedSecondsLeft,
    ).toBe(0);
  });

  it('reads a start in the future (clock skew between replicas) as no time elapsed', () => {
    expect(crawlProgress(run, null, new Date('2026-03-01T09:59:00Z'))).toMatchObject({
      elapsedSeconds: 0,
      recordsPerSecond: null,
    });
  });
});
