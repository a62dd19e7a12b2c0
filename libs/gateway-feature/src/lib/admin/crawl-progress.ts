import type { SyncRunEntity } from '@storebridge/persistence';
import type { CrawlProgressView } from './connection-report';

type ProgressRow = Pick<SyncRunEntity, 'startedAt' | 'pagesFetched' | 'nextPage' | 'recordsSeen'>;

/**
 * A running crawl's progress from its row: pages and records so far over the time since it started. The row
 * knows neither the store's `last_page` nor its `total` (the crawl reads pages until a stop rule ends it), so
 * what is left is measured against the last complete crawl of the same entity, when there is one.
 */
export function crawlProgress(
  run: ProgressRow,
  lastComplete: Pick<SyncRunEntity, 'pagesFetched' | 'recordsSeen'> | null,
  now: Date,
): CrawlProgressView {
  const elapsedMs = Math.max(0, now.getTime() - run.startedAt.getTime());
  const recordsPerSecond =
    elapsedMs > 0 && run.recordsSeen > 0 ? roundTo2(run.recordsSeen / (elapsedMs / 1000)) : null;
  const expectedRecords = lastComplete?.recordsSeen ?? null;
  const estimatedSecondsLeft =
    recordsPerSecond !== null && expectedRecords !== null
      ? Math.ceil(Math.max(0, expectedRecords - run.recordsSeen) / recordsPerSecond)
      : null;
  return {
    pagesDone: run.pagesFetched,
    nextPage: run.nextPage,
    elapsedSeconds: Math.round(elapsedMs / 1000),
    recordsPerSecond,
    expectedPages: lastComplete?.pagesFetched ?? null,
    expectedRecords,
    estimatedSecondsLeft,
  };
}

function roundTo2(value: number): number {
  return Math.round(value * 100) / 100;
}
