import { randomUUID } from 'node:crypto';
import type {
  InstallationEntity,
  InstallationReader,
  StoreConnectionEntity,
  StoreConnectionRepository,
  StoreProductReader,
  RecordKind,
  DerivedKind,
  LedgerEntity,
} from '@storebridge/persistence';
import type {
  IdMappingRepository,
  HeldProductParts,
  PushedProductParts,
  PushedProductPartsRepository,
  PushOutcomeInput,
  PushOutcomeRepository,
} from '@storebridge/push-persistence';
import {
  SHOPIMIND_CHUNK_SIZES,
  type DeleteChunkOutcome,
  type ShopimindWriter,
  type WriteOutcome,
} from '@storebridge/shopimind-client';
import type {
  ShopimindCustomer,
  ShopimindCustomerAddress,
  ShopimindOrder,
  ShopimindOrderStatus,
  ShopimindProduct,
  ShopimindProductCategory,
  ShopimindProductImage,
  ShopimindProductVariation,
} from '@storebridge/shopimind-mapping';
import { CredentialCipher } from '@storebridge/security';
import { PushTargetService } from '../lib/push-target/push-target.service';
import { ProductPartsPushService } from '../lib/product-push/product-parts-push.service';
import { AcceptedReferenceRows } from '../lib/push-target/accepted-reference-rows';
import { ShopimindTargets, type ShopimindTarget } from '../lib/push-target/shopimind-targets';

/** In-memory fakes of what a push service reads and writes, for the specs of every push. */

export const FAKE_DATA_SOURCE_ID = 7;

/** The first wait of a refused delete in the fake ledger (the real one waits a minute too). */
export const FAKE_PENDING_DELETE_FIRST_WAIT_MS = 60_000;

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
  | { method: 'saveCustomerAddresses'; items: ShopimindCustomerAddress[] }
  | { method: 'saveOrders'; items: ShopimindOrder[] }
  | { method: 'deleteOrders'; ids: string[] }
  | { method: 'deleteCustomers'; ids: string[] }
  | { method: 'deleteOrderStatuses'; ids: string[] }
  | { method: 'deleteProductCategories'; ids: number[] }
  | { method: 'saveProductVariations'; items: ShopimindProductVariation[] }
  | { method: 'deleteProductVariations'; productId: number; ids: number[] }
  | { method: 'saveProductImages'; items: ShopimindProductImage[] }
  | { method: 'deleteProductImages'; productId: number; ids: string[] };

type WriterMethod = WriterCall['method'];

/** Records every write in order; answers with queued outcomes, then accepts everything. */
export class RecordingWriter implements Pick<ShopimindWriter, WriterMethod> {
  readonly calls: WriterCall[] = [];
  readonly outcomes: WriteOutcome[] = [];

  saveProducts(items: ShopimindProduct[]): Promise<WriteOutcome> {
    return this.record({ method: 'saveProducts', items }, items.length);
  }

  deleteProducts(ids: number[]): Promise<Array<DeleteChunkOutcome<number>>> {
    return this.recordDelete(ids, SHOPIMIND_CHUNK_SIZES.products, (chunk) => ({
      method: 'deleteProducts',
      ids: chunk,
    }));
  }

  deleteProductCategories(ids: number[]): Promise<Array<DeleteChunkOutcome<number>>> {
    return this.recordDelete(ids, SHOPIMIND_CHUNK_SIZES.productCategories, (chunk) => ({
      method: 'deleteProductCategories',
      ids: chunk,
    }));
  }

  deleteOrderStatuses(ids: string[]): Promise<Array<DeleteChunkOutcome<string>>> {
    return this.recordDelete(ids, SHOPIMIND_CHUNK_SIZES.orderStatuses, (chunk) => ({
      method: 'deleteOrderStatuses',
      ids: chunk,
    }));
  }

  deleteCustomers(ids: string[]): Promise<Array<DeleteChunkOutcome<string>>> {
    return this.recordDelete(ids, SHOPIMIND_CHUNK_SIZES.customers, (chunk) => ({
      method: 'deleteCustomers',
      ids: chunk,
    }));
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

  saveCustomerAddresses(items: ShopimindCustomerAddress[]): Promise<WriteOutcome> {
    return this.record({ method: 'saveCustomerAddresses', items }, items.length);
  }

  saveOrders(items: ShopimindOrder[]): Promise<WriteOutcome> {
    return this.record({ method: 'saveOrders', items }, items.length);
  }

  deleteOrders(ids: string[]): Promise<Array<DeleteChunkOutcome<string>>> {
    return this.recordDelete(ids, SHOPIMIND_CHUNK_SIZES.orders, (chunk) => ({
      method: 'deleteOrders',
      ids: chunk,
    }));
  }

  // Saves of parts are chunked by the writer like deletes: one call, and one outcome, per chunk.
  async saveProductVariations(items: ShopimindProductVariation[]): Promise<WriteOutcome[]> {
    const answers = await this.recordDelete(items, SHOPIMIND_CHUNK_SIZES.productVariations, (chunk) => ({
      method: 'saveProductVariations',
      items: chunk,
    }));
    return answers.map(({ ids, outcome }) => (outcome.kind === 'accepted' ? accepted(ids.length) : outcome));
  }

  deleteProductVariations(productId: number, ids: number[]): Promise<Array<DeleteChunkOutcome<number>>> {
    return this.recordDelete(ids, SHOPIMIND_CHUNK_SIZES.productVariations, (chunk) => ({
      method: 'deleteProductVariations',
      productId,
      ids: chunk,
    }));
  }

  async saveProductImages(items: ShopimindProductImage[]): Promise<WriteOutcome[]> {
    const answers = await this.recordDelete(items, SHOPIMIND_CHUNK_SIZES.productImages, (chunk) => ({
      method: 'saveProductImages',
      items: chunk,
    }));
    return answers.map(({ ids, outcome }) => (outcome.kind === 'accepted' ? accepted(ids.length) : outcome));
  }

  deleteProductImages(productId: number, ids: string[]): Promise<Array<DeleteChunkOutcome<string>>> {
    return this.recordDelete(ids, SHOPIMIND_CHUNK_SIZES.productImages, (chunk) => ({
      method: 'deleteProductImages',
      productId,
      ids: chunk,
    }));
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

  /** One call per chunk of `size` ids, like the real writer, each answered in turn. */
  private async recordDelete<Id>(
    ids: readonly Id[],
    size: number,
    callOf: (chunk: Id[]) => WriterCall,
  ): Promise<Array<DeleteChunkOutcome<Id>>> {
    const answers: Array<DeleteChunkOutcome<Id>> = [];
    for (let start = 0; start < ids.length; start += size) {
      const chunk = ids.slice(start, start + size);
      answers.push({ ids: chunk, outcome: await this.record(callOf(chunk), 0) });
    }
    return answers;
  }
}

export class FakeTargets implements Pick<ShopimindTargets, 'for'> {
  readonly writer = new RecordingWriter();
  /** One installation's memory of accepted reference data, as the real targets keep it. */
  readonly referenceRows = new AcceptedReferenceRows();
  readonly categoryIds = new Map<string, number>();
  readonly calls: Array<{ installation: InstallationEntity; connection: StoreConnectionEntity }> = [];
  /** One target for every call, as the real targets keep theirs while the token is unchanged. */
  private target?: ShopimindTarget;

  async for(
    installation: InstallationEntity & { accessTokenCiphertext: string },
    connection: StoreConnectionEntity,
  ): Promise<ShopimindTarget> {
    this.calls.push({ installation, connection });
    this.target ??= {
      writer: this.writer as unknown as ShopimindWriter,
      dataSourceId: FAKE_DATA_SOURCE_ID,
      referenceRows: this.referenceRows,
      categoryIds: this.categoryIds,
    };
    return this.target;
  }
}

/**
 * The push ledger as the repository keeps it: the last answer per connection, entity and store id. `connections`
 * gives each connection's last configuration change, which the real ledger reads from `store_connections`.
 */
export class FakePushOutcomes implements Pick<
  PushOutcomeRepository,
  | 'record'
  | 'forget'
  | 'markDeletePending'
  | 'findDueDeletes'
  | 'recordDerived'
  | 'findAcceptedIds'
  | 'findAcceptedUnchanged'
> {
  readonly rows = new Map<string, PushOutcomeInput & { attempts: number; updatedAt?: number }>();
  /** How many times `record` was called with answers: one statement each. */
  recordStatements = 0;
  /** The ledger's clock (ms): a pending delete is due PENDING_DELETE_FIRST_WAIT_MS × 2^(attempts - 1) after it. */
  now = Date.now();
  readonly dueLookups: Array<readonly string[]> = [];
  /** The store ids each `findAcceptedUnchanged` asked about: one statement each. */
  readonly unchangedLookups: Array<readonly string[]> = [];
  /** Statements writing a time come one after the other: each is a millisecond after the previous one. */
  private ticks = 0;

  constructor(private readonly connections?: FakeConnections) {}

  /** The time of a statement writing now: after every earlier one. */
  tick(): number {
    this.ticks += 1;
    return this.now + this.ticks;
  }

  async markDeletePending(
    connectionId: string,
    entity: LedgerEntity,
    storeIds: readonly string[],
    reason: string,
  ): Promise<void> {
    for (const storeId of storeIds) {
      const key = `${connectionId}/${entity}/${storeId}`;
      const previous = this.rows.get(key);
      const attempts = previous?.status === 'delete_pending' ? previous.attempts + 1 : 1;
      this.rows.set(key, {
        storeId,
        contentHash: previous?.contentHash ?? '',
        status: 'delete_pending',
        reasons: [reason],
        attempts,
        updatedAt: this.now,
      });
    }
  }

  async findDueDeletes(
    connectionId: string,
    entities: readonly LedgerEntity[],
  ): Promise<Map<LedgerEntity, string[]>> {
    this.dueLookups.push([...entities]);
    const due = new Map<LedgerEntity, string[]>(entities.map((entity) => [entity, []]));
    for (const [key, row] of this.rows) {
      const [connection, entity] = key.split('/') as [string, LedgerEntity];
      const wait = FAKE_PENDING_DELETE_FIRST_WAIT_MS * 2 ** (row.attempts - 1);
      if (
        connection === connectionId &&
        row.status === 'delete_pending' &&
        (row.updatedAt ?? 0) + wait <= this.now
      ) {
        due.get(entity)?.push(row.storeId);
      }
    }
    return due;
  }

  async findAcceptedIds(connectionId: string, entity: LedgerEntity): Promise<string[]> {
    return [...this.rows]
      .filter(([key, row]) => key.startsWith(`${connectionId}/${entity}/`) && row.status === 'accepted')
      .map(([, row]) => row.storeId)
      .sort();
  }

  async findAcceptedUnchanged(
    connectionId: string,
    entity: RecordKind | DerivedKind,
    records: ReadonlyArray<{ storeId: string; contentHash: string }>,
  ): Promise<Map<string, Date>> {
    this.unchangedLookups.push(records.map((record) => record.storeId));
    const configuredAt = (await this.connections?.findById(connectionId))?.updatedAt.getTime() ?? 0;
    const found = new Map<string, Date>();
    for (const { storeId, contentHash } of records) {
      const row = this.rows.get(`${connectionId}/${entity}/${storeId}`);
      if (
        row?.status === 'accepted' &&
        row.contentHash !== '' &&
        row.contentHash === contentHash &&
        row.updatedAt !== undefined &&
        row.updatedAt > configuredAt
      ) {
        found.set(storeId, new Date(row.updatedAt));
      }
    }
    return found;
  }

  async recordDerived(
    connectionId: string,
    kind: DerivedKind,
    ids: readonly string[],
    contentHashes: ReadonlyMap<string, string> = new Map(),
  ): Promise<void> {
    const updatedAt = this.tick();
    for (const storeId of ids) {
      this.rows.set(`${connectionId}/${kind}/${storeId}`, {
        storeId,
        contentHash: contentHashes.get(storeId) ?? '',
        status: 'accepted',
        attempts: 0,
        updatedAt,
      });
    }
  }

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
      this.rows.set(key, { ...outcome, attempts, updatedAt: this.tick() });
    }
  }

  async forget(connectionId: string, entity: LedgerEntity, storeIds: readonly string[]): Promise<void> {
    storeIds.forEach((storeId) => this.rows.delete(`${connectionId}/${entity}/${storeId}`));
  }

  /** Store id → status, of one entity. */
  statuses(entity: LedgerEntity): Record<string, string> {
    return Object.fromEntries(
      [...this.rows]
        .filter(([key]) => key.split('/')[1] === entity)
        .map(([, row]) => [row.storeId, row.status]),
    );
  }
}

/** What push sent of each product's variations and images, per connection; `clock` is the ledger's. */
export class FakePushedProductParts implements Pick<
  PushedProductPartsRepository,
  'findFor' | 'save' | 'forget'
> {
  readonly rows = new Map<string, HeldProductParts>();

  constructor(private readonly clock: () => number = Date.now) {}

  async findFor(
    connectionId: string,
    storeProductIds: readonly string[],
  ): Promise<Map<string, HeldProductParts>> {
    return new Map(
      storeProductIds.flatMap((id) => {
        const row = this.rows.get(`${connectionId}/${id}`);
        return row ? [[id, structuredClone(row)] as const] : [];
      }),
    );
  }

  async save(connectionId: string, parts: ReadonlyMap<string, PushedProductParts>): Promise<void> {
    const savedAt = new Date(this.clock());
    for (const [id, row] of parts) {
      if (row.variationIds.length + row.imageIds.length === 0) {
        this.rows.delete(`${connectionId}/${id}`);
      } else {
        this.rows.set(`${connectionId}/${id}`, { ...structuredClone(row), savedAt });
      }
    }
  }

  async forget(connectionId: string, storeProductIds: readonly string[]): Promise<void> {
    storeProductIds.forEach((id) => this.rows.delete(`${connectionId}/${id}`));
  }
}

/** One active installation with one connection, and a real PushTargetService over fakes. */
export class FakePushWorld {
  readonly connections = new FakeConnections();
  readonly installations = new FakeInstallations();
  readonly idMappings = new FakeIdMappings();
  readonly storeProducts = new FakeStoreProducts();
  readonly targets = new FakeTargets();
  readonly outcomes = new FakePushOutcomes(this.connections);
  readonly pushedParts = new FakePushedProductParts(() => this.outcomes.tick());
  readonly installation = anInstallation();
  readonly connection = aConnection(this.installation.id);
  readonly pushTargets = new PushTargetService(
    this.connections as unknown as StoreConnectionRepository,
    this.installations as unknown as InstallationReader,
    this.targets as unknown as ShopimindTargets,
    this.outcomes as unknown as PushOutcomeRepository,
  );
  /** Variations and images of the products, over the same fakes. */
  readonly productParts = new ProductPartsPushService(
    this.pushTargets,
    this.pushedParts as unknown as PushedProductPartsRepository,
  );

  constructor() {
    this.installations.rows.set(this.installation.id, this.installation);
    // Configured before anything was pushed.
    this.connection.updatedAt = new Date(this.outcomes.now - 60_000);
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
  const outcomes = new FakePushOutcomes(connections);
  connection.updatedAt = new Date(outcomes.now - 60_000);
  connections.rows.set(connection.id, connection);
  installations.rows.set(installation.id, installation);
  const pushTargets = new PushTargetService(
    connections as unknown as StoreConnectionRepository,
    installations as unknown as InstallationReader,
    new ShopimindTargets(cipher, { shopimindApiUrl }),
    outcomes as unknown as PushOutcomeRepository,
  );
  const idMappings = new FakeIdMappings() as unknown as IdMappingRepository;
  const pushedParts = new FakePushedProductParts(() => outcomes.tick());
  return {
    installation,
    connection,
    outcomes,
    pushTargets,
    idMappings,
    storeProducts: new FakeStoreProducts(),
    pushedParts,
    productParts: new ProductPartsPushService(
      pushTargets,
      pushedParts as unknown as PushedProductPartsRepository,
    ),
  };
}
