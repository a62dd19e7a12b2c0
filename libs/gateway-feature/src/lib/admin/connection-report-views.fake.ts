import type { CrawlProgressView, DeadLetterView, SyncRunView } from './connection-report';

/*
 * View models as the connection report serves them, for the specs of the pages that show them (status page,
 * merchant page). Spec-only: `*.fake.ts` stays out of the lib's build.
 */

/** A crawl half way through the 4 pages the last complete one read, at 10 records a second. */
export function crawlProgressView(overrides: Partial<CrawlProgressView> = {}): CrawlProgressView {
  return {
    pagesDone: 2,
    nextPage: 3,
    elapsedSeconds: 20,
    recordsPerSecond: 10,
    expectedPages: 4,
    expectedRecords: 400,
    estimatedSecondsLeft: 200,
    ...overrides,
  };
}

/** A finished products crawl read to the end, two records skipped. */
export function syncRunView(overrides: Partial<SyncRunView> = {}): SyncRunView {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    entity: 'products',
    trigger: 'schedule',
    status: 'succeeded',
    startedAt: '2030-01-01T10:00:00.000Z',
    finishedAt: '2030-01-01T10:05:00.000Z',
    counts: {
      pagesFetched: 4,
      recordsSeen: 400,
      recordsValid: 398,
      recordsSkipped: 2,
      recordsChanged: 12,
      recordsDeleted: 1,
      deletionsHeld: 0,
    },
    warnings: {},
    stopReason: 'short_page',
    endConfirmed: true,
    error: null,
    skippedRecords: [
      { page: 2, index: 7, reason: 'no name', id: 'p7' },
      { page: 3, index: 0, reason: 'no id' },
    ],
    progress: null,
    ...overrides,
  };
}

/** A product ShopiMind rejected for its price. */
export function deadLetterView(overrides: Partial<DeadLetterView> = {}): DeadLetterView {
  return {
    connectionId: '22222222-2222-4222-8222-222222222222',
    entity: 'products',
    storeId: 'p9',
    reasons: ['price: must be a number'],
    attempts: 2,
    updatedAt: '2030-01-01T11:00:00.000Z',
    replayable: true,
    ...overrides,
  };
}
