import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { StoreConnectionService, StoreConnectionView } from '@storebridge/connections';
import {
  Subjects,
  type NormalizedProduct,
  type ProductsChangedEvent,
  type StoreProductEventName,
  type StoreProductEventReceivedEvent,
} from '@storebridge/contracts';
import { resolveStoreSettings, type FieldMapping } from '@storebridge/generic-api';
import { RecordingPublisher } from '@storebridge/messaging';
import {
  storeProductContentHash,
  type StoreConnectionEntity,
  type StoreProductEntity,
  type StoreProductRepository,
} from '@storebridge/persistence';
import { StoreProductEventService } from './store-product-event.service';

const BASE_URL = 'https://shop.test';

/** The mirror as the repository keeps it, one row per connection and product id. */
class FakeStoreProducts implements Pick<StoreProductRepository, 'findOne' | 'upsertMany' | 'deleteMany'> {
  readonly rows = new Map<string, StoreProductEntity>();

  async findOne(connectionId: string, storeProductId: string): Promise<StoreProductEntity | null> {
    return this.rows.get(`${connectionId}/${storeProductId}`) ?? null;
  }

  async upsertMany(
    connectionId: string,
    products: readonly NormalizedProduct[],
    raws?: ReadonlyMap<string, Record<string, unknown>>,
  ): Promise<void> {
    for (const product of products) {
      const key = `${connectionId}/${product.id}`;
      this.rows.set(key, {
        connectionId,
        storeProductId: product.id,
        name: product.name,
        price: product.price ?? null,
        regularPrice: product.regularPrice ?? null,
        imageUrl: product.images[0] ?? null,
        url: product.url,
        categories: [...product.categories],
        contentHash: storeProductContentHash(product),
        lastSeenRunId: this.rows.get(key)?.lastSeenRunId ?? null,
        raw: raws?.get(product.id) ?? null,
        updatedAt: new Date(),
      });
    }
  }

  async deleteMany(connectionId: string, storeProductIds: readonly string[]): Promise<number> {
    return storeProductIds.filter((id) => this.rows.delete(`${connectionId}/${id}`)).length;
  }
}

class FakeStoreConnections implements Pick<StoreConnectionService, 'findById'> {
  readonly views = new Map<string, StoreConnectionView>();

  add(productMappings: FieldMapping = {}): StoreConnectionView {
    const settings = resolveStoreSettings({
      baseUrl: BASE_URL,
      auth: { method: 'api_key', token: 'key' },
      fieldMappings: { products: productMappings },
    });
    const now = new Date();
    const connection: StoreConnectionEntity = {
      id: randomUUID(),
      installationId: randomUUID(),
      baseUrl: settings.baseUrl,
      authMethod: settings.auth.method,
      credentialsCiphertext: 'v1.not.used.here',
      paths: settings.paths,
      fieldMappings: { products: { ...productMappings }, orders: {} },
      lang: 'fr',
      currency: 'EUR',
      syncIntervalMinutes: 60,
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

  async findById(connectionId: string): Promise<StoreConnectionView | null> {
    return this.views.get(connectionId) ?? null;
  }
}

const LAMP = {
  id: 'prod_1',
  title: 'Desk lamp',
  selling_price: '$49.90',
  permalink: `${BASE_URL}/p/lamp`,
  images: ['https://cdn.shop.test/lamp.jpg'],
  colour: 'black',
};

describe('StoreProductEventService', () => {
  let connections: FakeStoreConnections;
  let storeProducts: FakeStoreProducts;
  let publisher: RecordingPublisher<ProductsChangedEvent>;
  let service: StoreProductEventService;
  let view: StoreConnectionView;
  let warnings: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    connections = new FakeStoreConnections();
    storeProducts = new FakeStoreProducts();
    publisher = new RecordingPublisher<ProductsChangedEvent>();
    service = new StoreProductEventService(
      connections as unknown as StoreConnectionService,
      storeProducts as unknown as StoreProductRepository,
      publisher,
    );
    view = connections.add();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function event(
    name: StoreProductEventName,
    data: Record<string, unknown>,
    connectionId = view.connection.id,
  ): StoreProductEventReceivedEvent {
    return { connectionId, event: name, data, receivedAt: new Date().toISOString() };
  }

  function mirrored(id: string): StoreProductEntity | undefined {
    return storeProducts.rows.get(`${view.connection.id}/${id}`);
  }

  it('mirrors and publishes a created product, normalized, outside any sync run', async () => {
    await service.apply(event('product.created', LAMP));

    expect(publisher.published).toEqual([
      {
        subject: Subjects.productsChanged,
        payload: {
          connectionId: view.connection.id,
          syncRunId: null,
          page: 0,
          products: [expect.objectContaining({ id: 'prod_1', name: 'Desk lamp', price: 49.9 })],
          deletedIds: [],
        },
        options: {
          messageId: expect.stringMatching(new RegExp(`^webhook:${view.connection.id}:prod_1:[0-9a-f]{64}$`)),
        },
      },
    ]);
    expect(mirrored('prod_1')).toMatchObject({ name: 'Desk lamp', price: 49.9, raw: LAMP });
  });

  it('merges a partial update into the record it holds, keeping the fields the store did not send', async () => {
    await service.apply(event('product.created', LAMP));
    publisher.published.length = 0;

    await service.apply(event('product.updated', { id: 'prod_1', selling_price: '39.90' }));

    const [message] = publisher.published;
    expect(message.payload.products).toEqual([
      expect.objectContaining({
        id: 'prod_1',
        name: 'Desk lamp',
        price: 39.9,
        url: `${BASE_URL}/p/lamp`,
        images: ['https://cdn.shop.test/lamp.jpg'],
      }),
    ]);
    expect(mirrored('prod_1')?.raw).toEqual({ ...LAMP, selling_price: '39.90' });
  });

  it('replaces a nested value whole instead of merging inside it', async () => {
    await service.apply(event('product.created', LAMP));

    await service.apply(
      event('product.updated', { id: 'prod_1', images: ['https://cdn.shop.test/new.jpg'] }),
    );

    expect(publisher.published[1].payload.products[0].images).toEqual(['https://cdn.shop.test/new.jpg']);
  });

  it("finds the product by the connection's id mapping", async () => {
    view = connections.add({ id: 'ref', name: 'label' });

    await service.apply(event('product.created', { ref: 77, label: 'Mapped lamp' }));
    await service.apply(event('product.updated', { ref: 77, stock: 3 }));

    expect(publisher.published.map((message) => message.payload.products[0])).toEqual([
      expect.objectContaining({ id: '77', name: 'Mapped lamp' }),
      expect.objectContaining({ id: '77', name: 'Mapped lamp', stockQuantity: 3 }),
    ]);
  });

  it('publishes nothing when the merged product is what push already has', async () => {
    await service.apply(event('product.created', LAMP));
    publisher.published.length = 0;

    // `colour` is not a field ShopiMind receives.
    await service.apply(event('product.updated', { id: 'prod_1', colour: 'white' }));

    expect(publisher.published).toEqual([]);
    expect(mirrored('prod_1')?.raw).toEqual({ ...LAMP, colour: 'white' });
  });

  it('skips an update that still lacks a required field after merging, and says so', async () => {
    await service.apply(event('product.updated', { id: 'prod_9', price: 12 }));

    expect(publisher.published).toEqual([]);
    expect(mirrored('prod_9')).toBeUndefined();
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('missing_name'));
  });

  it('skips an event whose data names no product id', async () => {
    await service.apply(event('product.updated', { title: 'Nameless' }));

    expect(publisher.published).toEqual([]);
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('names no product id'));
  });

  it('publishes a deleted product, then removes it from the mirror', async () => {
    await service.apply(event('product.created', LAMP));
    publisher.published.length = 0;

    await service.apply(event('product.deleted', { id: 'prod_1' }));

    expect(publisher.published).toEqual([
      expect.objectContaining({
        payload: {
          connectionId: view.connection.id,
          syncRunId: null,
          page: 0,
          products: [],
          deletedIds: ['prod_1'],
        },
      }),
    ]);
    expect(mirrored('prod_1')).toBeUndefined();
  });

  it('announces nothing for the deletion of a product it does not hold', async () => {
    await service.apply(event('product.deleted', { id: 'prod_404' }));

    expect(publisher.published).toEqual([]);
  });

  it('leaves the mirror untouched when the change cannot be published, so a redelivery publishes it', async () => {
    await service.apply(event('product.created', LAMP));
    publisher.failing = true;

    await expect(service.apply(event('product.updated', { id: 'prod_1', title: 'Lamp' }))).rejects.toThrow(
      'bus unavailable',
    );
    expect(mirrored('prod_1')?.name).toBe('Desk lamp');

    publisher.failing = false;
    await service.apply(event('product.updated', { id: 'prod_1', title: 'Lamp' }));
    expect(publisher.published.at(-1)?.payload.products[0].name).toBe('Lamp');
  });

  it('drops an event of a connection that no longer exists, with a warning', async () => {
    await service.apply(event('product.created', LAMP, randomUUID()));

    expect(publisher.published).toEqual([]);
    expect(storeProducts.rows.size).toBe(0);
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('unknown connection'));
  });
});
