import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  INSTALLATION_STATUSES,
  LEDGER_ENTITIES,
  STORE_AUTH_METHODS,
  RECORD_KINDS,
  SYNC_RUN_STATUSES,
  type InstallationStatus,
  type LedgerEntity,
  type StoreAuthMethod,
  type RecordKind,
  type SyncRunStatus,
} from '@storebridge/persistence';

/*
 * What the gateway tells about installations, store connections, their sync runs and the push ledger: the admin
 * API answers these, and the status and merchant pages will show them. Classes so the OpenAPI document describes
 * them; built as plain objects. Nothing here may ever hold a credential, an access token or a webhook secret.
 */

/** Generic-api spec §7: where the store posts its webhooks. */
export class WebhookUrlsView {
  @ApiProperty({ example: 'https://bridge.example.com/api/generic-api/webhooks/st_x/products' })
  products!: string;

  @ApiProperty({ example: 'https://bridge.example.com/api/generic-api/webhooks/st_x/orders' })
  orders!: string;

  @ApiProperty({ example: 'https://bridge.example.com/api/generic-api/webhooks/st_x/sync' })
  sync!: string;
}

export class ConnectionView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  /** Ours (the installations row), not ShopiMind's installation id. */
  @ApiProperty({ format: 'uuid', description: "Our installation row's id" })
  installationId!: string;

  @ApiProperty({ enum: INSTALLATION_STATUSES, description: "The installation's status" })
  status!: InstallationStatus;

  @ApiProperty({ example: 'https://shop.example.com' })
  storeBaseUrl!: string;

  @ApiProperty({
    enum: STORE_AUTH_METHODS,
    description: 'How we authenticate to the store; never the credential',
  })
  authMethod!: StoreAuthMethod;

  @ApiProperty({ type: WebhookUrlsView })
  webhookUrls!: WebhookUrlsView;

  @ApiProperty({ description: 'Whether the store signs its webhooks with a secret; never the secret' })
  webhookSecretSet!: boolean;

  @ApiProperty()
  syncIntervalMinutes!: number;

  @ApiProperty({ description: 'Records asked per page of a crawl' })
  perPage!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextSyncAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class InstallationView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: "ShopiMind's installation id" })
  installationId!: string;

  @ApiProperty()
  shopDomain!: string;

  @ApiProperty({ type: String, nullable: true })
  shopName!: string | null;

  @ApiProperty({ enum: INSTALLATION_STATUSES })
  status!: InstallationStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  installedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  activatedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deactivatedAt!: string | null;

  @ApiProperty({ type: ConnectionView, nullable: true, description: 'Null until a configuration stored one' })
  connection!: ConnectionView | null;
}

export class SyncRunCountsView {
  @ApiProperty()
  pagesFetched!: number;

  @ApiProperty()
  recordsSeen!: number;

  @ApiProperty()
  recordsValid!: number;

  @ApiProperty()
  recordsSkipped!: number;

  @ApiProperty()
  recordsChanged!: number;

  @ApiProperty()
  recordsDeleted!: number;

  @ApiProperty({ description: 'Deletions held: an unusual share of the catalogue went missing' })
  deletionsHeld!: number;
}

/** A store record the crawl skipped, where it was (generic-api.md §4). */
export class SkippedRecordView {
  @ApiProperty()
  page!: number;

  @ApiProperty({ description: 'Position in the page, from 0' })
  index!: number;

  @ApiProperty()
  reason!: string;

  @ApiPropertyOptional({ description: "The record's id when it had one" })
  id?: string;
}

/**
 * How far a running crawl is, from its row alone. The row does not keep the store's `last_page` or `total`, so
 * the remaining work is estimated from the last complete crawl of the same entity.
 */
export class CrawlProgressView {
  @ApiProperty()
  pagesDone!: number;

  @ApiProperty({ description: 'Where a resumed crawl continues' })
  nextPage!: number;

  @ApiProperty()
  elapsedSeconds!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Records read per second since the run started' })
  recordsPerSecond!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Pages the last complete crawl read' })
  expectedPages!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Records the last complete crawl read' })
  expectedRecords!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'At the current rate, until as many records as the last complete crawl are read',
  })
  estimatedSecondsLeft!: number | null;
}

export class SyncRunView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: RECORD_KINDS })
  entity!: RecordKind;

  @ApiProperty({ example: 'activate' })
  trigger!: string;

  @ApiProperty({ enum: SYNC_RUN_STATUSES })
  status!: SyncRunStatus;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;

  @ApiProperty({ type: SyncRunCountsView })
  counts!: SyncRunCountsView;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { missing_price: 3 } })
  warnings!: Record<string, number>;

  @ApiProperty({ type: String, nullable: true, example: 'short_page' })
  stopReason!: string | null;

  @ApiProperty({ type: Boolean, nullable: true })
  endConfirmed!: boolean | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the run failed' })
  error!: string | null;

  @ApiProperty({ type: [SkippedRecordView], description: 'The first skipped records the run kept' })
  skippedRecords!: SkippedRecordView[];

  @ApiProperty({ type: CrawlProgressView, nullable: true, description: 'While the run is running' })
  progress!: CrawlProgressView | null;
}

export class PushStatusView {
  @ApiProperty()
  accepted!: number;

  @ApiProperty()
  rejected!: number;

  @ApiProperty({
    description:
      'Emitted by sync, not answered for in its current version yet (a delete still owed included)',
  })
  pending!: number;

  @ApiProperty({ description: "Mirrored but left out of ShopiMind by the merchant's excluded categories" })
  leftOut!: number;
}

/** The push ledger of one connection: where every record sync emitted stands with ShopiMind. */
export class PushSummaryView {
  @ApiProperty({ format: 'uuid' })
  connectionId!: string;

  @ApiProperty({ type: PushStatusView })
  products!: PushStatusView;

  @ApiProperty({ type: PushStatusView })
  orders!: PushStatusView;
}

/** A record ShopiMind rejected; the record itself stays in the ledger. */
export class DeadLetterView {
  @ApiProperty({ format: 'uuid' })
  connectionId!: string;

  @ApiProperty({ enum: RECORD_KINDS })
  entity!: RecordKind;

  @ApiProperty({ description: "The store's record id" })
  storeId!: string;

  @ApiProperty({ type: [String], description: "ShopiMind's reasons" })
  reasons!: string[];

  @ApiProperty({ description: 'Rejections in a row' })
  attempts!: number;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ description: 'Whether the ledger kept the record, so a replay can send it again' })
  replayable!: boolean;
}

/** A delete ShopiMind refused: push keeps it and tries again, later each time. */
export class PendingDeleteView {
  @ApiProperty({ format: 'uuid' })
  connectionId!: string;

  @ApiProperty({ enum: LEDGER_ENTITIES })
  entity!: LedgerEntity;

  @ApiProperty({
    description: "The store's record id (the ShopiMind id for categories, statuses, customers)",
  })
  storeId!: string;

  @ApiProperty({ type: [String], description: "ShopiMind's reasons for the last refusal" })
  reasons!: string[];

  @ApiProperty({ description: 'Refusals in a row' })
  attempts!: number;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** Everything about one store connection. */
export class ConnectionReport {
  @ApiProperty({ type: InstallationView, description: 'Its installation, the connection included' })
  installation!: InstallationView;

  @ApiProperty({ type: [SyncRunView], description: 'The last runs, newest first' })
  runs!: SyncRunView[];

  @ApiProperty({ type: PushSummaryView })
  push!: PushSummaryView;
}

/** A command was put on the bus; the service behind it does the work. */
export class RequestAccepted {
  @ApiProperty({ example: true })
  accepted!: true;
}
