import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NormalizedProduct, ProductsChangedEvent } from '@storebridge/contracts';
import { RetryLaterError } from '@storebridge/messaging';
import type {
  IdMappingRepository,
  InstallationEntity,
  InstallationRepository,
  StoreConnectionEntity,
  StoreConnectionRepository,
} from '@storebridge/persistence';
import type { ShopimindProduct, ShopimindWriter, WriteOutcome } from '@storebridge/shopimind';
import { INACTIVE_RETRY_MS, PRODUCT_BATCH_SIZE, ProductPushService } from './product-push.service';
import type { ShopimindTarget, ShopimindTargets } from './shopimind-targets';

const DATA_SOURCE_ID = 7;
const accepted = (sentCount: number): WriteOutcome => ({ kind: 'accepted', sentCount, rejected: [] });

// ---------------------------------------------------------------------------------------------------------------
// In-memory fakes
// ---------------------------------------------------------------------------------------------------------------

function anInstallation(overrides: Partial<InstallationEntity> = {}): InstallationEntity {
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

function aConnection(
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
    webhookSecretCiphertext: null,
    configFingerprint: null,
    storeToken: 'store-token',
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

class FakeConnections implements Pick<StoreConnectionRepository, 'findById'> {
  readonly rows = new Map<string, StoreConnectionEntity>();

  async findById(id: string): Promise<StoreConnectionEntity | null> {
    return this.rows.get(id) ?? null;
  }
}

class FakeInstallations implements Pick<InstallationRepository, 'findById'> {
  readonly rows = new Map<string, InstallationEntity>();
  readonly lookups: string[] = [];

  async findById(id: string): Promise<InstallationEntity | null> {
    this.lookups.push(id);
    return this.rows.get(id) ?? null;
  }
}

/** Stable ids per (installation, entity, store id), numbered from 1000 in order of first sight. */
class FakeIdMappings implements Pick<IdMappingRepository, 'numericIdsFor'> {
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

type Write = { kind: 'save'; items: ShopimindProduct[] } | { kind: 'delete'; ids: number[] };

class FakeWriter implements Pick<ShopimindWriter, 'saveProducts' | 'deleteProducts'> {
  readonly writes: Write[] = [];
  /** Outcomes returned in order; once used up, every write is accepted. */
  readonly outcomes: WriteOutcome[] = [];

  async saveProducts(items: ShopimindProduct[]): Promise<WriteOutcome> {
    this.writes.push({ kind: 'save', items });
    return this.outcomes.shift() ?? accepted(items.length);
  }

  async deleteProducts(ids: number[]): Promise<WriteOutcome> {
    this.writes.push({ kind: 'delete', ids });
    return this.outcomes.shift() ?? accepted(ids.length);
  }

  saved(): ShopimindProduct[][] {
    return this.writes.flatMap((write) => (write.kind === 'save' ? [write.items] : []));
  }
}

class FakeTargets implements Pick<ShopimindTargets, 'for'> {
  readonly writer = new FakeWriter();
  readonly calls: Array<{ installation: InstallationEntity; connection: StoreConnectionEntity }> = [];

  async for(
    installation: InstallationEntity & { accessTokenCiphertext: string },
    connection: StoreConnectionEntity,
  ): Promise<ShopimindTarget> {
    this.calls.push({ installation, connection });
    return { writer: this.writer as unknown as ShopimindWriter, dataSourceId: DATA_SOURCE_ID };
  }
}

function aProduct(index: number, overrides: Partial<NormalizedProduct> = {}): NormalizedProduct {
  return {
    id: `prod_${index}`,
    name: `Product ${index}`,
    price: 10 + index,
    categories: [],
    tags: [],
    images: [`https://shop.example.com/img/${index}.jpg`],
    url: `https://shop.example.com/product/${index}`,
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------------

describe('ProductPushService.pushProducts', () => {
  let connections: FakeConnections;
  let installations: FakeInstallations;
  let idMappings: FakeIdMappings;
  let targets: FakeTargets;
  let service: ProductPushService;
  let installation: InstallationEntity;
  let connection: StoreConnectionEntity;
  let warnings: jest.SpyInstance;
  let errors: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    connections = new FakeConnections();
    installations = new FakeInstallations();
    idMappings = new FakeIdMappings();
    targets = new FakeTargets();
    service = new ProductPushService(
      connections as unknown as StoreConnectionRepository,
      installations as unknown as InstallationRepository,
      idMappings as unknown as IdMappingRepository,
      targets as unknown as ShopimindTargets,
    );
    installation = anInstallation();
    connection = aConnection(installation.id);
    installations.rows.set(installation.id, installation);
    connections.rows.set(connection.id, connection);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function event(products: NormalizedProduct[], deletedIds: string[] = []): ProductsChangedEvent {
    return { connectionId: connection.id, syncRunId: randomUUID(), page: 3, products, deletedIds };
  }

  function products(count: number): NormalizedProduct[] {
    return Array.from({ length: count }, (_, index) => aProduct(index + 1));
  }

  async function retryLater(promise: Promise<void>): Promise<RetryLaterError> {
    const error: unknown = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(RetryLaterError);
    return error as RetryLaterError;
  }

  describe('before writing', () => {
    it('drops the products of a removed connection without writing anything', async () => {
      const removed = randomUUID();

      await expect(
        service.pushProducts({ ...event(products(3)), connectionId: removed }),
      ).resolves.toBeUndefined();

      expect(installations.lookups).toEqual([]);
      expect(targets.calls).toEqual([]);
      expect(idMappings.calls).toEqual([]);
      expect(targets.writer.writes).toEqual([]);
      expect(warnings).toHaveBeenCalledWith(expect.stringContaining(removed));
    });

    it.each(['installed', 'inactive', 'uninstalled'] as const)(
      'asks to retry later while the installation is %s',
      async (status) => {
        installation.status = status;

        const error = await retryLater(service.pushProducts(event(products(3))));

        expect(error.delayMs).toBe(INACTIVE_RETRY_MS);
        expect(targets.calls).toEqual([]);
        expect(targets.writer.writes).toEqual([]);
      },
    );

    it('asks to retry later when the installation is active but has no access token', async () => {
      installation.accessTokenCiphertext = null;

      const error = await retryLater(service.pushProducts(event(products(3))));

      expect(error.delayMs).toBe(INACTIVE_RETRY_MS);
      expect(targets.calls).toEqual([]);
    });

    it('asks to retry later when the installation row is gone', async () => {
      installations.rows.clear();

      const error = await retryLater(service.pushProducts(event(products(3))));

      expect(error.delayMs).toBe(INACTIVE_RETRY_MS);
      expect(targets.writer.writes).toEqual([]);
    });

    it("opens the installation's target with its token and the connection", async () => {
      await service.pushProducts(event(products(1)));

      expect(installations.lookups).toEqual([installation.id]);
      expect(targets.calls).toHaveLength(1);
      expect(targets.calls[0].installation).toMatchObject({
        id: installation.id,
        accessTokenCiphertext: installation.accessTokenCiphertext,
      });
      expect(targets.calls[0].connection).toBe(connection);
    });
  });

  describe('saving', () => {
    it(`writes in batches of ${PRODUCT_BATCH_SIZE}, in order`, async () => {
      await service.pushProducts(event(products(120)));

      const batches = targets.writer.saved();
      expect(batches.map((batch) => batch.length)).toEqual([50, 50, 20]);
      expect(batches.flat().map((item) => item.name)).toEqual(products(120).map((product) => product.name));
      expect(targets.writer.writes.every((write) => write.kind === 'save')).toBe(true);
    });

    it('sends the numeric id of each product from the id mapping of its installation', async () => {
      const known = await idMappings.numericIdsFor(installation.id, 'product', ['prod_2']);

      await service.pushProducts(event(products(120)));

      expect(idMappings.calls.at(-1)).toEqual({
        installationId: installation.id,
        entityType: 'product',
        storeIds: products(120).map((product) => product.id),
      });
      const items = targets.writer.saved().flat();
      expect(items[1].product_id).toBe(known.get('prod_2'));
      const mapped = await idMappings.numericIdsFor(
        installation.id,
        'product',
        products(120).map((product) => product.id),
      );
      expect(items.map((item) => item.product_id)).toEqual(
        products(120).map((product) => mapped.get(product.id)),
      );
      expect(new Set(items.map((item) => item.product_id)).size).toBe(120);
    });

    it('sends the language and currency of the connection and the data source of the target', async () => {
      await service.pushProducts(event([aProduct(1, { regularPrice: 20, salePrice: 15, sku: 'SKU-1' })]));

      const [[item]] = targets.writer.saved();
      expect(item).toMatchObject({
        lang: 'de',
        currency: 'CHF',
        id_data_source: DATA_SOURCE_ID,
        name: 'Product 1',
        reference: 'SKU-1',
        price: 20,
        price_discount: 15,
        link: 'https://shop.example.com/product/1',
        image_link: 'https://shop.example.com/img/1.jpg',
      });
    });

    it('gives one timestamp to every product without dates', async () => {
      const before = Date.now();
      await service.pushProducts(event(products(60)));

      const items = targets.writer.saved().flat();
      const stamps = new Set(items.flatMap((item) => [item.created_at, item.updated_at]));
      expect(stamps.size).toBe(1);
      const [stamp] = stamps;
      expect(Date.parse(String(stamp))).toBeGreaterThanOrEqual(before - 1);
    });
  });

  describe('deleting', () => {
    it('deletes the mapped numeric ids after saving the changed products', async () => {
      const known = await idMappings.numericIdsFor(installation.id, 'product', ['gone_1', 'gone_2']);

      await service.pushProducts(event(products(2), ['gone_1', 'gone_2']));

      expect(targets.writer.writes.map((write) => write.kind)).toEqual(['save', 'delete']);
      expect(targets.writer.writes[1]).toEqual({
        kind: 'delete',
        ids: [known.get('gone_1'), known.get('gone_2')],
      });
      expect(idMappings.calls.at(-1)?.storeIds).toEqual(['prod_1', 'prod_2', 'gone_1', 'gone_2']);
    });

    it('only deletes when the event has no changed products', async () => {
      await service.pushProducts(event([], ['gone_1']));

      expect(targets.writer.writes).toEqual([{ kind: 'delete', ids: [expect.any(Number)] }]);
    });

    it('does not call delete without deleted ids', async () => {
      await service.pushProducts(event(products(2)));

      expect(targets.writer.writes.map((write) => write.kind)).toEqual(['save']);
    });
  });

  describe('write outcomes', () => {
    it('asks to retry later when ShopiMind says the installation is not active', async () => {
      targets.writer.outcomes.push({ kind: 'not_active' });

      const error = await retryLater(service.pushProducts(event(products(120))));

      expect(error.delayMs).toBe(INACTIVE_RETRY_MS);
      // The remaining batches wait for the redelivery.
      expect(targets.writer.writes).toHaveLength(1);
    });

    it.each<WriteOutcome>([
      { kind: 'rate_limited' },
      { kind: 'transient', statusCode: 503, message: 'Service Unavailable' },
    ])('throws on a $kind outcome so the transport redelivers the message', async (outcome) => {
      targets.writer.outcomes.push(accepted(50), outcome);

      const failure = service.pushProducts(event(products(120)));

      await expect(failure).rejects.toThrow(outcome.kind);
      await expect(failure).rejects.not.toBeInstanceOf(RetryLaterError);
      expect(targets.writer.writes).toHaveLength(2);
    });

    it('throws when the delete is rate limited', async () => {
      targets.writer.outcomes.push(accepted(1), { kind: 'rate_limited' });

      await expect(service.pushProducts(event(products(1), ['gone']))).rejects.toThrow('rate_limited');
    });

    it('does not throw on a permanent refusal: redelivering cannot help; the other batches still go', async () => {
      targets.writer.outcomes.push({ kind: 'permanent', statusCode: 422, message: 'Unprocessable Entity' });

      await expect(service.pushProducts(event(products(120)))).resolves.toBeUndefined();

      expect(targets.writer.saved().map((batch) => batch.length)).toEqual([50, 50, 20]);
      expect(errors).toHaveBeenCalledWith(expect.stringMatching(/HTTP 422 Unprocessable Entity/));
    });

    it('does not throw when ShopiMind accepts the batch but rejects some items, and logs them', async () => {
      targets.writer.outcomes.push({
        kind: 'accepted',
        sentCount: 1,
        rejected: [{ index: 1, errors: ['price must be a number'] }],
      });

      await expect(service.pushProducts(event(products(2)))).resolves.toBeUndefined();

      expect(warnings).toHaveBeenCalledWith(
        expect.stringMatching(/rejected 1 products.*#1 price must be a number/),
      );
    });
  });
});
