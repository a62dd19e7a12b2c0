import {
  SpmClient,
  SpmDataSources,
  SpmHttpClient,
  SpmOrderData,
  SpmOrders,
  SpmProductData,
  SpmProducts,
} from '@shopimind/sdk-shopimind';
import { sandboxOrderFixture, sandboxProductFixture } from './sandbox-fixtures';
import { ShopimindSandbox, startShopimindSandbox } from './sandbox.server';

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
});
