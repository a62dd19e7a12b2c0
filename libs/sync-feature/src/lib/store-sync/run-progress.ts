import { MAX_SKIPPED_RECORDS_KEPT, type SyncWarningCounts } from '@storebridge/persistence';
import { type SyncRunPageProgress } from '@storebridge/sync-persistence';

/** Progress is written at most this often by default: one round trip per page would cost an unchanged re-sync a third of its time. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 500;

function addCounts(into: SyncWarningCounts, counts: SyncWarningCounts | undefined): void {
  for (const [key, value] of Object.entries(counts ?? {})) {
    into[key] = (into[key] ?? 0) + value;
  }
}

/** What pages add up to; how the crawl ended and what it held are recorded apart, once. */
type PageTotals = Required<Omit<SyncRunPageProgress, 'stopReason' | 'endConfirmed' | 'deletionsHeld'>>;

/**
 * The crawled pages of a run not yet written to it, summed. A crash loses them and the resumed crawl reads
 * those pages again: nothing is lost, the counts stay right (they were never written), and the records of those
 * pages are published again (their pages are known to the run, see recordSeen), which push takes in its stride.
 */
export class RunProgressBuffer {
  private pending: PageTotals | undefined;
  private lastFlushAt: number;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastFlushAt = now();
  }

  add(page: SyncRunPageProgress): void {
    const pending = this.pending ?? {
      nextPage: page.nextPage,
      pagesFetched: 0,
      recordsSeen: 0,
      recordsValid: 0,
      recordsSkipped: 0,
      recordsChanged: 0,
      recordsDeleted: 0,
      warnings: {},
      skippedRecords: [],
      timings: {},
    };
    pending.nextPage = page.nextPage;
    pending.pagesFetched += page.pagesFetched ?? 1;
    pending.recordsSeen += page.recordsSeen ?? 0;
    pending.recordsValid += page.recordsValid ?? 0;
    pending.recordsSkipped += page.recordsSkipped ?? 0;
    pending.recordsChanged += page.recordsChanged ?? 0;
    pending.recordsDeleted += page.recordsDeleted ?? 0;
    addCounts(pending.warnings, page.warnings);
    // The run keeps only its first ones; a buffer of many pages need not hold more.
    const room = MAX_SKIPPED_RECORDS_KEPT - pending.skippedRecords.length;
    if (room > 0 && page.skippedRecords) {
      pending.skippedRecords.push(...page.skippedRecords.slice(0, room));
    }
    addCounts(pending.timings, page.timings);
    this.pending = pending;
  }

  /** The summed progress to write now, if the interval has passed (or `force`); undefined otherwise. */
  take(force = false): SyncRunPageProgress | undefined {
    if (!this.pending || (!force && this.now() - this.lastFlushAt < this.intervalMs)) {
      return undefined;
    }
    const taken = this.pending;
    this.pending = undefined;
    this.lastFlushAt = this.now();
    return taken;
  }
}
