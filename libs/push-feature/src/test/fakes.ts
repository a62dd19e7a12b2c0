import { randomUUID } from 'node:crypto';
import type {
  InstallationEntity,
  InstallationReader,
  StoreConnectionEntity,
  StoreConnectionRepository,
  StoreProductReader,
  RecordKind,
} from '@storebridge/persistence';
import type {
  IdMappingRepository,
  PushOutcomeInput,
  PushOutcomeRepository,
} from '@storebridge/push-persistence';
import type { ShopimindWriter, WriteOutcome } from '@storebridge/shopimind-client';
import type {
  ShopimindCustomer,
  ShopimindOrder,
  ShopimindOrderStatus,
  ShopimindProduct,
  ShopimindProductCategory,
} from '@storebridge/shopimind-mapping';
import { CredentialCipher } from '@storebridge/security';
import { PushTargetService } from '../lib/push-target/push-target.service';
import { AcceptedReferenceRows } from '../lib/push-target/accepted-reference-rows';
import { ShopimindTargets, type ShopimindTarget } from '../lib/push-target/shopimind-targets';

/** In-memory fakes of what a push service reads and writes, for the specs of every push. */

export const FAKE_DATA_SOURCE_ID = 7;

export const accepted = (sentCount: number): WriteOutcome => ({ kind: 'accepted', sentCount, rejected: [] });

export function anInstallation(overrides: Partial<InstallationEntity> = {}): InstallationEntity {
  const now = new Date();
  return {
    id: randomUUID(),
    installationId: `inst_${randomUUID()}`,
    legacyShopIntegrationId: null,
    shopDomain: 'shop.example.com',
    shopName: 'Shop',
    status: 'active',
    accessTokenCiphertext: 'v1.token.cipher.text',
    externalAccountId: null,
    installedAt: now,
    activatedAt: now,
    deactivatedAt: null,
    uninstalledAt: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function aConnection(
  installationId: string,
  overrides: Partial<StoreConnectionEntity> = {},
): StoreConnectionEntity {
  const now = new Date();
  return {
    id: randomUUID(),
    installationId,
    baseUrl: 'https://shop.example.com',
    authMethod: 'api_key',
    credentialsCiphertext: 'v1.store.cipher.text',
    paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
    fieldMappings: { products: {}, orders: {} },
    lang: 'de',
    currency: 'CHF',
    syncIntervalMinutes: 60,
    perPage: 50,
    webhookSecretCiphertext: null,
    configFingerprint: null,
    storeToken: 'store-token',
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export class FakeConnections implements Pick<StoreConnectionRepository, 'findById'> {
  readonly rows = new Map<string, StoreConnectionEntity>();

  async findById(id: string): Promise<StoreConnectionEntity | null> {
    return this.rows.get(id) ?? null;
  }
}

export class FakeInstallations implements Pick<InstallationReader, 'findById'> {
  readonly rows = new Map<string, InstallationEntity>();
  readonly lookups: string[] = [];

  async findById(id: string): Promise<InstallationEntity | null> {
    this.lookups.push(id);
    return this.rows.get(id) ?? null;
  }
}

/** Stable ids per (installation, entity, store id), numbered from 1000 in order of first sight. */
export class FakeIdMappings implements Pick<IdMappingRepository, 'numericIdsFor'> {
  private readonly ids = new Map<string, number>();
  readonly calls: Array<{ installationId: string; entityType: string; storeIds: readonly string[] }> = [];

  async numericIdsFor(
    installationId: string,
    entityType: string,
    storeIds: readonly string[],
  ): Promise<Map<string, number>> {
    this.calls.push({ installationId, entityType, storeIds: [...storeIds] });
    const result = new Map<string, number>();
    for (const storeId of storeIds) {
      const key = `${installationId}/${entityType}/${storeId}`;
      if (!this.ids.has(key)) {
        this.ids.set(key, 1000 + this.ids.size);
      }
      result.set(storeId, this.ids.get(key) as number);
    }
    return result;
  }
}

/** The products mirror sync keeps, reduced to which store product ids it holds per connection. */
export class FakeStoreProducts implements Pick<StoreProductReader, 'findHeldIds'> {
  private readonly held = new Map<string, Set<string>>();

  hold(connectionId: string, storeProductIds: readonly string[]): void {
    const held = this.held.get(connectionId) ?? new Set<string>();
    storeProductIds.forEach((id) => held.add(id));
    this.held.set(connectionId, held);
  }

  async findHeldIds(connectionId: string, storeProductIds: readonly string[]): Promise<Set<string>> {
    const held = this.held.get(connectionId);
    return new Set(storeProductIds.filter((id) => held?.has(id)));
  }
}

export type WriterCall =
  | { method: 'saveProducts'; items: ShopimindProduct[] }
  | { method: 'deleteProducts'; ids: number[] }
  | { method: 'saveProductCategories'; items: ShopimindProductCategory[] }
  | { method: 'saveOrderStatuses'; items: ShopimindOrderStatus[] }
  | { method: 'saveCustomers'; items: ShopimindCustomer[] }
  | { method: 'saveOrders'; items: ShopimindOrder[] }
  | { method: 'deleteOrders'; ids: string[] };

type WriterMethod = WriterCall['method'];

/** Records every write in order; answers with queued outcomes, then accepts everything. */
export class RecordingWriter implements Pick<ShopimindWriter, WriterMethod> {
  readonly calls: WriterCall[] = [];
  readonly outcomes: WriteOutcome[] = [];

  saveProducts(items: ShopimindProduct[]): Promise<WriteOutcome> {
    return this.record({ method: 'saveProducts', items }, items.length);
  }

  deleteProducts(ids: number[]): Promise<WriteOutcome> {
    return this.record({ method: 'deleteProducts', ids }, ids.length);
  }

  saveProductCategories(items: ShopimindProductCategory[]): Promise<WriteOutcome> {
    return this.record({ method: 'saveProductCategories', items }, items.length);
  }

  saveOrderStatuses(items: ShopimindOrderStatus[]): Promise<WriteOutcome> {
    return this.record({ method: 'saveOrderStatuses', items }, items.length);
  }

  saveCustomers(items: ShopimindCustomer[]): Promise<WriteOutcome> {
    return this.record({ method: 'saveCustomers', items }, items.length);
  }

  saveOrders(items: ShopimindOrder[]): Promise<WriteOutcome> {
    return this.record({ method: 'saveOrders', items }, items.length);
  }

  deleteOrders(ids: string[]): Promise<WriteOutcome> {
    return this.record({ method: 'deleteOrders', ids }, ids.length);
  }

  methods(): WriterMethod[] {
    return this.calls.map((call) => call.method);
  }

  /** The calls of one method, in order. */
  callsOf<M extends WriterMethod>(method: M): Array<Extract<WriterCall, { method: M }>> {
    return this.calls.filter((call): call is Extract<WriterCall, { method: M }> => call.method === method);
  }

  private async record(call: WriterCall, count: number): Promise<WriteOutcome> {
    this.calls.push(call);
    return this.outcomes.shift() ?? accepted(count);
  }
}

export class FakeTargets implements Pick<ShopimindTargets, 'for'> {
  readonly writer = new RecordingWriter();
  /** One installation's memory of accepted reference data, as the real targets keep it. */
  readonly referenceRows = new AcceptedReferenceRows();
  readonly categoryIds = new Map<string, number>();
  readonly calls: Array<{ installation: InstallationEntity; connection: StoreConnectionEntity }> = [];

  async for(
    installation: InstallationEntity & { accessTokenCiphertext: string },
    connection: StoreConnectionEntity,
  ): Promise<ShopimindTarget> {
    this.calls.push({ installation, connection });
    return {
      writer: this.writer as unknown as ShopimindWriter,
      dataSourceId: FAKE_DATA_SOURCE_ID,
      referenceRows: this.referenceRows,
      categoryIds: this.categoryIds,
    };
  }
}

/** The push ledger as the repository keeps it: the last answer per connection, entity and store id. */
export class FakePushOutcomes implements Pick<PushOutcomeRepository, 'record' | 'forget'> {
  readonly rows = new Map<string, PushOutcomeInput & { attempts: number }>();
  /** How many times `record` was called with answers: one statement each. */
  recordStatements = 0;

  async record(
    connectionId: string,
    entity: RecordKind,
    outcomes: readonly PushOutcomeInput[],
  ): Promise<void> {
    if (outcomes.length > 0) {
      this.recordStatements += 1;
    }
    for (const outcome of outcomes) {
      const key = `${connectionId}/${entity}/${outcome.storeId}`;
      const previous = this.rows.get(key);
      const attempts =
        outcome.status === 'rejected' ? (previous?.status === 'rejected' ? previous.attempts : 0) + 1 : 0;
      this.rows.set(key, { ...outcome, attempts });
    }
  }

  async forget(connectionId: string, entity: RecordKind, storeIds: readonly string[]): Promise<void> {
    storeIds.forEach((storeId) => this.rows.delete(`${connectionId}/${entity}/${storeId}`));
  }

  /** Store id → status, of one entity. */
  statuses(entity: RecordKind): Record<string, string> {
    return Object.fromEntries(
      [...this.rows]
        .filter(([key]) => key.split('/')[1] === entity)
        .map(([, row]) => [row.storeId, row.status]),
    );
  }
}

/** One active installation with one connection, and a real PushTargetService over fakes. */
export class FakePushWorld {
  readonly connections = new FakeConnections();
  readonly installations = new FakeInstallations();
  readonly idMappings = new FakeIdMappings();
  readonly storeProducts = new FakeStoreProducts();
  readonly targets = new FakeTargets();
  readonly outcomes = new FakePushOutcomes();
  readonly installation = anInstallation();
  readonly connection = aConnection(this.installation.id);
  readonly pushTargets = new PushTargetService(
    this.connections as unknown as StoreConnectionRepository,
    this.installations as unknown as InstallationReader,
    this.targets as unknown as ShopimindTargets,
    this.outcomes as unknown as PushOutcomeRepository,
  );

  constructor() {
    this.installations.rows.set(this.installation.id, this.installation);
    this.connections.rows.set(this.connection.id, this.connection);
  }

  get writer(): RecordingWriter {
    return this.targets.writer;
  }

  get idMappingRepository(): IdMappingRepository {
    return this.idMappings as unknown as IdMappingRepository;
  }
}

const SANDBOX_SPEC_KEY = 'c0ffee'.repeat(10) + 'c0ff';

/**
 * Push with every database fake but a real ShopiMind API behind the official SDK (the sandbox, at
 * `shopimindApiUrl`), for one active installation whose key is `accessToken`.
 */
export function aPushWorldWritingTo(shopimindApiUrl: string, accessToken: string) {
  const cipher = new CredentialCipher(SANDBOX_SPEC_KEY);
  const installation = anInstallation({ accessTokenCiphertext: cipher.encrypt(accessToken) });
  const connection = aConnection(installation.id, { lang: 'fr', currency: 'EUR' });
  const connections = new FakeConnections();
  const installations = new FakeInstallations();
  const outcomes = new FakePushOutcomes();
  connections.rows.set(connection.id, connection);
  installations.rows.set(installation.id, installation);
  const pushTargets = new PushTargetService(
    connections as unknown as StoreConnectionRepository,
    installations as unknown as InstallationReader,
    new ShopimindTargets(cipher, { shopimindApiUrl }),
    outcomes as unknown as PushOutcomeRepository,
  );
  return {
    installation,
    connection,
    outcomes,
    pushTargets,
    idMappings: new FakeIdMappings() as unknown as IdMappingRepository,
    storeProducts: new FakeStoreProducts(),
  };
}
