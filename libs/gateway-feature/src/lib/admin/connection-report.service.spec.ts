import { NotFoundException } from '@nestjs/common';
import type {
  InstallationEntity,
  InstallationReader,
  InstallationWithConnection,
  PushLedgerReader,
  PushOutcomeEntity,
  PushStatusSummary,
  StoreConnectionEntity,
  StoreConnectionRepository,
  RecordKind,
  SyncRunEntity,
  SyncRunReader,
} from '@storebridge/persistence';
import { ConnectionReportService } from './connection-report.service';

const CREDENTIALS = 'v1:ciphertext-of-the-store-api-key';
const WEBHOOK_SECRET = 'v1:ciphertext-of-the-webhook-secret';
const ACCESS_TOKEN = 'v1:ciphertext-of-the-shopimind-token';
const BASE = 'https://bridge.example.com';

const installation: InstallationEntity = {
  id: '11111111-1111-4111-8111-111111111111',
  installationId: 'inst_report',
  legacyShopIntegrationId: null,
  shopDomain: 'shop.example.com',
  shopName: 'Shop',
  status: 'active',
  accessTokenCiphertext: ACCESS_TOKEN,
  externalAccountId: null,
  installedAt: new Date('2026-01-01T00:00:00Z'),
  activatedAt: new Date('2026-01-02T00:00:00Z'),
  deactivatedAt: null,
  uninstalledAt: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};

const connection: StoreConnectionEntity = {
  id: '22222222-2222-4222-8222-222222222222',
  installationId: installation.id,
  baseUrl: 'https://store.example.com',
  authMethod: 'bearer',
  credentialsCiphertext: CREDENTIALS,
  paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
  fieldMappings: { products: {}, orders: {} },
  lang: 'fr',
  currency: 'EUR',
  syncIntervalMinutes: 60,
  perPage: 50,
  webhookSecretCiphertext: WEBHOOK_SECRET,
  configFingerprint: 'fingerprint',
  nextSyncAt: null,
  storeToken: 'st_token',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};

function aRun(overrides: Partial<SyncRunEntity>): SyncRunEntity {
  return {
    id: '33333333-3333-4333-8333-333333333333',
    connectionId: connection.id,
    trigger: 'activate',
    status: 'succeeded',
    entity: 'products',
    nextPage: 1,
    pagesFetched: 0,
    recordsSeen: 0,
    recordsValid: 0,
    recordsSkipped: 0,
    recordsChanged: 0,
    recordsDeleted: 0,
    warnings: {},
    timings: { fetchMs: 1 },
    stopReason: null,
    endConfirmed: null,
    deletionsHeld: 0,
    skippedRecords: [],
    error: null,
    startedAt: new Date('2026-03-01T10:00:00Z'),
    finishedAt: null,
    updatedAt: new Date('2026-03-01T10:00:00Z'),
    ...overrides,
  };
}

class FakeInstallations implements Pick<InstallationReader, 'findById' | 'listWithConnections'> {
  rows: InstallationWithConnection[] = [{ installation, connection }];
  readonly pages: Array<[number, number]> = [];

  async findById(id: string): Promise<InstallationEntity | null> {
    return this.rows.find((row) => row.installation.id === id)?.installation ?? null;
  }

  async listWithConnections(limit: number, offset = 0): Promise<InstallationWithConnection[]> {
    this.pages.push([limit, offset]);
    return this.rows;
  }
}

class FakeConnections implements Pick<StoreConnectionRepository, 'findById'> {
  async findById(id: string): Promise<StoreConnectionEntity | null> {
    return id === connection.id ? connection : null;
  }
}

class FakeRuns implements Pick<SyncRunReader, 'findRecent' | 'findLastComplete'> {
  runs: SyncRunEntity[] = [];
  lastComplete: SyncRunEntity | null = null;
  readonly yardstickQueries: RecordKind[] = [];

  async findRecent(_connectionId: string, limit = 20): Promise<SyncRunEntity[]> {
    return this.runs.slice(0, limit);
  }

  async findLastComplete(_connectionId: string, entity: RecordKind): Promise<SyncRunEntity | null> {
    this.yardstickQueries.push(entity);
    return this.lastComplete;
  }
}

class FakeLedger implements Pick<PushLedgerReader, 'findRejected' | 'findPendingDeletes' | 'summary'> {
  letters: PushOutcomeEntity[] = [];
  owedDeletes: PushOutcomeEntity[] = [];

  async findRejected(): Promise<PushOutcomeEntity[]> {
    return this.letters;
  }

  async findPendingDeletes(): Promise<PushOutcomeEntity[]> {
    return this.owedDeletes;
  }

  async summary(_connectionId: string, entity: RecordKind): Promise<PushStatusSummary> {
    return entity === 'products'
      ? { accepted: 10, rejected: 1, pending: 2, leftOut: 4 }
      : { accepted: 3, rejected: 0, pending: 0, leftOut: 0 };
  }
}

describe('ConnectionReportService', () => {
  let installations: FakeInstallations;
  let runs: FakeRuns;
  let ledger: FakeLedger;
  let service: ConnectionReportService;

  beforeEach(() => {
    installations = new FakeInstallations();
    runs = new FakeRuns();
    ledger = new FakeLedger();
    service = new ConnectionReportService(
      installations as unknown as InstallationReader,
      new FakeConnections() as unknown as StoreConnectionRepository,
      runs as unknown as SyncRunReader,
      ledger as unknown as PushLedgerReader,
    );
  });

  it('lists installations with their connection: store URL, auth method, webhook URLs, no credential', async () => {
    const listed = await service.listInstallations(BASE, 20, 40);

    expect(installations.pages).toEqual([[20, 40]]);
    expect(listed).toEqual([
      {
        id: installation.id,
        installationId: 'inst_report',
        shopDomain: 'shop.example.com',
        shopName: 'Shop',
        status: 'active',
        installedAt: '2026-01-01T00:00:00.000Z',
        activatedAt: '2026-01-02T00:00:00.000Z',
        deactivatedAt: null,
        connection: {
          id: connection.id,
          installationId: installation.id,
          status: 'active',
          storeBaseUrl: 'https://store.example.com',
          authMethod: 'bearer',
          webhookUrls: {
            products: `${BASE}/api/generic-api/webhooks/st_token/products`,
            orders: `${BASE}/api/generic-api/webhooks/st_token/orders`,
            sync: `${BASE}/api/generic-api/webhooks/st_token/sync`,
          },
          webhookSecretSet: true,
          syncIntervalMinutes: 60,
          perPage: 50,
          nextSyncAt: null,
          updatedAt: '2026-01-02T00:00:00.000Z',
        },
      },
    ]);
    const json = JSON.stringify(listed);
    for (const secret of [CREDENTIALS, WEBHOOK_SECRET, ACCESS_TOKEN, 'fingerprint']) {
      expect(json).not.toContain(secret);
    }
  });

  it('shows an installation without a connection, and a connection without a webhook secret', async () => {
    installations.rows = [
      { installation: { ...installation, id: 'no-connection' }, connection: null },
      { installation, connection: { ...connection, webhookSecretCiphertext: null } },
    ];

    const [bare, unsigned] = await service.listInstallations(BASE, 50, 0);

    expect(bare.connection).toBeNull();
    expect(unsigned.connection?.webhookSecretSet).toBe(false);
  });

  it('lists runs newest first with counts, error and skipped records; a running one with its progress', async () => {
    runs.runs = [
      aRun({
        id: 'running',
        status: 'running',
        pagesFetched: 20,
        nextPage: 21,
        recordsSeen: 2_000,
        startedAt: new Date('2026-03-02T10:00:00Z'),
      }),
      aRun({
        id: 'failed',
        status: 'failed',
        error: 'store answered 500 on page 3',
        recordsSeen: 150,
        recordsSkipped: 1,
        warnings: { missing_price: 2 },
        skippedRecords: [{ page: 2, index: 7, reason: 'no name', id: 'p7' }],
        finishedAt: new Date('2026-03-01T10:05:00Z'),
      }),
    ];
    runs.lastComplete = aRun({ pagesFetched: 100, recordsSeen: 10_000, endConfirmed: true });

    const views = await service.syncRuns(connection.id, 10, new Date('2026-03-02T10:00:40Z'));

    expect(views.map((view) => view.id)).toEqual(['running', 'failed']);
    expect(views[0].progress).toEqual({
      pagesDone: 20,
      nextPage: 21,
      elapsedSeconds: 40,
      recordsPerSecond: 50,
      expectedPages: 100,
      expectedRecords: 10_000,
      estimatedSecondsLeft: 160,
    });
    expect(views[1]).toMatchObject({
      status: 'failed',
      error: 'store answered 500 on page 3',
      finishedAt: '2026-03-01T10:05:00.000Z',
      counts: { recordsSeen: 150, recordsSkipped: 1 },
      warnings: { missing_price: 2 },
      skippedRecords: [{ page: 2, index: 7, reason: 'no name', id: 'p7' }],
      progress: null,
    });
    expect(runs.yardstickQueries).toEqual(['products']);
  });

  it('summarizes the push ledger of both entities', async () => {
    expect(await service.pushSummary(connection.id)).toEqual({
      connectionId: connection.id,
      products: { accepted: 10, rejected: 1, pending: 2, leftOut: 4 },
      orders: { accepted: 3, rejected: 0, pending: 0, leftOut: 0 },
    });
  });

  it('reports one connection: its installation, runs and push summary', async () => {
    runs.runs = [aRun({ id: 'done' })];

    const report = await service.report(BASE, connection.id, 5);

    expect(report.installation.connection?.id).toBe(connection.id);
    expect(report.runs.map((run) => run.id)).toEqual(['done']);
    expect(report.push.products.accepted).toBe(10);
  });

  it('shows dead letters with their reasons, not their records, saying whether a replay can send them', async () => {
    ledger.letters = [
      {
        connectionId: connection.id,
        entity: 'products',
        storeId: 'p1',
        contentHash: 'h',
        status: 'rejected',
        reasons: ['price: must be a number'],
        attempts: 2,
        record: { id: 'p1', name: 'Lamp' },
        updatedAt: new Date('2026-03-01T00:00:00Z'),
      },
    ];

    expect(await service.deadLetters({ limit: 10 })).toEqual([
      {
        connectionId: connection.id,
        entity: 'products',
        storeId: 'p1',
        reasons: ['price: must be a number'],
        attempts: 2,
        updatedAt: '2026-03-01T00:00:00.000Z',
        replayable: true,
      },
    ]);
  });

  it('lists the deletes ShopiMind refused, derived records included, without their records', async () => {
    ledger.owedDeletes = [
      {
        connectionId: connection.id,
        entity: 'categories' as RecordKind,
        storeId: '4294967301',
        contentHash: 'h',
        status: 'delete_pending',
        reasons: ['HTTP 422: category in use'],
        attempts: 3,
        record: null,
        updatedAt: new Date('2026-03-02T00:00:00Z'),
      },
    ];

    expect(await service.pendingDeletes({ limit: 10 })).toEqual([
      {
        connectionId: connection.id,
        entity: 'categories',
        storeId: '4294967301',
        reasons: ['HTTP 422: category in use'],
        attempts: 3,
        updatedAt: '2026-03-02T00:00:00.000Z',
      },
    ]);
  });

  it('answers 404 for an unknown connection', async () => {
    const unknown = '99999999-9999-4999-8999-999999999999';

    await expect(service.connection(BASE, unknown)).rejects.toThrow(NotFoundException);
    await expect(service.syncRuns(unknown, 10)).rejects.toThrow(NotFoundException);
    await expect(service.pushSummary(unknown)).rejects.toThrow(NotFoundException);
  });
});
