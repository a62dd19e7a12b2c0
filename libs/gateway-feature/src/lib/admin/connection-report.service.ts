import { Injectable, NotFoundException } from '@nestjs/common';
import {
  InstallationReader,
  PushLedgerReader,
  StoreConnectionRepository,
  SyncRunReader,
  type InstallationEntity,
  type PushOutcomeEntity,
  type StoreConnectionEntity,
  type RecordKind,
  type SyncRunEntity,
} from '@storebridge/persistence';
import { storeWebhookUrls } from '../merchant/store-webhook-urls';
import type {
  ConnectionReport,
  ConnectionView,
  DeadLetterView,
  InstallationView,
  PendingDeleteView,
  PushSummaryView,
  SyncRunView,
} from './connection-report';
import { crawlProgress } from './crawl-progress';

export interface DeadLetterQuery {
  connectionId?: string;
  entity?: RecordKind;
  limit: number;
}

/**
 * Builds the views of installations, store connections, their sync runs and the push ledger from the tables,
 * read-only (the readers of `@storebridge/persistence`). `publicBaseUrl` starts the store webhook URLs (scheme
 * and host, no trailing slash). The views never carry a credential: they are built field by field.
 */
@Injectable()
export class ConnectionReportService {
  constructor(
    private readonly installations: InstallationReader,
    private readonly connections: StoreConnectionRepository,
    private readonly runs: SyncRunReader,
    private readonly ledger: PushLedgerReader,
  ) {}

  async listInstallations(publicBaseUrl: string, limit: number, offset: number): Promise<InstallationView[]> {
    const rows = await this.installations.listWithConnections(limit, offset);
    return rows.map(({ installation, connection }) =>
      installationView(installation, connection, publicBaseUrl),
    );
  }

  /** Throws NotFoundException for an unknown connection. */
  async connection(publicBaseUrl: string, connectionId: string): Promise<InstallationView> {
    const connection = await this.findConnection(connectionId);
    const installation = await this.installations.findById(connection.installationId);
    if (!installation) {
      // Deleted with its installation between the two reads (uninstall).
      throw new NotFoundException('Unknown store connection');
    }
    return installationView(installation, connection, publicBaseUrl);
  }

  /** Newest first; a running run carries its progress. Throws NotFoundException for an unknown connection. */
  async syncRuns(connectionId: string, limit: number, now = new Date()): Promise<SyncRunView[]> {
    await this.findConnection(connectionId);
    const runs = await this.runs.findRecent(connectionId, limit);
    const yardsticks = new Map<RecordKind, SyncRunEntity | null>();
    for (const run of runs.filter((candidate) => candidate.status === 'running')) {
      if (!yardsticks.has(run.entity)) {
        yardsticks.set(run.entity, await this.runs.findLastComplete(connectionId, run.entity));
      }
    }
    return runs.map((run) =>
      syncRunView(
        run,
        run.status === 'running' ? crawlProgress(run, yardsticks.get(run.entity) ?? null, now) : null,
      ),
    );
  }

  /** Throws NotFoundException for an unknown connection. */
  async pushSummary(connectionId: string): Promise<PushSummaryView> {
    await this.findConnection(connectionId);
    const [products, orders] = await Promise.all([
      this.ledger.summary(connectionId, 'products'),
      this.ledger.summary(connectionId, 'orders'),
    ]);
    return { connectionId, products, orders };
  }

  /** The connection with its installation, last runs and push summary. */
  async report(publicBaseUrl: string, connectionId: string, runLimit: number): Promise<ConnectionReport> {
    const installation = await this.connection(publicBaseUrl, connectionId);
    const [runs, push] = await Promise.all([
      this.syncRuns(connectionId, runLimit),
      this.pushSummary(connectionId),
    ]);
    return { installation, runs, push };
  }

  async deadLetters(query: DeadLetterQuery): Promise<DeadLetterView[]> {
    const letters = await this.ledger.findRejected(query);
    return letters.map(deadLetterView);
  }

  async pendingDeletes(query: DeadLetterQuery): Promise<PendingDeleteView[]> {
    const owed = await this.ledger.findPendingDeletes(query);
    return owed.map((row) => ({
      connectionId: row.connectionId,
      entity: row.entity,
      storeId: row.storeId,
      reasons: row.reasons,
      attempts: row.attempts,
      updatedAt: row.updatedAt.toISOString(),
    }));
  }

  /** Throws NotFoundException for an unknown connection. */
  async findConnection(connectionId: string): Promise<StoreConnectionEntity> {
    const connection = await this.connections.findById(connectionId);
    if (!connection) {
      throw new NotFoundException('Unknown store connection');
    }
    return connection;
  }
}

function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

function connectionView(
  connection: StoreConnectionEntity,
  installation: InstallationEntity,
  publicBaseUrl: string,
): ConnectionView {
  return {
    id: connection.id,
    installationId: connection.installationId,
    status: installation.status,
    storeBaseUrl: connection.baseUrl,
    authMethod: connection.authMethod,
    webhookUrls: storeWebhookUrls(publicBaseUrl, connection.storeToken),
    webhookSecretSet: connection.webhookSecretCiphertext !== null,
    syncIntervalMinutes: connection.syncIntervalMinutes,
    perPage: connection.perPage,
    nextSyncAt: iso(connection.nextSyncAt),
    updatedAt: connection.updatedAt.toISOString(),
  };
}

function installationView(
  installation: InstallationEntity,
  connection: StoreConnectionEntity | null,
  publicBaseUrl: string,
): InstallationView {
  return {
    id: installation.id,
    installationId: installation.installationId,
    shopDomain: installation.shopDomain,
    shopName: installation.shopName,
    status: installation.status,
    installedAt: iso(installation.installedAt),
    activatedAt: iso(installation.activatedAt),
    deactivatedAt: iso(installation.deactivatedAt),
    connection: connection ? connectionView(connection, installation, publicBaseUrl) : null,
  };
}

function syncRunView(run: SyncRunEntity, progress: SyncRunView['progress']): SyncRunView {
  return {
    id: run.id,
    entity: run.entity,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: iso(run.finishedAt),
    counts: {
      pagesFetched: run.pagesFetched,
      recordsSeen: run.recordsSeen,
      recordsValid: run.recordsValid,
      recordsSkipped: run.recordsSkipped,
      recordsChanged: run.recordsChanged,
      recordsDeleted: run.recordsDeleted,
      deletionsHeld: run.deletionsHeld,
    },
    warnings: run.warnings,
    stopReason: run.stopReason,
    endConfirmed: run.endConfirmed,
    error: run.error,
    skippedRecords: run.skippedRecords.map((skipped) => ({
      page: skipped.page,
      index: skipped.index,
      reason: skipped.reason,
      ...(skipped.id !== undefined ? { id: skipped.id } : {}),
    })),
    progress,
  };
}

function deadLetterView(letter: PushOutcomeEntity): DeadLetterView {
  return {
    connectionId: letter.connectionId,
    entity: letter.entity,
    storeId: letter.storeId,
    reasons: letter.reasons,
    attempts: letter.attempts,
    updatedAt: letter.updatedAt.toISOString(),
    replayable: letter.record !== null,
  };
}
