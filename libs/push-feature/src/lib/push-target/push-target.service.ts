import { Injectable, Logger, Optional } from '@nestjs/common';
import { afterThisRun, DependencyUnavailableError, RetryLaterError } from '@storebridge/messaging';
import {
  InstallationReader,
  recordContentHash,
  StoreConnectionRepository,
  type DerivedKind,
  type DerivedReferences,
  type InstallationEntity,
  type LedgerEntity,
  type StoreConnectionEntity,
  type RecordKind,
} from '@storebridge/persistence';
import { PushOutcomeRepository, type PushOutcomeInput } from '@storebridge/push-persistence';
import { PushMetrics } from '@storebridge/runtime';
import type { DeleteChunkOutcome, WriteOutcome } from '@storebridge/shopimind-client';
import type { ReferenceRow } from './accepted-reference-rows';
import { addCount, newRunTally, runSummary, type RunTally } from './push-run-summary';
import { ShopimindTargets, type ShopimindTarget } from './shopimind-targets';

/** ShopiMind's per-call item limit for records: products, orders, customers (spec §9). */
export const RECORD_BATCH_SIZE = 50;
/** ShopiMind's per-call item limit for reference data such as order statuses and categories (spec §9). */
export const REFERENCE_BATCH_SIZE = 100;
/**
 * How long a message waits before it is tried again while its installation is not active. The transport pauses
 * the connection's whole queue meanwhile, so only the messages that found it inactive come back: a short delay is
 * cheap, and an activation is noticed within seconds.
 */
export const INACTIVE_RETRY_MS = 5_000;
/** Handler runs in flight per change handler: their writes are independent, and overlap ShopiMind's latency. */
export const CONCURRENT_RUNS = 4;
/**
 * Most records in one handler run. Consecutive messages of one connection (crawl pages, or a burst of one-record
 * webhooks) are merged into one run, so its fixed work is paid once for all of them: the installation lookup, one
 * id-mapping statement and one ledger statement. That pushes more records per second than one page per run
 * (`nx run push:bench`). The ShopiMind batches of a run still go side by side.
 */
export const COALESCED_RECORDS = 400;
/** Id-mapping entity type of store product ids: products and order lines must get the same numeric ids. */
export const PRODUCT_ENTITY = 'product';
/** Id-mapping entity type of store categories; their store id is the category key (`toShopimindCategoryKey`). */
export const CATEGORY_ENTITY = 'category';

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}

/**
 * Writes the batches of one step side by side (several batches in flight per installation: ShopiMind's latency
 * overlaps), and fails, once every write is over, with the first failure: the message is then redelivered, and
 * the batches that went through are upserted again harmlessly.
 */
export async function writeBatches<T>(
  batches: readonly T[][],
  write: (batch: T[], index: number) => Promise<void>,
): Promise<void> {
  const settled = await Promise.allSettled(batches.map((batch, index) => write(batch, index)));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) {
    throw failed.reason;
  }
}

/** What every sync → push message carries: whose data it is, and where in a crawl it comes from. */
export interface PushMessage {
  connectionId: string;
  syncRunId: string | null;
  page: number;
}

/** What a handler run knows of its delivery (`MessagingContext.getAttempt`; a merged run has its messages' highest). */
export interface PushDelivery {
  /** 1 on the first delivery. */
  attempt: number;
}

export const FIRST_DELIVERY: PushDelivery = { attempt: 1 };

/** Where one message is written to: its connection, its active installation and that one's ShopiMind target. */
export interface PushTarget {
  connection: StoreConnectionEntity;
  installation: InstallationEntity & { accessTokenCiphertext: string };
  target: ShopimindTarget;
}

/** The part every push shares: whether a message may be written now, where to, and what an outcome means. */
@Injectable()
export class PushTargetService {
  private readonly logger = new Logger(PushTargetService.name);
  /** What each message being pushed has come to, from `open` until its handler run ends. */
  private readonly tallies = new WeakMap<PushMessage, RunTally>();
  /** Messages delivered before (or merged with one that was): ShopiMind may hold some of their records already. */
  private readonly redelivered = new WeakSet<PushMessage>();

  constructor(
    private readonly connections: StoreConnectionRepository,
    private readonly installations: InstallationReader,
    private readonly targets: ShopimindTargets,
    private readonly outcomes: PushOutcomeRepository,
    // Absent in tests that do not look at metrics.
    @Optional() private readonly metrics?: PushMetrics,
  ) {}

  /**
   * The target of `message`, or null when its connection is gone. Writes happen only while the installation is
   * active (spec §2): otherwise the message is retried later rather than dropped.
   */
  async open(
    message: PushMessage,
    what: string,
    delivery: PushDelivery = FIRST_DELIVERY,
  ): Promise<PushTarget | null> {
    const connection = await this.connections.findById(message.connectionId);
    if (!connection) {
      // Uninstalled since: its data must not be pushed any more.
      this.logger.warn(`Dropped ${what} of removed connection ${message.connectionId}`);
      return null;
    }
    const found = await this.installations.findById(connection.installationId);
    if (found?.status !== 'active' || !found.accessTokenCiphertext) {
      throw new RetryLaterError(INACTIVE_RETRY_MS);
    }
    const installation = { ...found, accessTokenCiphertext: found.accessTokenCiphertext };
    const opened = { connection, installation, target: await this.targets.for(installation, connection) };
    this.summarizeRun(message, what);
    if (delivery.attempt > 1) {
      this.redelivered.add(message);
    } else {
      this.redelivered.delete(message);
    }
    return opened;
  }

  /**
   * One line at the default level once the handler run ends (the connection, sync run and correlation id come from
   * the run's scope). Only for a run that got to write: one waiting for its installation says nothing each time.
   */
  private summarizeRun(message: PushMessage, what: string): void {
    const tally = newRunTally();
    this.tallies.set(message, tally);
    afterThisRun((end) => {
      this.tallies.delete(message);
      this.logger.log(runSummary(what, tally, end));
    });
  }

  /** Parts of sent records ShopiMind cannot take (order lines), counted by kind in the run's summary line. */
  countLeftOut(message: PushMessage, kind: string, count: number): void {
    const tally = this.tallies.get(message);
    if (tally) {
      addCount(tally.leftOut, kind, count);
    }
  }

  /** Turns an outcome into "done", "pause" or "retry" for the transport (spec §9 "Errors"). */
  settle(outcome: WriteOutcome, what: string, message: PushMessage): void {
    const origin = `run ${message.syncRunId} page ${message.page}`;
    switch (outcome.kind) {
      case 'accepted':
        if (outcome.rejected.length > 0) {
          this.logger.warn(
            `ShopiMind rejected ${outcome.rejected.length} ${what} of ${origin}: ${outcome.rejected
              .map((item) => `#${item.index} ${item.errors.join(', ')}`)
              .join('; ')}`,
          );
        }
        return;
      case 'not_active':
        throw new RetryLaterError(INACTIVE_RETRY_MS);
      case 'rate_limited':
      case 'transient':
        throw new DependencyUnavailableError(
          `ShopiMind write of ${what} failed (${outcome.kind}); will retry`,
        );
      case 'permanent':
        // Redelivering cannot help: the other batches still go.
        this.logger.error(
          `ShopiMind refused ${what} of ${origin}: HTTP ${outcome.statusCode} ${outcome.message}`,
        );
        return;
    }
  }

  /**
   * Writes the reference rows (categories, order statuses) ShopiMind has not accepted lately in this form, in
   * batches of REFERENCE_BATCH_SIZE side by side, and remembers those it accepted.
   */
  async writeReferenceRows<T extends ReferenceRow>(
    target: ShopimindTarget,
    what: string,
    rows: readonly T[],
    idOf: (row: T) => string | number,
    write: (batch: T[]) => Promise<WriteOutcome>,
    message: PushMessage,
    derivedKind?: DerivedKind,
  ): Promise<void> {
    const toSend = target.referenceRows.toSend(what, rows, idOf);
    await this.writeKept(
      chunks(toSend, REFERENCE_BATCH_SIZE),
      what,
      message,
      write,
      (kept) => target.referenceRows.remember(what, kept, idOf),
      derivedKind && { kind: derivedKind, idOf },
    );
  }

  /**
   * Writes derived records (customers) in batches of RECORD_BATCH_SIZE side by side and keeps in the ledger, in one
   * statement, those ShopiMind accepted, with their content: a complete crawl deletes them again once no record
   * points at them, and a redelivered message leaves out those ShopiMind accepted already in the same content.
   */
  async writeDerivedRecords<T extends object>(
    kind: DerivedKind,
    message: PushMessage,
    allRows: readonly T[],
    idOf: (row: T) => string | number,
    write: (batch: T[]) => Promise<WriteOutcome>,
  ): Promise<void> {
    const unchanged = await this.acceptedUnchanged(kind, message, allRows, (row) => String(idOf(row)));
    const rows = allRows.filter((row) => !unchanged.has(String(idOf(row))));
    const tally = this.tallies.get(message);
    if (tally) {
      tally.unchanged += unchanged.size;
    }
    await this.writeKept(chunks(rows, RECORD_BATCH_SIZE), kind, message, write, () => undefined, {
      kind,
      idOf,
      contentHashOf: recordContentHash,
    });
  }

  /**
   * Writes batches side by side; `onKept` gets the rows of each batch ShopiMind accepted, and derived ones are kept
   * in the ledger in one statement once every batch is answered, the failed ones included.
   */
  private async writeKept<T>(
    batches: readonly T[][],
    what: string,
    message: PushMessage,
    write: (batch: T[]) => Promise<WriteOutcome>,
    onKept: (kept: T[]) => void,
    derived:
      | { kind: DerivedKind; idOf: (row: T) => string | number; contentHashOf?: (row: T) => string }
      | undefined,
  ): Promise<void> {
    const accepted: T[] = [];
    try {
      await writeBatches(batches, async (batch) => {
        const kept = this.settleKept(await write(batch), what, message, batch);
        onKept(kept);
        accepted.push(...kept);
      });
    } finally {
      if (derived) {
        const { idOf, contentHashOf } = derived;
        await this.outcomes.recordDerived(
          message.connectionId,
          derived.kind,
          accepted.map((row) => String(idOf(row))),
          contentHashOf && new Map(accepted.map((row) => [String(idOf(row)), contentHashOf(row)])),
        );
      }
    }
  }

  /** Settles a write and returns the rows ShopiMind accepted (none unless the write was accepted). */
  private settleKept<T>(outcome: WriteOutcome, what: string, message: PushMessage, batch: readonly T[]): T[] {
    this.settle(outcome, what, message);
    if (outcome.kind !== 'accepted') {
      return [];
    }
    const rejected = new Set(outcome.rejected.map((item) => item.index));
    return batch.filter((_, index) => !rejected.has(index));
  }

  /**
   * Writes records sync emitted (`items[i]` is what `records[i]` becomes for ShopiMind) in batches of
   * RECORD_BATCH_SIZE side by side, and keeps ShopiMind's answer for each in the push ledger, in one statement for
   * the whole message: accepted, or rejected with the API's reasons and the record itself (a dead letter, see
   * DeadLetterService). A refused write rejects every record of it. A retryable outcome records nothing for its
   * batch (its records are still pending) and fails the message once the answers of the others are kept.
   *
   * A redelivered message leaves out the records ShopiMind accepted already in the same content (the ledger
   * knows): the batches that went through before its failure are not written again. Returns when each record
   * left out was accepted.
   */
  async writeRecords<T>(
    entity: RecordKind,
    message: PushMessage,
    allRecords: readonly { id: string }[],
    allItems: readonly T[],
    write: (batch: T[]) => Promise<WriteOutcome>,
    refsOf?: (item: T) => DerivedReferences,
  ): Promise<ReadonlyMap<string, Date>> {
    const unchanged = await this.acceptedUnchanged(entity, message, allRecords, (record) => record.id);
    const records = allRecords.filter((record) => !unchanged.has(record.id));
    const items = allItems.filter((_, index) => !unchanged.has(allRecords[index].id));
    const answers: PushOutcomeInput[] = [];
    const settled = await Promise.allSettled(
      chunks(items, RECORD_BATCH_SIZE).map(async (batch, index) => {
        const outcome = await write(batch);
        this.settle(outcome, entity, message);
        const batchRecords = records.slice(index * RECORD_BATCH_SIZE, (index + 1) * RECORD_BATCH_SIZE);
        answers.push(
          ...this.answersOf(outcome, batchRecords).map((answer, at) =>
            refsOf ? { ...answer, refs: refsOf(batch[at]) } : answer,
          ),
        );
      }),
    );
    await this.outcomes.record(message.connectionId, entity, answers);
    const written = answers.filter((answer) => answer.status === 'accepted').length;
    this.metrics?.recordsPushed(message.connectionId, entity, 'accepted', written);
    this.metrics?.recordsDeadLettered(message.connectionId, entity, answers.length - written);
    const tally = this.tallies.get(message);
    if (tally) {
      tally.written += written;
      tally.deadLettered += answers.length - written;
      tally.unchanged += unchanged.size;
    }
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
    return unchanged;
  }

  /**
   * The records of a redelivered message ShopiMind accepted in this content, with when. A first delivery asks
   * nothing: a crawl page or a webhook brings new content, and the lookup would cost each a statement for naught.
   */
  private async acceptedUnchanged<T extends object>(
    entity: RecordKind | DerivedKind,
    message: PushMessage,
    records: readonly T[],
    idOf: (record: T) => string,
  ): Promise<ReadonlyMap<string, Date>> {
    if (!this.redelivered.has(message) || records.length === 0) {
      return new Map();
    }
    return this.outcomes.findAcceptedUnchanged(
      message.connectionId,
      entity,
      records.map((record) => ({ storeId: idOf(record), contentHash: recordContentHash(record) })),
    );
  }

  /** Records that were never sent because they cannot be (e.g. an order without a customer email): dead letters. */
  async rejectUnsent(
    entity: RecordKind,
    message: PushMessage,
    rejected: ReadonlyArray<{ record: { id: string }; reason: string }>,
  ): Promise<void> {
    await this.outcomes.record(
      message.connectionId,
      entity,
      // Never sent: nothing in ShopiMind is there because of them.
      rejected.map(({ record, reason }) => ({ ...this.outcomeOf(record, [reason]), refs: {} })),
    );
    this.metrics?.recordsDeadLettered(message.connectionId, entity, rejected.length);
    const tally = this.tallies.get(message);
    if (tally) {
      tally.skipped += rejected.length;
      rejected.forEach(({ reason }) => addCount(tally.skippedReasons, reason, 1));
    }
  }

  /**
   * Settles the chunks of a delete (`storeIdOf` gives the ledger's id of a ShopiMind id). Deleted records have
   * nothing left to answer for; a refused chunk stays in the ledger as pending deletes, retried later (dueDeletes).
   * A chunk that could not be made (rate limited, unavailable, not active) fails the message once the others are
   * settled: its redelivery deletes again, which is harmless (deletes are idempotent).
   */
  async settleDeletes<Id>(
    entity: LedgerEntity,
    message: PushMessage,
    answers: ReadonlyArray<DeleteChunkOutcome<Id>>,
    storeIdOf: (id: Id) => string,
  ): Promise<void> {
    const deleted: string[] = [];
    let retry: unknown;
    for (const { ids, outcome } of answers) {
      try {
        this.settle(outcome, `${entity} deletes`, message);
      } catch (error) {
        retry ??= error;
        continue;
      }
      const storeIds = ids.map(storeIdOf);
      if (outcome.kind === 'accepted') {
        deleted.push(...storeIds);
      } else {
        await this.outcomes.markDeletePending(message.connectionId, entity, storeIds, this.refusal(outcome));
      }
    }
    await this.outcomes.forget(message.connectionId, entity, deleted);
    this.metrics?.recordsPushed(message.connectionId, entity, 'deleted', deleted.length);
    const tally = this.tallies.get(message);
    if (tally) {
      tally.deleted += deleted.length;
    }
    if (retry !== undefined) {
      throw retry;
    }
  }

  /** The refused deletes of `entities` due for another try now, by entity (one statement). */
  dueDeletes(message: PushMessage, entities: readonly LedgerEntity[]): Promise<Map<LedgerEntity, string[]>> {
    return this.outcomes.findDueDeletes(message.connectionId, entities);
  }

  /** The ledger rows of a settled write of `records`: rejected items with the API's reasons, the rest accepted. */
  private answersOf(outcome: WriteOutcome, records: readonly { id: string }[]): PushOutcomeInput[] {
    const reasonsAt =
      outcome.kind === 'accepted'
        ? new Map(outcome.rejected.map((item) => [item.index, item.errors]))
        : new Map(records.map((_, index) => [index, [this.refusal(outcome)]]));
    return records.map((record, index) => this.outcomeOf(record, reasonsAt.get(index)));
  }

  private outcomeOf(record: { id: string }, reasons: readonly string[] | undefined): PushOutcomeInput {
    const contentHash = recordContentHash(record);
    return reasons === undefined
      ? { storeId: record.id, contentHash, status: 'accepted' }
      : { storeId: record.id, contentHash, status: 'rejected', reasons, record };
  }

  private refusal(outcome: WriteOutcome): string {
    return outcome.kind === 'permanent'
      ? `HTTP ${outcome.statusCode}: ${outcome.message}`
      : `ShopiMind answered ${outcome.kind}`;
  }
}
