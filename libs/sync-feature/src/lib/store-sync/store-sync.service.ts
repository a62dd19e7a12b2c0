import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { StoreConnectionService, type StoreConnectionView } from '@storebridge/connections';
import { Subjects, type SyncRequestedEvent, type SyncTrigger } from '@storebridge/contracts';
import {
  checkStoreUrl,
  type CrawledPage,
  crawlPages,
  type CrawlSummary,
  readAhead,
  StoreClient,
  StoreCrawlError,
  StoreRequestError,
} from '@storebridge/store-client';
import { isRecord } from '@storebridge/untrusted-input';
import { MessagePublisher, RetryLaterError } from '@storebridge/messaging';
import { SyncMetrics, type SyncRunEnd } from '@storebridge/runtime';
import {
  AdvisoryLockRepository,
  type SkippedStoreRecord,
  type SyncRunEntity,
  type StorePageCounts,
  type SyncRunTimings,
  type SyncWarningCounts,
} from '@storebridge/persistence';
import { SyncRunRepository, type SyncRunPageProgress } from '@storebridge/sync-persistence';
import { SYNC_FEATURE_OPTIONS, type SyncFeatureOptions } from '../sync-feature.options';
import { findReadableConnection } from '../readable-connection';
import { SYNCED_RECORD_KINDS, type SyncedRecordKind } from '../synced-record-kinds';
import {
  mirroredContentHash,
  type RecordSelection,
  selectedNormalizationKey,
  splitBySelection,
} from '../connection-settings/record-selection';
import { DEFAULT_PROGRESS_INTERVAL_MS, RunProgressBuffer } from './run-progress';

/** A crawled page compared with the mirror: what is left is to write its changes and count it. */
interface ComparedPage<T> {
  page: CrawledPage;
  counts: StorePageCounts;
  /** Empty for a page known unchanged: its skipped records were reported when it was normalized. */
  skipped: SkippedStoreRecord[];
  changed: T[];
  /** By id, the store's record (mirrored with a changed record, for webhook merges) and the content hash. */
  raws: ReadonlyMap<string, Record<string, unknown>>;
  contentHashes: ReadonlyMap<string, string>;
  selection: RecordSelection<T>;
  timings: SyncRunTimings;
}

interface NormalizedPage<T> {
  records: T[];
  /** The store's record of each normalized record by id (the last of a repeated id), mirrored for webhook merges. */
  raws: Map<string, Record<string, unknown>>;
  skipped: SkippedStoreRecord[];
  warnings: SyncWarningCounts;
}

/** What a crawl compares each page with: its key of normalization and the page bodies its fingerprints hold. */
interface CrawlBaseline<T = unknown> {
  /** Also covers the selection: a page taken under another list of categories to leave out is normalized again. */
  normalizationKey: string;
  selection: RecordSelection<T>;
  /** See republishesAll. */
  republishAll: boolean;
  /** Page → body hash of the last crawl under this key; empty when no page may be taken for unchanged. */
  bodyHashes: ReadonlyMap<number, string>;
}

const NOTHING = new Map<string, never>();

/** Deleted ids per message: keeps a message small whatever the store removed. */
export const DELETED_IDS_PER_MESSAGE = 500;

/**
 * Requests to a store at once during a crawl. Two, not more: once its pages need no normalizing, an unchanged
 * re-sync mostly waits on the store, and two requests at once make it clearly faster than one, while three are no
 * faster than two. A store is not asked harder than that, and its 429s still hold every request (Retry-After).
 */
export const STORE_PAGES_IN_FLIGHT = 2;

/**
 * A complete crawl that misses more than this share of the mirrored records (and at least
 * DELETION_HOLD_MIN_RECORDS) holds their deletion until a later complete crawl still misses them (spec §3): one
 * flapping page or an empty answer must not empty a merchant's catalogue.
 */
export const DEFAULT_DELETION_HOLD_SHARE = 0.2;
export const DELETION_HOLD_MIN_RECORDS = 2;

/** When another replica crawls the connection, the request comes back after this long. */
export const LOCKED_CONNECTION_RETRY_MS = 60_000;

function countBy(counts: SyncWarningCounts, kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

/** Runs that must publish every record, changed or not (see recordSeenAndFindChanged). */
const REPUSH_TRIGGERS: ReadonlySet<string> = new Set<SyncTrigger>(['activate', 'config_updated']);

/**
 * Whether a run publishes every record, changed or not: after an activation, and under a configuration whose
 * records no crawl has all published yet (the crawl its change asked for failed, or was interrupted): what ShopiMind
 * stores also depends on the connection (language, currency, categories left out), which content hashes miss.
 */
function republishesAll(trigger: string, view: StoreConnectionView): boolean {
  const { configFingerprint, republishedFingerprint } = view.connection;
  return REPUSH_TRIGGERS.has(trigger) || (republishedFingerprint ?? null) !== configFingerprint;
}

/** Milliseconds since `start`, whole: run timings are for people, not profilers. */
function elapsedSince(start: number): number {
  return Math.round(performance.now() - start);
}

/**
 * Full crawl of one store connection (generic-api spec §3-§5), one record kind after the other: products, then
 * orders. Each page is normalized and compared with the mirror, and the changes are published to push. The run
 * records its progress as it goes (RunProgressBuffer), so a restarted worker resumes where it stopped.
 */
@Injectable()
export class StoreSyncService {
  private readonly logger = new Logger(StoreSyncService.name);

  constructor(
    private readonly storeConnections: StoreConnectionService,
    private readonly syncRuns: SyncRunRepository,
    @Inject(SYNCED_RECORD_KINDS) private readonly kinds: readonly SyncedRecordKind[],
    private readonly locks: AdvisoryLockRepository,
    @Inject(SYNC_FEATURE_OPTIONS) private readonly options: SyncFeatureOptions,
    // Absent in tests that do not look at metrics.
    @Optional() private readonly metrics?: SyncMetrics,
    // Absent in tests that do not look at crawl completions.
    @Optional() private readonly crawlCompletions?: MessagePublisher,
  ) {}

  async runFullSync(request: SyncRequestedEvent): Promise<void> {
    const view = await findReadableConnection(
      this.storeConnections,
      request.connectionId,
      this.logger,
      'Sync requested',
    );
    if (!view) {
      return;
    }
    // One crawl per connection across replicas: a second one would publish every change twice.
    const outcome = await this.locks.tryWithLock(`sync:${view.connection.id}`, () =>
      this.runLocked(request, view),
    );
    if (!outcome.acquired) {
      throw new RetryLaterError(
        LOCKED_CONNECTION_RETRY_MS,
        `A crawl of connection ${view.connection.id} is already running`,
      );
    }
  }

  /**
   * Entities are crawled one after the other, so a running run of an entity means every entity before it was
   * done: a redelivered request resumes there instead of crawling the earlier ones again. Crawling them side by
   * side is slower: the crawls compete for the same CPU and database, and the sync process needs more memory.
   */
  private async runLocked(request: SyncRequestedEvent, view: StoreConnectionView): Promise<void> {
    const resumable = await this.syncRuns.findResumable(request.connectionId);
    const resumedIndexes = this.kinds
      .map((kind, index) => (resumable.some((run) => run.entity === kind.name) ? index : -1))
      .filter((index) => index >= 0);
    const firstIndex = resumedIndexes.length > 0 ? Math.min(...resumedIndexes) : 0;
    const ends: SyncRunEnd[] = [];
    for (const kind of this.kinds.slice(firstIndex)) {
      ends.push(
        await this.runEntity(
          request,
          view,
          kind,
          resumable.find((run) => run.entity === kind.name),
        ),
      );
    }
    // Every record was published under this configuration (a request resumed past the first kind cannot tell).
    if (
      firstIndex === 0 &&
      ends.every((end) => end === 'succeeded') &&
      republishesAll(request.trigger, view)
    ) {
      await this.storeConnections.recordRepublished(view.connection);
    }
  }

  private async runEntity(
    request: SyncRequestedEvent,
    view: StoreConnectionView,
    kind: SyncedRecordKind,
    resumable: SyncRunEntity | undefined,
  ): Promise<SyncRunEnd> {
    const started = performance.now();
    let end: SyncRunEnd = 'interrupted';
    try {
      end = await this.runKindOnce(request, view, kind, resumable);
    } finally {
      this.metrics?.runEnded(kind.name, end, performance.now() - started);
    }
    return end;
  }

  /** How the run ended; a failure of our own (bus, database) is thrown, the run left to resume. */
  private async runKindOnce(
    request: SyncRequestedEvent,
    view: StoreConnectionView,
    kind: SyncedRecordKind,
    resumable: SyncRunEntity | undefined,
  ): Promise<SyncRunEnd> {
    const run =
      resumable ??
      (await this.syncRuns.start({
        connectionId: request.connectionId,
        entity: kind.name,
        trigger: request.trigger,
      }));
    if (resumable) {
      this.logger.log(`Resuming ${kind.name} sync run ${run.id} at page ${run.nextPage}`);
    }
    // Checked again at every crawl, not only when the merchant saved the URL: DNS answers change.
    const verdict = await checkStoreUrl(view.settings.baseUrl, {
      allowPrivate: this.options.allowPrivateStoreUrls,
    });
    if (!verdict.ok) {
      await this.syncRuns.finish(run.id, 'failed', verdict.message);
      this.logger.warn(`Sync run ${run.id} refused: ${verdict.message}`);
      return 'failed';
    }
    try {
      const { nextPage, summary } = await this.crawl(view, kind, run);
      const end = {
        nextPage,
        pagesFetched: 0,
        stopReason: summary.stopReason,
        endConfirmed: summary.complete,
      };
      if (summary.complete) {
        // Only a crawl proven complete shows a record is gone (spec §3).
        await this.deleteUnseen(view, kind, run, end);
        // Nor are the pages past its end there any more.
        await kind.mirror.forgetPagesFrom(view.connection.id, nextPage);
        // Once the mirror holds what the store lists: push deletes what only records gone pointed at.
        await this.crawlCompletions?.publish(
          Subjects.crawlCompleted,
          {
            connectionId: view.connection.id,
            entity: kind.name,
            syncRunId: run.id,
            startedAt: run.startedAt.toISOString(),
          },
          { messageId: `${run.id}:${kind.name}:crawl-completed` },
        );
      } else {
        await this.syncRuns.recordPage(run.id, end);
        this.logger.warn(
          `Sync run ${run.id} ended on a page that repeats an earlier one: the store may ignore "page", so its end is not proven and nothing is deleted`,
        );
      }
      const finished = await this.syncRuns.finish(run.id, 'succeeded');
      this.logger.log(
        `Sync run ${run.id} succeeded: ${finished?.pagesFetched ?? 0} pages, ${finished?.recordsValid ?? 0} ${kind.name}, ${finished?.recordsSkipped ?? 0} skipped, ${finished?.recordsChanged ?? 0} changed, ${finished?.recordsDeleted ?? 0} deleted, ${finished?.deletionsHeld ?? 0} deletions held`,
      );
      return 'succeeded';
    } catch (error) {
      if (!(error instanceof StoreRequestError || error instanceof StoreCrawlError)) {
        // Our own bus or database failed, not the store: the run stays resumable and the request is
        // redelivered, so the crawl goes on from the last recorded page.
        throw error;
      }
      // Recorded on the run for the merchant; retrying a broken store at once would not help. The next entity
      // is still crawled: a store may serve products well and orders badly (or not at all).
      await this.syncRuns.finish(run.id, 'failed', error.message);
      this.logger.warn(`Sync run ${run.id} failed: ${error.message}`);
      return 'failed';
    }
  }

  /**
   * Returns the page a resumed crawl would start at, i.e. one past the last crawled page, and how the crawl ended.
   * Pages overlap: while one
   * page's changes are written to the mirror and published, the next is normalized and compared with the mirror
   * (and the one after is fetched); the writes stay in page order.
   */
  private async crawl(
    view: StoreConnectionView,
    kind: SyncedRecordKind,
    run: SyncRunEntity,
  ): Promise<{ nextPage: number; summary: CrawlSummary }> {
    const connectionId = view.connection.id;
    const client = new StoreClient(view.settings, {
      allowPrivateAddresses: this.options.allowPrivateStoreUrls,
      onAttempt: (attempt) => this.metrics?.storeRequest(connectionId, attempt),
    });
    const progress = new RunProgressBuffer(this.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
    const written = { nextPage: run.nextPage };
    const baseline = await this.baselineOf(view, kind, run);
    let writing: Promise<void> = Promise.resolve();
    let fetchStart = performance.now();
    let summary: CrawlSummary;
    try {
      // Reading ahead overlaps the store's latency with the mirror and bus work of the page before.
      const pages = readAhead(
        crawlPages(client, kind.name, {
          startPage: run.nextPage,
          pagesInFlight: STORE_PAGES_IN_FLIGHT,
          ...(this.options.maxRecordsPerEntity === undefined
            ? {}
            : { maxRecords: this.options.maxRecordsPerEntity }),
        }),
      );
      for (let next = await pages.next(); ; next = await pages.next()) {
        if (next.done) {
          summary = next.value;
          break;
        }
        const page = next.value;
        // Waiting for the store, beyond what reading ahead hid.
        const timings: SyncRunTimings = { fetchMs: elapsedSince(fetchStart) };
        const compared = this.compare(view, kind, run, page, baseline, timings);
        const previous = writing;
        writing = compared.then(async (comparedPage) => {
          await previous;
          await this.writePage(view, kind, run, comparedPage, progress, written);
        });
        // Awaited with the next page (or below); a failure meanwhile is not an unhandled rejection.
        writing.catch(() => undefined);
        await previous;
        fetchStart = performance.now();
      }
      await writing;
    } catch (error) {
      // The pages done before the failure count for the run (a failed run reports them), and are not read again.
      await writing.catch(() => undefined);
      await this.writeProgress(run, progress.take(true)).catch(() => undefined);
      throw error;
    }
    await this.writeProgress(run, progress.take(true));
    return { nextPage: written.nextPage, summary };
  }

  /**
   * When every record is published (republishesAll) no page is taken for unchanged: there is nothing to look up.
   */
  private async baselineOf<T extends { id: string }>(
    view: StoreConnectionView,
    kind: SyncedRecordKind<T>,
    run: SyncRunEntity,
  ): Promise<CrawlBaseline<T>> {
    const selection = kind.selection(view.connection);
    const normalizationKey = selectedNormalizationKey(kind.normalizationKey(view.settings), selection);
    const republishAll = republishesAll(run.trigger, view);
    const bodyHashes = republishAll
      ? new Map<number, string>()
      : await kind.mirror.findPageBodyHashes(view.connection.id, normalizationKey);
    return { normalizationKey, selection, republishAll, bodyHashes };
  }

  /**
   * Compares one page with the mirror and records it as seen. A page whose body and normalization are those of its
   * fingerprint, and whose records the mirror still holds as that crawl left them, is known unchanged without
   * normalizing it (StoreRecordMirror.recordUnchangedPage): an unchanged re-sync is then little more than its
   * fetches. Any other page is normalized, compared record by record, and fingerprinted for the next crawl.
   */
  private async compare<T extends { id: string }>(
    view: StoreConnectionView,
    kind: SyncedRecordKind<T>,
    run: SyncRunEntity,
    page: CrawledPage,
    baseline: CrawlBaseline<T>,
    timings: SyncRunTimings,
  ): Promise<ComparedPage<T>> {
    let stepStart = performance.now();
    if (page.bodyHash !== undefined && baseline.bodyHashes.get(page.page) === page.bodyHash) {
      const unchanged = await kind.mirror.recordUnchangedPage(
        view.connection.id,
        run.id,
        page.page,
        page.bodyHash,
        baseline.normalizationKey,
      );
      timings['mirrorMs'] = elapsedSince(stepStart);
      // A redelivered page goes the long way, which publishes all its records (see recordSeenAndFindChanged).
      if (unchanged?.firstTime) {
        return {
          page,
          counts: unchanged.counts,
          skipped: [],
          changed: [],
          raws: NOTHING,
          contentHashes: NOTHING,
          selection: baseline.selection,
          timings,
        };
      }
    }
    stepStart = performance.now();
    const normalized = this.normalize(view, kind, page);
    timings['normalizeMs'] = elapsedSince(stepStart);

    stepStart = performance.now();
    const counts: StorePageCounts = {
      recordsValid: normalized.records.length,
      recordsSkipped: normalized.skipped.length,
      warnings: normalized.warnings,
    };
    const { changed, contentHashes } = await this.recordSeenAndFindChanged(
      view.connection.id,
      kind,
      run,
      page,
      normalized,
      { normalizationKey: baseline.normalizationKey, counts },
      baseline,
    );
    timings['mirrorMs'] = (timings['mirrorMs'] ?? 0) + elapsedSince(stepStart);
    return {
      page,
      counts,
      skipped: normalized.skipped,
      changed,
      raws: normalized.raws,
      contentHashes,
      selection: baseline.selection,
      timings,
    };
  }

  /** Writes one compared page's changes to the mirror, publishes them, then counts the page as done. */
  private async writePage<T extends { id: string }>(
    view: StoreConnectionView,
    kind: SyncedRecordKind<T>,
    run: SyncRunEntity,
    { page, counts, skipped, changed, raws, contentHashes, selection, timings }: ComparedPage<T>,
    progress: RunProgressBuffer,
    written: { nextPage: number },
  ): Promise<void> {
    const connectionId = view.connection.id;
    let stepStart = performance.now();
    if (changed.length > 0) {
      // Mirror first: once a page is published, the widgets can already be asked about its products.
      await kind.mirror.upsertMany(connectionId, changed, raws, contentHashes);
    }
    timings['mirrorMs'] = (timings['mirrorMs'] ?? 0) + elapsedSince(stepStart);

    stepStart = performance.now();
    if (changed.length > 0) {
      // A record left out is announced as deleted: ShopiMind may hold it from before the merchant left it out.
      const { kept, leftOutIds } = splitBySelection(changed, selection);
      await kind.publishChange(
        { connectionId, syncRunId: run.id, page: page.page, records: kept, deletedIds: leftOutIds },
        `${run.id}:${kind.name}:${page.page}`,
      );
    }
    timings['publishMs'] = elapsedSince(stepStart);

    written.nextPage = page.page + 1;
    this.metrics?.pageCrawled(connectionId, kind.name, page.records.length, counts.recordsSkipped);
    // Only after the page was published: a resumed crawl never skips a page push did not get.
    progress.add({
      nextPage: written.nextPage,
      recordsSeen: page.records.length,
      recordsValid: counts.recordsValid,
      recordsSkipped: counts.recordsSkipped,
      recordsChanged: changed.length,
      warnings: counts.warnings,
      skippedRecords: skipped,
      timings,
    });
    await this.writeProgress(run, progress.take());
  }

  private async writeProgress(run: SyncRunEntity, progress: SyncRunPageProgress | undefined): Promise<void> {
    if (progress) {
      await this.syncRuns.recordPage(run.id, progress);
    }
  }

  /**
   * Records the ids the page showed, since the deletion pass keeps exactly the records a run saw, with the page's
   * fingerprint when the store told its body. Returns the records to publish: new ones and those whose content
   * differs from the mirror's. When an id repeats, its last record wins. Every record of a page this run had recorded
   * already is published: the page was redelivered, and the mirror (written before publishing) may hold records
   * push never got; publishing twice is harmless. Every record is published too when the run republishes all
   * (republishesAll).
   */
  private async recordSeenAndFindChanged<T extends { id: string }>(
    connectionId: string,
    kind: SyncedRecordKind<T>,
    run: SyncRunEntity,
    page: CrawledPage,
    normalized: NormalizedPage<T>,
    fingerprint: { normalizationKey: string; counts: StorePageCounts },
    { selection, republishAll }: Pick<CrawlBaseline<T>, 'selection' | 'republishAll'>,
  ): Promise<{ changed: T[]; contentHashes: Map<string, string> }> {
    const latest = new Map(normalized.records.map((record) => [record.id, record]));
    const contentHashes = new Map(
      [...latest].map(([id, record]) => [id, mirroredContentHash(record, selection)]),
    );
    const seen = await kind.mirror.recordSeen(
      connectionId,
      run.id,
      page.page,
      [...latest.keys()],
      page.bodyHash === undefined ? undefined : { ...fingerprint, bodyHash: page.bodyHash, contentHashes },
    );
    if (!seen.firstTime || republishAll) {
      return { changed: [...latest.values()], contentHashes };
    }
    const changed = [...latest.values()].filter(
      (record) => seen.contentHashes.get(record.id) !== contentHashes.get(record.id),
    );
    return { changed, contentHashes };
  }

  /**
   * Publishes, then removes from the mirror, the connection's records this complete crawl did not see, unless they
   * are an unusual share of the catalogue: those are held (marked, reported on the run) and deleted by a later
   * complete crawl that still misses them. All chunks are published before any row is deleted: a redelivered
   * request after a failure finds the same ids, in the same chunks under the same message ids, so the bus drops
   * what it already has.
   */
  private async deleteUnseen(
    view: StoreConnectionView,
    kind: SyncedRecordKind,
    run: SyncRunEntity,
    end: SyncRunPageProgress & { nextPage: number },
  ): Promise<void> {
    const connectionId = view.connection.id;
    await kind.mirror.releaseHeldDeletions(connectionId, run.id);
    const unseen = await kind.mirror.findUnseen(connectionId, run.id);
    const share = this.options.deletionHoldShare ?? DEFAULT_DELETION_HOLD_SHARE;
    const hold =
      unseen.fresh.length >= DELETION_HOLD_MIN_RECORDS && unseen.fresh.length > share * unseen.mirrored;
    const deleting = hold ? unseen.confirmed : [...unseen.confirmed, ...unseen.fresh].sort();
    if (hold) {
      await kind.mirror.holdDeletions(connectionId, run.id, unseen.fresh);
      this.logger.warn(
        `Sync run ${run.id} held the deletion of ${unseen.fresh.length} of ${unseen.mirrored} ${kind.name} the store no longer lists: more than ${Math.round(share * 100)} % at once, so the next complete crawl must confirm it`,
      );
    }
    const chunks: string[][] = [];
    for (let start = 0; start < deleting.length; start += DELETED_IDS_PER_MESSAGE) {
      chunks.push(deleting.slice(start, start + DELETED_IDS_PER_MESSAGE));
    }
    for (const [index, deletedIds] of chunks.entries()) {
      await kind.publishChange(
        { connectionId, syncRunId: run.id, page: end.nextPage, records: [], deletedIds },
        `${run.id}:${kind.name}:deleted:${index}`,
      );
    }
    let deleted = 0;
    for (const deletedIds of chunks) {
      deleted += await kind.mirror.deleteMany(connectionId, deletedIds);
    }
    await this.syncRuns.recordPage(run.id, {
      ...end,
      recordsDeleted: deleted,
      deletionsHeld: hold ? unseen.fresh.length : 0,
    });
  }

  private normalize<T extends { id: string }>(
    view: StoreConnectionView,
    kind: SyncedRecordKind<T>,
    page: CrawledPage,
  ): NormalizedPage<T> {
    const result: NormalizedPage<T> = { records: [], raws: new Map(), skipped: [], warnings: {} };
    page.records.forEach((raw, index) => {
      const normalized = kind.normalize(raw, view.settings);
      normalized.warningCodes.forEach((code) => countBy(result.warnings, code));
      if (normalized.record) {
        result.records.push(normalized.record);
        // A normalized record came from an object record.
        result.raws.set(normalized.record.id, raw as Record<string, unknown>);
      } else {
        const reason = normalized.skipReason ?? 'invalid';
        const id = isRecord(raw) ? kind.idOf(raw, view.settings) : undefined;
        result.skipped.push({ page: page.page, index, reason, ...(id === undefined ? {} : { id }) });
        countBy(result.warnings, `skipped_${reason}`);
        this.logger.debug(`Skipped ${kind.name} record at page ${page.page}, index ${index}: ${reason}`);
      }
    });
    return result;
  }
}
