import fc from 'fast-check';
import type { NormalizedOrder, NormalizedProduct } from '@storebridge/contracts';
import { demoOrder, demoProduct, startDemoStore, type DemoStore } from '@storebridge/demo-store';
import { startShopimindSandbox, type ShopimindSandbox } from '@storebridge/shopimind-sandbox';
import { toNormalizedOrder, toNormalizedProduct } from '@storebridge/store-normalization';
import {
  NaivePipeIds,
  NumericIds,
  orderPageWrites,
  productPageWrites,
  runNaivePipe,
  type NaivePipeTarget,
} from './naive-pipe';

const STORE_URL = 'https://demo-store.example';
const context = {
  lang: 'fr',
  currency: 'EUR',
  storeUrl: STORE_URL,
  dataSourceId: 7,
  now: '2026-01-01T00:00:00.000Z',
};

function products(from: number, to: number): NormalizedProduct[] {
  return Array.from({ length: to - from + 1 }, (_, k) => {
    const mapped = toNormalizedProduct(demoProduct(from + k), { baseUrl: STORE_URL, mappings: {} });
    if (mapped.product === undefined) {
      throw new Error(`demo product ${from + k} does not normalize: ${mapped.skipReason}`);
    }
    return mapped.product;
  });
}

function orders(count: number, productCount: number, guestOrderEvery = 0): NormalizedOrder[] {
  return Array.from({ length: count }, (_, k) => {
    const mapped = toNormalizedOrder(demoOrder(k + 1, productCount, { guestOrderEvery }), { mappings: {} });
    if (mapped.order === undefined) {
      throw new Error(`demo order ${k + 1} does not normalize: ${mapped.skipReason}`);
    }
    return mapped.order;
  });
}

describe('NumericIds', () => {
  it('gives each key one id for good, and distinct keys distinct positive ids', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 50 }), (keys) => {
        const ids = new NumericIds();
        const first = keys.map((key) => ids.idOf(key));
        const again = keys.map((key) => ids.idOf(key));

        expect(again).toEqual(first);
        expect(new Set(first).size).toBe(new Set(keys).size);
        expect(first.every((id) => Number.isSafeInteger(id) && id > 0)).toBe(true);
      }),
    );
  });
});

describe('productPageWrites', () => {
  it("maps a page's products, their variations and their images onto the ids it hands out", () => {
    const ids = new NaivePipeIds();
    const page = products(1, 40);

    const writes = productPageWrites(page, ids, context);

    expect(writes.products.map((product) => product.product_id)).toEqual(
      page.map((product) => ids.products.idOf(product.id)),
    );
    expect(writes.products.every((product) => product.id_data_source === 7)).toBe(true);
    const productIds = new Set(writes.products.map((product) => String(product.product_id)));
    expect(writes.variations.length).toBeGreaterThan(0);
    expect(writes.variations.every((variation) => productIds.has(variation.product_id))).toBe(true);
    expect(writes.images).toHaveLength(page.reduce((sum, product) => sum + new Set(product.images).size, 0));
    expect(writes.images.every((image) => productIds.has(image.product_id))).toBe(true);
  });

  it('sends each category once, the products of later pages still pointing at it', () => {
    const ids = new NaivePipeIds();
    const first = productPageWrites(products(1, 40), ids, context);
    const second = productPageWrites(products(41, 80), ids, context);

    const sentFirst = new Set(first.categories.map((category) => category.category_id));
    expect(sentFirst.size).toBeGreaterThan(0);
    expect(second.categories.filter((category) => sentFirst.has(category.category_id))).toEqual([]);
    const pointedAt = second.products.flatMap((product) => product.category_ids ?? []);
    expect(pointedAt.some((categoryId) => sentFirst.has(categoryId))).toBe(true);
  });
});

describe('orderPageWrites', () => {
  it("writes the orders' statuses once, one customer per email with their addresses, and points the orders at them", () => {
    const ids = new NaivePipeIds();
    products(1, 20).forEach((product) => ids.products.idOf(product.id));
    const page = orders(60, 20);

    const writes = orderPageWrites(page, ids, context);
    const again = orderPageWrites(page, ids, context);

    expect(writes.orders.map((order) => order.order_id)).toEqual(page.map((order) => order.id));
    expect(writes.statuses.length).toBeGreaterThan(0);
    expect(again.statuses).toEqual([]);
    const customerIds = writes.customers.map((customer) => customer.customer_id);
    expect(new Set(customerIds).size).toBe(customerIds.length);
    expect(writes.orders.every((order) => customerIds.includes(order.customer.customer_id))).toBe(true);
    const addressIds = new Set(writes.addresses.map((address) => String(address.address_id)));
    expect(writes.orders.every((order) => addressIds.has(order.address_invoice_id ?? ''))).toBe(true);
    const knownProducts = new Set(products(1, 20).map((product) => ids.products.idOf(product.id)));
    const lines = writes.orders.flatMap((order) => order.products);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => knownProducts.has(line.product_id))).toBe(true);
  });

  it('leaves out an order without a customer email, as push does', () => {
    const page = orders(10, 20, 2);

    const writes = orderPageWrites(page, new NaivePipeIds(), context);

    expect(writes.orders.map((order) => order.order_id)).toEqual([
      'ord_1',
      'ord_3',
      'ord_5',
      'ord_7',
      'ord_9',
    ]);
  });
});

describe('runNaivePipe', () => {
  let store: DemoStore;
  let sandbox: ShopimindSandbox;
  let target: NaivePipeTarget;
  let installationId: string;

  beforeAll(async () => {
    store = await startDemoStore({ productCount: 130, orderCount: 45, apiKey: 'naive-pipe-key' });
    sandbox = await startShopimindSandbox();
  });

  afterAll(async () => {
    await Promise.all([store.close(), sandbox.close()]);
  });

  beforeEach(() => {
    const created = sandbox.createInstallation();
    installationId = created.installationId;
    sandbox.setActive(installationId, true);
    target = {
      storeUrl: store.url,
      storeApiKey: 'naive-pipe-key',
      pageSize: 50,
      shopimindUrl: sandbox.url,
      accessToken: created.accessToken,
      lang: 'fr',
      currency: 'EUR',
    };
  });

  it('delivers every product with its variations and images, and every order with its customer and addresses', async () => {
    const run = await runNaivePipe(target);

    expect(sandbox.products(installationId)).toHaveLength(130);
    expect(sandbox.orders(installationId)).toHaveLength(45);
    expect(sandbox.productVariations(installationId).length).toBeGreaterThan(0);
    expect(sandbox.productImages(installationId).length).toBeGreaterThan(0);
    expect(sandbox.productCategories(installationId).length).toBeGreaterThan(0);
    expect(sandbox.orderStatuses(installationId).length).toBeGreaterThan(0);
    expect(sandbox.customers(installationId).length).toBeGreaterThan(0);
    expect(sandbox.customerAddresses(installationId).length).toBeGreaterThan(0);
    expect(run.itemsRejected).toBe(0);
    expect(run.itemsWritten).toBeGreaterThanOrEqual(130 + 45);
    expect(run.elapsedMs).toBeGreaterThan(0);
  });

  it('fails, naming the answer, when ShopiMind refuses a write', async () => {
    sandbox.setActive(installationId, false);

    await expect(runNaivePipe(target)).rejects.toThrow(/HTTP 401/);
  });
});
