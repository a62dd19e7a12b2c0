import {
  sandboxCustomerFixture,
  sandboxOrderFixture,
  sandboxOrderStatusFixture,
  sandboxProductFixture,
} from './sandbox-fixtures';
import { ShopimindSandbox, startShopimindSandbox } from './sandbox.server';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('ShopiMind sandbox API', () => {
  let sandbox: ShopimindSandbox;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  async function call(
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token !== undefined) {
      headers['spm-api-key'] = token;
    }
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  function activeInstallation(): { installationId: string; accessToken: string } {
    const credentials = sandbox.createInstallation();
    sandbox.setActive(credentials.installationId, true);
    return credentials;
  }

  const products = (count: number, from = 1) =>
    Array.from({ length: count }, (_, k) => sandboxProductFixture({ product_id: from + k }));

  describe('authentication', () => {
    it('answers 401 to a fresh installation, whose key starts revoked', async () => {
      const { accessToken } = sandbox.createInstallation();
      const answer = await call(accessToken, 'POST', '/v1/products', products(1));
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ statusCode: 401, message: expect.stringContaining('not active') });
    });

    it('accepts calls once active and answers 401 again after deactivation', async () => {
      const { installationId, accessToken } = activeInstallation();
      expect((await call(accessToken, 'GET', '/v1/data-sources')).status).toBe(200);

      sandbox.setActive(installationId, false);
      expect((await call(accessToken, 'GET', '/v1/data-sources')).status).toBe(401);
    });

    it('revokes the key forever on uninstall', async () => {
      const { installationId, accessToken } = activeInstallation();
      sandbox.uninstall(installationId);
      expect(() => sandbox.setActive(installationId, true)).toThrow(/revoked forever/);
      const answer = await call(accessToken, 'GET', '/v1/data-sources');
      expect(answer.status).toBe(401);
      expect(answer.body['message']).toMatch(/uninstalled/);
    });

    it.each([
      ['a missing', undefined],
      ['an unknown', 'spm_not-a-real-key'],
    ])('answers 401 to %s key', async (_label, token) => {
      const answer = await call(token, 'GET', '/v1/products');
      expect(answer).toEqual({
        status: 401,
        body: { statusCode: 401, message: expect.any(String), error: 'Unauthorized' },
      });
    });
  });

  describe('bulk writes', () => {
    it('accepts a 50-item batch', async () => {
      const { installationId, accessToken } = activeInstallation();
      const answer = await call(accessToken, 'POST', '/v1/products', products(50));
      expect(answer).toEqual({
        status: 200,
        body: { statusCode: 200, sent_count: 50, rejected_count: 0, rejected_items: [] },
      });
      expect(sandbox.products(installationId)).toHaveLength(50);
    });

    it('rejects a 51-item batch as a whole', async () => {
      const { installationId, accessToken } = activeInstallation();
      const answer = await call(accessToken, 'POST', '/v1/products', products(51));
      expect(answer.status).toBe(400);
      expect(answer.body['message']).toMatch(/at most 50/);
      expect(sandbox.products(installationId)).toEqual([]);
    });

    it('rejects an invalid product by index and stores the others', async () => {
      const { installationId, accessToken } = activeInstallation();
      const batch = [
        sandboxProductFixture({ product_id: 1 }),
        sandboxProductFixture({ product_id: 2, price: 'free', name: undefined }),
        sandboxProductFixture({ product_id: 3 }),
      ];
      const answer = await call(accessToken, 'POST', '/v1/products', batch);
      expect(answer.body).toEqual({
        statusCode: 200,
        sent_count: 2,
        rejected_count: 1,
        rejected_items: [{ index: 1, errors: ['name is required', 'price must be a number >= 0'] }],
      });
      expect(sandbox.products(installationId).map((p) => p['product_id'])).toEqual([1, 3]);
    });

    it('upserts a product sent twice into one record', async () => {
      const { installationId, accessToken } = activeInstallation();
      await call(accessToken, 'POST', '/v1/products', [sandboxProductFixture({ product_id: 7, price: 10 })]);
      await call(accessToken, 'POST', '/v1/products', [sandboxProductFixture({ product_id: 7, price: 12 })]);
      expect(sandbox.products(installationId)).toEqual([sandboxProductFixture({ product_id: 7, price: 12 })]);
    });

    it('keeps one product per language', async () => {
      const { installationId, accessToken } = activeInstallation();
      await call(accessToken, 'POST', '/v1/products', [
        sandboxProductFixture({ lang: 'en' }),
        sandboxProductFixture({ lang: 'fr' }),
      ]);
      expect(sandbox.products(installationId)).toHaveLength(2);
    });

    it('upserts orders by order_id', async () => {
      const { installationId, accessToken } = activeInstallation();
      await call(accessToken, 'POST', '/v1/orders', [
        sandboxOrderFixture(),
        sandboxOrderFixture({ status_id: 'refunded' }),
      ]);
      expect(sandbox.orders(installationId)).toEqual([sandboxOrderFixture({ status_id: 'refunded' })]);
    });

    it('accepts 100 order statuses per batch, reference data, and no more', async () => {
      const { installationId, accessToken } = activeInstallation();
      const statuses = (count: number) =>
        Array.from({ length: count }, (_, k) => sandboxOrderStatusFixture({ status_id: `status_${k}` }));

      const accepted = await call(accessToken, 'POST', '/v1/orders-statuses', statuses(100));
      const refused = await call(accessToken, 'POST', '/v1/orders-statuses', statuses(101));

      expect(accepted.body).toMatchObject({ sent_count: 100, rejected_count: 0 });
      expect(refused.status).toBe(400);
      expect(refused.body['message']).toMatch(/at most 100 orders-statuses/);
      expect(sandbox.orderStatuses(installationId)).toHaveLength(100);
    });

    it('keeps one order status per language and rejects an unnamed one by index', async () => {
      const { installationId, accessToken } = activeInstallation();
      const answer = await call(accessToken, 'POST', '/v1/orders-statuses', [
        sandboxOrderStatusFixture({ lang: 'en', name: 'Completed' }),
        sandboxOrderStatusFixture({ lang: 'fr', name: 'Terminée' }),
        sandboxOrderStatusFixture({ lang: 'en', name: 'Done' }),
        sandboxOrderStatusFixture({ status_id: 'paid', name: '' }),
      ]);

      expect(answer.body).toMatchObject({
        sent_count: 3,
        rejected_items: [{ index: 3, errors: ['name must be a non-empty string'] }],
      });
      expect(sandbox.orderStatuses(installationId).map((status) => status['name'])).toEqual([
        'Done',
        'Terminée',
      ]);
    });

    it('upserts customers by customer_id', async () => {
      const { installationId, accessToken } = activeInstallation();
      await call(accessToken, 'POST', '/v1/customers', [
        sandboxCustomerFixture({ customer_id: 'c1', first_name: 'Alice' }),
        sandboxCustomerFixture({ customer_id: 'c2' }),
        sandboxCustomerFixture({ customer_id: 'c1', first_name: 'Alicia' }),
      ]);

      expect(sandbox.customers(installationId).map((customer) => customer['first_name'])).toEqual([
        'Alicia',
        'Alice',
      ]);
    });

    it('scopes stored items to the installation of the key', async () => {
      const first = activeInstallation();
      const second = activeInstallation();
      await call(first.accessToken, 'POST', '/v1/products', products(2));
      expect(sandbox.products(second.installationId)).toEqual([]);
    });

    it.each([
      ['an object body', { product_id: 1 }, /JSON array/],
      ['malformed JSON', '[{"product_id": 1,', /not valid JSON/],
    ])('rejects %s with 400', async (_label, body, message) => {
      const { accessToken } = activeInstallation();
      const answer = await call(accessToken, 'POST', '/v1/products', body);
      expect(answer.status).toBe(400);
      expect(answer.body['message']).toMatch(message);
    });

    it('rejects items tagged with an unknown data source', async () => {
      const { accessToken } = activeInstallation();
      const answer = await call(accessToken, 'POST', '/v1/products', [
        sandboxProductFixture({ id_data_source: 999 }),
      ]);
      expect(answer.body['rejected_items']).toEqual([
        { index: 0, errors: ['id_data_source 999 is not an active data source of this shop'] },
      ]);
    });
  });

  describe('deletes', () => {
    it('deletes products in every language and stays idempotent', async () => {
      const { installationId, accessToken } = activeInstallation();
      await call(accessToken, 'POST', '/v1/products', [
        ...products(3),
        sandboxProductFixture({ product_id: 2, lang: 'fr' }),
      ]);

      const first = await call(accessToken, 'POST', '/v1/products/bulk-delete', { product_ids: [2, 3] });
      expect(first).toEqual({ status: 200, body: { statusCode: 200, deleted_count: 3 } });
      const again = await call(accessToken, 'POST', '/v1/products/bulk-delete', { product_ids: [2, 3, 404] });
      expect(again).toEqual({ status: 200, body: { statusCode: 200, deleted_count: 0 } });
      expect(sandbox.products(installationId).map((p) => p['product_id'])).toEqual([1]);
    });

    it('deletes orders by their string ids and order statuses in every language', async () => {
      const { installationId, accessToken } = activeInstallation();
      await call(accessToken, 'POST', '/v1/orders', [
        sandboxOrderFixture({ order_id: 'ord_1' }),
        sandboxOrderFixture({ order_id: 'ord_2' }),
      ]);
      await call(accessToken, 'POST', '/v1/orders-statuses', [
        sandboxOrderStatusFixture({ lang: 'en' }),
        sandboxOrderStatusFixture({ lang: 'fr' }),
      ]);

      const orders = await call(accessToken, 'POST', '/v1/orders/bulk-delete', { order_ids: ['ord_1'] });
      const statuses = await call(accessToken, 'POST', '/v1/orders-statuses/bulk-delete', {
        status_ids: ['completed'],
      });

      expect([orders.body['deleted_count'], statuses.body['deleted_count']]).toEqual([1, 2]);
      expect(sandbox.orders(installationId).map((order) => order['order_id'])).toEqual(['ord_2']);
      expect(sandbox.orderStatuses(installationId)).toEqual([]);
    });

    it('rejects a bulk delete without the id list', async () => {
      const { accessToken } = activeInstallation();
      expect((await call(accessToken, 'POST', '/v1/products/bulk-delete', { ids: [1] })).status).toBe(400);
    });
  });

  describe('data sources', () => {
    it('creates and lists data sources', async () => {
      const { installationId, accessToken } = activeInstallation();
      const created = await call(accessToken, 'POST', '/v1/data-sources', {
        label: 'Demo store',
        type: 'api',
      });
      expect(created.status).toBe(201);
      expect(created.body['data']).toMatchObject({
        id_data_source: expect.any(Number),
        label: 'Demo store',
        type: 'api',
        active: true,
      });

      const listed = await call(accessToken, 'GET', '/v1/data-sources');
      expect(listed.body).toEqual({ statusCode: 200, data: [created.body['data']] });
      expect(sandbox.dataSources(installationId)).toEqual([created.body['data']]);
    });

    it('answers 409 to a duplicate label in the same shop only', async () => {
      const first = activeInstallation();
      const second = activeInstallation();
      expect(
        (await call(first.accessToken, 'POST', '/v1/data-sources', { label: 'Store', type: 'api' })).status,
      ).toBe(201);
      const duplicate = await call(first.accessToken, 'POST', '/v1/data-sources', {
        label: 'Store',
        type: 'api',
      });
      expect(duplicate).toEqual({
        status: 409,
        body: { statusCode: 409, message: expect.any(String), error: 'Conflict' },
      });
      expect(
        (await call(second.accessToken, 'POST', '/v1/data-sources', { label: 'Store', type: 'api' })).status,
      ).toBe(201);
    });

    it('accepts items tagged with an active data source and rejects them once it is deleted', async () => {
      const { accessToken } = activeInstallation();
      const created = await call(accessToken, 'POST', '/v1/data-sources', { label: 'Store', type: 'api' });
      const id = (created.body['data'] as { id_data_source: number }).id_data_source;
      const tagged = [sandboxProductFixture({ id_data_source: id })];
      expect((await call(accessToken, 'POST', '/v1/products', tagged)).body['sent_count']).toBe(1);

      expect((await call(accessToken, 'DELETE', `/v1/data-sources/${id}`)).body['data']).toMatchObject({
        active: false,
      });
      expect((await call(accessToken, 'POST', '/v1/products', tagged)).body['rejected_count']).toBe(1);
    });

    it('rejects a data source without a label', async () => {
      const { accessToken } = activeInstallation();
      expect((await call(accessToken, 'POST', '/v1/data-sources', { type: 'api' })).status).toBe(400);
    });
  });

  describe('inspection', () => {
    it('logs every API request with its outcome and item count', async () => {
      const { installationId, accessToken } = sandbox.createInstallation();
      await call(accessToken, 'POST', '/v1/products', products(3));
      sandbox.setActive(installationId, true);
      await call(accessToken, 'POST', '/v1/products', products(3));
      await call(accessToken, 'POST', '/v1/products/bulk-delete', { product_ids: [1, 2] });

      expect(
        sandbox
          .requestLog(installationId)
          .map(({ method, path, status, itemCount }) => ({ method, path, status, itemCount })),
      ).toEqual([
        { method: 'POST', path: '/v1/products', status: 401, itemCount: 3 },
        { method: 'POST', path: '/v1/products', status: 200, itemCount: 3 },
        { method: 'POST', path: '/v1/products/bulk-delete', status: 200, itemCount: 2 },
      ]);
    });

    it('logs how many API requests were in flight when each one arrived', async () => {
      const { installationId, accessToken } = activeInstallation();
      // Long enough for the three calls sent together to all be at the sandbox before the first is answered.
      sandbox.setLatency(200);
      try {
        await Promise.all(
          [1, 2, 3].map((from) => call(accessToken, 'POST', '/v1/products', products(1, from))),
        );
      } finally {
        sandbox.setLatency(0);
      }
      await call(accessToken, 'GET', '/v1/products');

      const inFlight = sandbox.requestLog(installationId).map((entry) => entry.inFlight);
      expect(inFlight.slice(0, 3).sort()).toEqual([1, 2, 3]);
      expect(inFlight[3]).toBe(1);
    });

    it('exposes an installation state over HTTP without its token', async () => {
      const { installationId, accessToken } = activeInstallation();
      await call(accessToken, 'POST', '/v1/products', products(2));
      await call(accessToken, 'POST', '/v1/orders', [sandboxOrderFixture()]);
      await call(accessToken, 'POST', '/v1/customers', [sandboxCustomerFixture()]);
      await call(accessToken, 'POST', '/v1/orders-statuses', [sandboxOrderStatusFixture()]);
      const response = await fetch(`${sandbox.url}/__sandbox/state?installation_id=${installationId}`);
      const state = (await response.json()) as Record<string, unknown>;
      expect(state['installation']).toEqual({
        installationId,
        status: 'active',
        shopDomain: expect.any(String),
        shopName: expect.any(String),
      });
      expect(state['products']).toEqual(products(2));
      expect(state['orders']).toEqual([sandboxOrderFixture()]);
      expect(state['customers']).toEqual([sandboxCustomerFixture()]);
      expect(state['orderStatuses']).toEqual([sandboxOrderStatusFixture()]);
      expect(JSON.stringify(state)).not.toContain(accessToken);
    });

    it('answers 404 for an unknown installation or route', async () => {
      expect((await fetch(`${sandbox.url}/__sandbox/state?installation_id=nope`)).status).toBe(404);
      const { accessToken } = activeInstallation();
      const answer = await call(accessToken, 'GET', '/v1/unknown-things');
      expect(answer).toEqual({
        status: 404,
        body: { statusCode: 404, message: 'Cannot GET /v1/unknown-things', error: 'Not Found' },
      });
    });

    it('forgets everything on reset', () => {
      const { installationId } = sandbox.createInstallation({ installationId: 'inst_fixed' });
      sandbox.reset();
      expect(() => sandbox.products(installationId)).toThrow(/unknown sandbox installation/);
      expect(sandbox.requestLog()).toEqual([]);
    });

    it('refuses a duplicate installation id', () => {
      sandbox.createInstallation({ installationId: 'inst_same' });
      expect(() => sandbox.createInstallation({ installationId: 'inst_same' })).toThrow(/already exists/);
    });
  });
});

describe('ShopiMind sandbox latency', () => {
  it('holds a write for the configured delay before applying it', async () => {
    const sandbox = await startShopimindSandbox({ latencyMs: 300 });
    try {
      const { installationId, accessToken } = sandbox.createInstallation();
      sandbox.setActive(installationId, true);
      const write = fetch(`${sandbox.url}/v1/products`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'spm-api-key': accessToken },
        body: JSON.stringify([sandboxProductFixture()]),
      });

      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sandbox.products(installationId)).toHaveLength(0);
      expect((await write).status).toBe(200);
      expect(sandbox.products(installationId)).toHaveLength(1);
    } finally {
      await sandbox.close();
    }
  });

  it('changes the delay while running', async () => {
    const sandbox = await startShopimindSandbox();
    try {
      const { installationId, accessToken } = sandbox.createInstallation();
      sandbox.setActive(installationId, true);
      const timedWrite = async (): Promise<number> => {
        const started = Date.now();
        const answer = await fetch(`${sandbox.url}/v1/products`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'spm-api-key': accessToken },
          body: JSON.stringify([sandboxProductFixture()]),
        });
        expect(answer.status).toBe(200);
        return Date.now() - started;
      };

      sandbox.setLatency(1_000);
      expect(await timedWrite()).toBeGreaterThanOrEqual(990);
      sandbox.setLatency(0);
      expect(await timedWrite()).toBeLessThan(900);
      expect(() => sandbox.setLatency(-1)).toThrow(/latencyMs must be a non-negative integer/);
    } finally {
      await sandbox.close();
    }
  });
});
