import { NormalizedOrder } from '@storebridge/contracts';
import { startDemoStore } from '@storebridge/demo-store';
import { toNormalizedOrder } from '@storebridge/store-normalization';
import { validateSync } from 'class-validator';
import { StoreClient } from '../client/store.client';
import { resolveStoreSettings } from '../store-settings';
import { crawlPages } from './paginator';

// The crawl half of the order mapper's spec: it needs a real client, so it lives with the client.
describe('toNormalizedOrder', () => {
  describe('demo store', () => {
    it('normalizes every order of every page without a warning', async () => {
      const store = await startDemoStore({ productCount: 45, orderCount: 120 });
      try {
        const client = new StoreClient(
          resolveStoreSettings({
            baseUrl: store.url,
            auth: { method: 'api_key', token: 'unused' },
            perPage: 50,
          }),
          { retries: 0, allowPrivateAddresses: true },
        );
        const orders: NormalizedOrder[] = [];
        const warnings: string[] = [];
        for await (const page of crawlPages(client, 'orders')) {
          for (const record of page.records) {
            const result = toNormalizedOrder(record, { mappings: {} });
            warnings.push(...result.warnings.map((w) => `page ${page.page}: ${w.field} ${w.message}`));
            if (result.order) {
              expect(validateSync(result.order)).toEqual([]);
              orders.push(result.order);
            }
          }
        }
        expect(warnings).toEqual([]);
        expect(orders).toHaveLength(120);
        expect(orders[0]).toMatchObject({ id: 'ord_1', currency: 'EUR', items: expect.any(Array) });
        expect(orders.every((order) => order.items.length > 0 && order.total !== undefined)).toBe(true);
      } finally {
        await store.close();
      }
    });
  });
});
