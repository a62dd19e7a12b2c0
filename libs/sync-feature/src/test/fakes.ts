import { randomUUID } from 'node:crypto';
import type { StoreConnectionService, StoreConnectionView } from '@storebridge/connections';
import { resolveStoreSettings, type StoreConnectionInput } from '@storebridge/store-client';
import {
  recordContentHash,
  type AdvisoryLockRepository,
  type LockOutcome,
  type StoreConnectionEntity,
  type StorePageCounts,
  type RecordKind,
  type SyncRunEntity,
  MAX_SKIPPED_RECORDS_KEPT,
} from '@storebridge/persistence';
import {
  mirrorDigest,
  type FinishedSyncRunStatus,
  type MirroredRecordState,
  type PageFingerprint,
  type RawStoreRecord,
  type SeenPage,
  type StartSyncRun,
  type SyncRunPageProgress,
  type SyncRunRepository,
  type UnchangedPage,
  type UnseenRecords,
} from '@storebridge/sync-persistence';
import type { StoreEventDelivery } from '../lib/store-events/store-record-event.service';
import { StoreSyncService } from '../lib/store-sync/store-sync.service';
import type { SyncFeatureOptions } from '../lib/sync-feature.options';
import type { RecordMirror, SyncedRecordKind } from '../lib/synced-record-kinds';

interface MirrorRow<T> {
  record: T;
  raw: RawStoreRecord | null;
  /** As the writer gave it, like the real mirror's `content_hash` column. */
  contentHash: string;
  /** When it was written, on the clock `FakeSyncRuns` stamps its runs with. */
  writtenAt: bigint;
  /** The run that held its deletion, if one did. */
  deletionHeldByRun?: string;
}

/**
 * A mirror with the real one's contract (StoreRecordMirror): one row per connection and id, the last write
 * wins; the ids a run saw come from `runs` (FakeSyncRuns.recordSeen). `journal`, when given, records writes for
 * tests on step order.
 */
export class InMemoryMirror<T extends { id: string }> implements RecordMirror<T> {
  readonly rows = new Map<string, MirrorRow<T>>();
  /** `connectionId/page` → the page's fingerprint, as `store_page_fingerprints` holds it. */
  readonly fingerprints = new Map<
    string,
    { bodyHash: string; normalizationKey: string; ids: string[]; digest: string; counts: StorePageCounts }
  >();
  /** Pages `recordUnchangedPage` took for unchanged. */
  readonly unchangedPages: number[] = [];
  /** When set, the next upsert fails, as a database that is down would. */
  failNext = false;

  constructor(
    private readonly journal?: string[],
    private readonly runs?: FakeSyncRuns,
  ) {}

  record(connectionId: string, id: string): T | undefined {
    return this.rows.get(`${connectionId}/${id}`)?.record;
  }

  raw(connectionId: string, id: string): RawStoreRecord | null | undefined {
    return this.rows.get(`${connectionId}/${id}`)?.raw;
  }

  ids(connectionId: string): string[] {
    return [...this.rows.keys()]
      .filter((key) => key.startsWith(`${connectionId}/`))
      .map((key) => key.slice(connectionId.length + 1))
      .sort();
  }

  async upsertMany(
    connectionId: string,
    records: readonly T[],
    raws?: ReadonlyMap<string, RawStoreRecord>,
    contentHashes?: ReadonlyMap<string, string>,
  ): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database unavailable');
    }
    this.journal?.push(`mirror:${records.length}`);
    for (const record of records) {
      this.rows.set(`${connectionId}/${record.id}`, {
        record,
        raw: raws?.get(record.id) ?? null,
        contentHash: contentHashes?.get(record.id) ?? recordContentHash(record),
        writtenAt: process.hrtime.bigint(),
      });
    }
  }

  async recordSeen(
    connectionId: string,
    syncRunId: string,
    page: number,
    ids: readonly string[],
    fingerprint?: PageFingerprint,
  ): Promise<SeenPage> {
    if (!this.runs) {
      throw new Error('InMemoryMirror needs the FakeSyncRuns whose runs see the records');
    }
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) {
      return { firstTime: true, contentHashes: new Map() };
    }
    if (fingerprint) {
      this.fingerprints.set(`${connectionId}/${page}`, {
        bodyHash: fingerprint.bodyHash,
        normalizationKey: fingerprint.normalizationKey,
        ids: wanted,
        digest: mirrorDigest(wanted, fingerprint.contentHashes),
        counts: fingerprint.counts,
      });
    }
    const firstTime = this.runs.recordSeen(syncRunId, page, wanted);
    const contentHashes = new Map<string, string>();
    for (const id of ids) {
      const row = this.rows.get(`${connectionId}/${id}`);
      if (row) {
        contentHashes.set(id, row.contentHash);
      }
    }
    return { firstTime, contentHashes };
  }

  async findPageBodyHashes(connectionId: string, normalizationKey: string): Promise<Map<number, string>> {
    const prefix = `${connectionId}/`;
    return new Map(
      [...this.fingerprints]
        .filter(([key, kept]) => key.startsWith(prefix) && kept.normalizationKey === normalizationKey)
        .map(([key, kept]) => [Number(key.slice(prefix.length)), kept.bodyHash]),
    );
  }

  async recordUnchangedPage(
    connectionId: string,
    syncRunId: string,
    page: number,
    bodyHash: string,
    normalizationKey: string,
  ): Promise<UnchangedPage | null> {
    const kept = this.fingerprints.get(`${connectionId}/${page}`);
    if (!kept || kept.bodyHash !== bodyHash || kept.normalizationKey !== normalizationKey || !this.runs) {
      return null;
    }
    const held = new Map(
      kept.ids.flatMap((id) => {
        const row = this.rows.get(`${connectionId}/${id}`);
        return row ? [[id, row.contentHash] as const] : [];
      }),
    );
    if (mirrorDigest(kept.ids, held) !== kept.digest) {
      return null;
    }
    this.unchangedPages.push(page);
    return { firstTime: this.runs.recordSeen(syncRunId, page, kept.ids), counts: kept.counts };
  }

  async forgetPagesFrom(connectionId: string, page: number): Promise<void> {
    const prefix = `${connectionId}/`;
    for (const key of [...this.fingerprints.keys()]) {
      if (key.startsWith(prefix) && Number(key.slice(prefix.length)) >= page) {
        this.fingerprints.delete(key);
      }
    }
  }

  async findUnseen(connectionId: string, syncRunId: string): Promise<UnseenRecords> {
    if (!this.runs) {
      throw new Error('InMemoryMirror needs the FakeSyncRuns whose runs saw the records');
    }
    const seen = this.runs.seenIds(syncRunId);
    const startedAt = this.runs.startedAt(syncRunId);
    const ids = this.ids(connectionId);
    const unseen = ids.flatMap((id) => {
      const row = this.rows.get(`${connectionId}/${id}`);
      return row !== undefined && row.writtenAt < startedAt && !seen.has(id) ? [{ id, row }] : [];
    });
    const confirmed = ({ row }: { row: MirrorRow<T> }): boolean =>
      row.deletionHeldByRun !== undefined && row.deletionHeldByRun !== syncRunId;
    return {
      fresh: unseen.filter((entry) => !confirmed(entry)).map(({ id }) => id),
      confirmed: unseen.filter(confirmed).map(({ id }) => id),
      mirrored: unseen.length === 0 ? 0 : ids.length,
    };
  }

  async holdDeletions(connectionId: string, syncRunId: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const row = this.rows.get(`${connectionId}/${id}`);
      if (row && row.deletionHeldByRun === undefined) {
        row.deletionHeldByRun = syncRunId;
      }
    }
  }

  async releaseHeldDeletions(connectionId: string, syncRunId: string): Promise<void> {
    if (!this.runs) {
      throw new Error('InMemoryMirror needs the FakeSyncRuns whose runs saw the records');
    }
    for (const id of this.runs.seenIds(syncRunId)) {
      const row = this.rows.get(`${connectionId}/${id}`);
      if (row) {
        delete row.deletionHeldByRun;
      }
    }
  }

  async findStates(connectionId: string, ids: readonly string[]): Promise<Map<string, MirroredRecordState>> {
    this.journal?.push(`read:${ids.length}`);
    const states = new Map<string, MirroredRecordState>();
    for (const id of ids) {
      const row = this.rows.get(`${connectionId}/${id}`);
      if (row) {
        states.set(id, { contentHash: row.contentHash, raw: row.raw });
      }
    }
    return states;
  }

  async deleteMany(connectionId: string, ids: readonly string[]): Promise<number> {
    this.journal?.push(`delete:${ids.length}`);
    return ids.filter((id) => this.rows.delete(`${connectionId}/${id}`)).length;
  }
}

/** Store connections as StoreConnectionService resolves them, built from plain settings. */
export class FakeStoreConnections implements Pick<StoreConnectionService, 'findById' | 'recordRepublished'> {
  readonly views = new Map<string, StoreConnectionView>();
  readonly lookups: string[] = [];

  add(input: StoreConnectionInput): StoreConnectionView {
    const settings = resolveStoreSettings(input);
    const now = new Date();
    const connection: StoreConnectionEntity = {
      id: randomUUID(),
      installationId: randomUUID(),
      baseUrl: settings.baseUrl,
      authMethod: settings.auth.method,
      credentialsCiphertext: 'v1.not.used.here',
      paths: settings.paths,
      fieldMappings: {
        products: { ...settings.fieldMappings.products },
        orders: { ...settings.fieldMappings.orders },
      },
      lang: 'fr',
      currency: 'EUR',
      syncIntervalMinutes: 60,
      perPage: settings.perPage,
      webhookSecretCiphertext: null,
      configFingerprint: null,
      nextSyncAt: null,
      storeToken: 'store-token',
      createdAt: now,
      updatedAt: now,
    };
    const view: StoreConnectionView = { connection, settings };
    this.views.set(connection.id, view);
    return view;
  }

  /** Like the repository: only while the configuration is the one the crawl published under. */
  async recordRepublished(
    connection: Pick<StoreConnectionEntity, 'id' | 'configFingerprint'>,
  ): Promise<void> {
    const stored = this.views.get(connection.id)?.connection;
    if (stored && stored.configFingerprint === connection.configFingerprint) {
      stored.republishedFingerprint = connection.configFingerprint;
    }
  }

  async findById(connectionId: string): Promise<StoreConnectionView | null> {
    this.lookups.push(connectionId);
    return this.views.get(connectionId) ?? null;
  }

  asService(): StoreConnectionService {
    return this as unknown as StoreConnectionService;
  }
}

export function aSyncRun(
  overrides: Partial<SyncRunEntity> & Pick<SyncRunEntity, 'connectionId'>,
): SyncRunEntity {
  const now = new Date();
  return {
    id: randomUUID(),
    trigger: 'manual',
    status: 'running',
    entity: 'products',
    nextPage: 1,
    pagesFetched: 0,
    recordsSeen: 0,
    recordsValid: 0,
    recordsSkipped: 0,
    recordsChanged: 0,
    recordsDeleted: 0,
    deletionsHeld: 0,
    warnings: {},
    skippedRecords: [],
    stopReason: null,
    endConfirmed: null,
    timings: {},
    error: null,
    startedAt: now,
    finishedAt: null,
    updatedAt: now,
    ...overrides,
  };
}

/** Same contract as the real repository: deltas add up, warnings merge, finished runs stop changing. */
export class FakeSyncRuns implements Pick<
  SyncRunRepository,
  'findResumable' | 'start' | 'recordPage' | 'finish'
> {
  readonly runs = new Map<string, SyncRunEntity>();
  readonly starts: StartSyncRun[] = [];
  /** Run id → page → the ids it showed, as `sync_run_seen_ids` holds them. */
  readonly seenPages = new Map<string, Map<number, string[]>>();
  private readonly startClock = new Map<string, bigint>();

  constructor(private readonly journal: string[] = []) {}

  seed(run: SyncRunEntity): SyncRunEntity {
    this.runs.set(run.id, run);
    this.startClock.set(run.id, process.hrtime.bigint());
    return run;
  }

  seenIds(runId: string): Set<string> {
    return new Set([...(this.seenPages.get(runId)?.values() ?? [])].flat());
  }

  /** On the clock InMemoryMirror stamps its writes with. */
  startedAt(runId: string): bigint {
    const start = this.startClock.get(runId);
    if (start === undefined) {
      throw new Error(`unknown sync run ${runId}`);
    }
    return start;
  }

  /** As `sync_run_seen_ids` keeps them for InMemoryMirror.recordSeen: true the first time a page is recorded. */
  recordSeen(id: string, page: number, storeIds: readonly string[]): boolean {
    const pages = this.seenPages.get(id) ?? new Map<number, string[]>();
    this.seenPages.set(id, pages);
    const firstTime = !pages.has(page);
    pages.set(page, [...new Set(storeIds)]);
    return firstTime;
  }

  only(): SyncRunEntity {
    const runs = [...this.runs.values()];
    if (runs.length !== 1) {
      throw new Error(`expected exactly one sync run, found ${runs.length}`);
    }
    return runs[0];
  }

  async findResumable(connectionId: string, entity?: RecordKind): Promise<SyncRunEntity[]> {
    return [...this.runs.values()]
      .filter((run) => run.connectionId === connectionId && run.status === 'running')
      .filter((run) => entity === undefined || run.entity === entity)
      .map((run) => ({ ...run }));
  }

  async start(input: StartSyncRun): Promise<SyncRunEntity> {
    this.starts.push(input);
    this.journal.push('start');
    const run = this.seed(
      aSyncRun({
        connectionId: input.connectionId,
        entity: input.entity,
        trigger: input.trigger,
        nextPage: input.nextPage ?? 1,
      }),
    );
    return { ...run };
  }

  async recordPage(id: string, progress: SyncRunPageProgress): Promise<boolean> {
    this.journal.push(`record:${progress.nextPage}`);
    const run = this.runs.get(id);
    if (!run || run.status !== 'running') {
      return false;
    }
    run.nextPage = progress.nextPage;
    run.pagesFetched += progress.pagesFetched ?? 1;
    run.recordsSeen += progress.recordsSeen ?? 0;
    run.recordsValid += progress.recordsValid ?? 0;
    run.recordsSkipped += progress.recordsSkipped ?? 0;
    run.recordsChanged += progress.recordsChanged ?? 0;
    run.recordsDeleted += progress.recordsDeleted ?? 0;
    run.deletionsHeld += progress.deletionsHeld ?? 0;
    run.skippedRecords = [...run.skippedRecords, ...(progress.skippedRecords ?? [])].slice(
      0,
      MAX_SKIPPED_RECORDS_KEPT,
    );
    run.stopReason = progress.stopReason ?? run.stopReason;
    run.endConfirmed = progress.endConfirmed ?? run.endConfirmed;
    for (const [kind, count] of Object.entries(progress.warnings ?? {})) {
      run.warnings[kind] = (run.warnings[kind] ?? 0) + count;
    }
    for (const [step, ms] of Object.entries(progress.timings ?? {})) {
      run.timings[step] = (run.timings[step] ?? 0) + ms;
    }
    return true;
  }

  async finish(id: string, status: FinishedSyncRunStatus, error?: string): Promise<SyncRunEntity | null> {
    this.journal.push(`finish:${status}`);
    const run = this.runs.get(id);
    if (!run || run.status !== 'running') {
      return null;
    }
    run.status = status;
    run.error = error ?? null;
    run.finishedAt = new Date();
    this.seenPages.delete(id);
    return { ...run };
  }
}

/** Same contract as the real locks: a key held elsewhere (another replica) is not acquired, and `work` never runs. */
export class FakeAdvisoryLocks implements Pick<AdvisoryLockRepository, 'tryWithLock'> {
  readonly heldElsewhere = new Set<string>();
  readonly taken: string[] = [];

  async tryWithLock<T>(key: string, work: () => Promise<T>): Promise<LockOutcome<T>> {
    if (this.heldElsewhere.has(key)) {
      return { acquired: false };
    }
    this.heldElsewhere.add(key);
    this.taken.push(key);
    try {
      return { acquired: true, result: await work() };
    } finally {
      this.heldElsewhere.delete(key);
    }
  }
}

export interface StoreSyncFakes {
  connections: FakeStoreConnections;
  syncRuns: FakeSyncRuns;
  kinds: SyncedRecordKind[];
  locks?: FakeAdvisoryLocks;
  /** Default: private (loopback) store URLs allowed, as the demo and stub stores need. */
  options?: Partial<SyncFeatureOptions>;
}

/** A StoreSyncService over the fakes. */
export function aStoreSyncService(fakes: StoreSyncFakes): StoreSyncService {
  return new StoreSyncService(
    fakes.connections.asService(),
    fakes.syncRuns as unknown as SyncRunRepository,
    fakes.kinds,
    (fakes.locks ?? new FakeAdvisoryLocks()) as unknown as AdvisoryLockRepository,
    { allowPrivateStoreUrls: true, ...fakes.options },
  );
}

let storeEventDeliveries = 0;

/** A delivery of store webhooks as the transport numbers them: each call a later stream sequence. */
export function nextStoreEventDelivery(): StoreEventDelivery {
  storeEventDeliveries += 1;
  return { sequence: storeEventDeliveries };
}
