import {
  SpmClient,
  SpmCustomerData,
  SpmCustomers,
  SpmDataSources,
  SpmHttpClient,
  SpmOrderData,
  SpmOrders,
  SpmOrdersStatuses,
  SpmOrderStatusData,
  SpmProductCategoryData,
  SpmProductData,
  SpmProducts,
  SpmProductsCategories,
} from '@shopimind/sdk-shopimind';
import {
  sandboxCustomerFixture,
  sandboxOrderFixture,
  sandboxOrderStatusFixture,
  sandboxProductCategoryFixture,
  sandboxProductFixture,
} from './sandbox-fixtures';
import { ShopimindSandbox, startShopimindSandbox } from './sandbox.server';

/** A valid product category, typed as the SDK takes it. */
function categoryFixture(overrides: Partial<SpmProductCategoryData> = {}): SpmProductCategoryData {
  return sandboxProductCategoryFixture(overrides) as unknown as SpmProductCategoryData;
}

// The sandbox is only useful if the official SDK talks to it exactly as to ShopiMind.
describe('ShopiMind sandbox with the official SDK', () => {
  let sandbox: ShopimindSandbox;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  function client(accessToken: string, labelSource: string | null = null): SpmHttpClient {
    return SpmClient.getClient('v1', accessToken, {
      baseUrl: sandbox.url,
      labelSource,
      retry: false,
      timeout: 5_000,
    });
  }

  it('gets a 401 envelope before activation', async () => {
    const { accessToken } = sandbox.createInstallation();
    const envelope = await SpmDataSources.list(client(accessToken));
    expect(envelope).toMatchObject({ ok: false, statusCode: 401 });
  });

  it('saves 120 products in chunks of 50 and merges the counts', async () => {
    const { installationId, accessToken } = sandbox.createInstallation();
    sandbox.setActive(installationId, true);
    const items = Array.from({ length: 120 }, (_, k) => sandboxProductFixture({ product_id: k + 1 }));

    const envelope = await SpmProducts.bulkSave(client(accessToken), items as unknown as SpmProductData[], {
      chunk: true,
    });

    expect(envelope.ok).toBe(true);
    expect(envelope.data).toMatchObject({ sent_count: 120, rejected_count: 0, failed_count: 0 });
    expect(sandbox.products(installationId)).toHaveLength(120);
    expect(sandbox.requestLog(installationId).map((entry) => entry.itemCount)).toEqual([50, 50, 20]);
  });

  it('creates a data source, tags orders with it and accepts the injected label_source', async () => {
    const { installationId, accessToken } = sandbox.createInstallation();
    sandbox.setActive(installationId, true);
    const created = await SpmDataSources.create(client(accessToken), { label: 'Demo store', type: 'api' });
    expect(created.ok).toBe(true);
    const id = (created.data as { data: { id_data_source: number } }).data.id_data_source;

    const saved = await SpmOrders.bulkSave(client(accessToken, 'storebridge'), [
      sandboxOrderFixture({ id_data_source: id }),
    ] as unknown as SpmOrderData[]);

    expect(saved).toMatchObject({ ok: true, data: { sent_count: 1, rejected_count: 0 } });
    expect(sandbox.orders(installationId)[0]).toMatchObject({
      id_data_source: id,
      label_source: 'storebridge',
    });
  });

  it('deletes products through bulkDelete', async () => {
    const { installationId, accessToken } = sandbox.createInstallation();
    sandbox.setActive(installationId, true);
    await SpmProducts.bulkSave(client(accessToken), [
      sandboxProductFixture({ product_id: 5 }),
    ] as unknown as SpmProductData[]);

    const deleted = await SpmProducts.bulkDelete(client(accessToken), [5]);

    expect(deleted.ok).toBe(true);
    expect(sandbox.products(installationId)).toEqual([]);
  });

  function activeInstallation(): { installationId: string; accessToken: string } {
    const credentials = sandbox.createInstallation();
    sandbox.setActive(credentials.installationId, true);
    return credentials;
  }

  function calls(installationId: string): string[] {
    return sandbox
      .requestLog(installationId)
      .map((entry) => `${entry.method} ${entry.path} ${entry.status} ${entry.itemCount}`);
  }

  it('saves orders and deletes them by their string ids', async () => {
    const { installationId, accessToken } = activeInstallation();
    const orders = ['ord_1', 'ord_2', 'ord_3'].map((id) =>
      sandboxOrderFixture({ order_id: id, cart_id: id }),
    ) as unknown as SpmOrderData[];

    const saved = await SpmOrders.bulkSave(client(accessToken), orders);
    const deleted = await SpmOrders.bulkDelete(client(accessToken), ['ord_1', 'ord_3']);

    expect(saved).toMatchObject({ ok: true, data: { sent_count: 3, rejected_count: 0 } });
    expect(deleted.ok).toBe(true);
    expect(sandbox.orders(installationId).map((order) => order['order_id'])).toEqual(['ord_2']);
    expect(calls(installationId)).toEqual(['POST /v1/orders 200 3', 'POST /v1/orders/bulk-delete 200 2']);
  });

  it('saves 60 customers in chunks of 50 and returns the rejected ones by index', async () => {
    const { installationId, accessToken } = activeInstallation();
    const customers = Array.from({ length: 60 }, (_, k) =>
      sandboxCustomerFixture({ customer_id: `cust_${k}`, email: k === 55 ? 'nobody' : `c${k}@example.com` }),
    ) as unknown as SpmCustomerData[];

    const envelope = await SpmCustomers.bulkSave(client(accessToken), customers, { chunk: true });

    expect(envelope.data).toMatchObject({
      sent_count: 59,
      rejected_count: 1,
      rejected_items: [{ index: 5, errors: ['email must be an email address'] }],
    });
    expect(sandbox.customers(installationId)).toHaveLength(59);
    expect(calls(installationId)).toEqual(['POST /v1/customers 200 50', 'POST /v1/customers 200 10']);
  });

  it('saves 150 order statuses in chunks of 100, the reference-data limit', async () => {
    const { installationId, accessToken } = activeInstallation();
    const statuses = Array.from({ length: 150 }, (_, k) =>
      sandboxOrderStatusFixture({ status_id: `status_${k}`, name: `Status ${k}` }),
    ) as unknown as SpmOrderStatusData[];

    const envelope = await SpmOrdersStatuses.bulkSave(client(accessToken), statuses, { chunk: true });

    expect(envelope).toMatchObject({ ok: true, data: { sent_count: 150, rejected_count: 0 } });
    expect(sandbox.orderStatuses(installationId)).toHaveLength(150);
    expect(calls(installationId)).toEqual([
      'POST /v1/orders-statuses 200 100',
      'POST /v1/orders-statuses 200 50',
    ]);
  });

  it('deletes order statuses and customers through bulkDelete', async () => {
    const { installationId, accessToken } = activeInstallation();
    await SpmOrdersStatuses.bulkSave(client(accessToken), [
      sandboxOrderStatusFixture(),
    ] as unknown as SpmOrderStatusData[]);
    await SpmCustomers.bulkSave(client(accessToken), [
      sandboxCustomerFixture(),
    ] as unknown as SpmCustomerData[]);

    const statuses = await SpmOrdersStatuses.bulkDelete(client(accessToken), ['completed']);
    const customers = await SpmCustomers.bulkDelete(client(accessToken), ['cust_1']);

    expect([statuses.ok, customers.ok]).toEqual([true, true]);
    expect(sandbox.orderStatuses(installationId)).toEqual([]);
    expect(sandbox.customers(installationId)).toEqual([]);
  });

  describe('product categories', () => {
    const categories = (count: number) =>
      Array.from({ length: count }, (_, k) => categoryFixture({ category_id: k + 1, name: `Category ${k}` }));

    it('saves 150 categories in chunks of 100, the reference-data limit', async () => {
      const { installationId, accessToken } = activeInstallation();

      const envelope = await SpmProductsCategories.bulkSave(client(accessToken), categories(150), {
        chunk: true,
      });

      expect(envelope).toMatchObject({ ok: true, data: { sent_count: 150, rejected_count: 0 } });
      expect(sandbox.productCategories(installationId)).toHaveLength(150);
      expect(calls(installationId)).toEqual([
        'POST /v1/products-categories 200 100',
        'POST /v1/products-categories 200 50',
      ]);
    });

    it('refuses more than 100 categories in one call', async () => {
      const { installationId, accessToken } = activeInstallation();

      const envelope = await SpmProductsCategories.bulkSave(client(accessToken), categories(101));

      expect(envelope).toMatchObject({ ok: false, statusCode: 400 });
      expect(sandbox.productCategories(installationId)).toEqual([]);
    });

    it('keeps one category per category_id and language and rejects an invalid one by index', async () => {
      const { installationId, accessToken } = activeInstallation();

      const envelope = await SpmProductsCategories.bulkSave(client(accessToken), [
        categoryFixture({ lang: 'en', name: 'Clothing' }),
        categoryFixture({ lang: 'fr', name: 'Vêtements' }),
        categoryFixture({ lang: 'en', name: 'Clothes' }),
        categoryFixture({ category_id: 2, link: '/category/shoes' }),
      ]);

      expect(envelope.data).toMatchObject({
        sent_count: 3,
        rejected_items: [{ index: 3, errors: ['link must be an absolute http(s) URL'] }],
      });
      expect(sandbox.productCategories(installationId).map((category) => category['name'])).toEqual([
        'Clothes',
        'Vêtements',
      ]);
    });

    it('deletes a category in every language through bulkDelete', async () => {
      const { installationId, accessToken } = activeInstallation();
      await SpmProductsCategories.bulkSave(client(accessToken), [
        categoryFixture({ lang: 'en' }),
        categoryFixture({ lang: 'fr' }),
        categoryFixture({ category_id: 2 }),
      ]);

      const deleted = await SpmProductsCategories.bulkDelete(client(accessToken), [1]);

      expect(deleted).toMatchObject({ ok: true, data: { deleted_count: 2 } });
      expect(sandbox.productCategories(installationId).map((category) => category['category_id'])).toEqual([
        2,
      ]);
    });

    it('shows the categories in the inspection state, over HTTP too', async () => {
      const { installationId, accessToken } = activeInstallation();
      await SpmProductsCategories.bulkSave(client(accessToken), [categoryFixture()]);

      expect(sandbox.state(installationId).productCategories).toEqual([categoryFixture()]);
      const state = (await (
        await fetch(`${sandbox.url}/__sandbox/state?installation_id=${installationId}`)
      ).json()) as Record<string, unknown>;
      expect(state['productCategories']).toEqual([categoryFixture()]);
      const listing = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as {
        installations: Array<{ installationId: string; counts: Record<string, number> }>;
      };
      expect(
        listing.installations.find((entry) => entry.installationId === installationId)?.counts,
      ).toMatchObject({ 'products-categories': 1 });
    });
  });
});
