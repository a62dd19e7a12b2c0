import { Logger } from '@nestjs/common';
import {
  SpmCustomers,
  SpmOrders,
  SpmOrdersStatuses,
  SpmProducts,
  SpmProductsCategories,
} from '@shopimind/sdk-shopimind';
import {
  sandboxCustomerFixture,
  sandboxProductFixture,
  startShopimindSandbox,
  type SandboxCredentials,
  type SandboxRequestLogEntry,
  type ShopimindSandbox,
} from '@storebridge/shopimind-sandbox';
import { expectEventually } from '@storebridge/testing';
import type { ShopimindCustomer, ShopimindProduct } from '@storebridge/shopimind-mapping';
import {
  type ShopimindCall,
  ShopimindWriteError,
  ShopimindWriter,
  type ShopimindWriterOptions,
} from './shopimind-writer';
import type { WriteOutcome } from './write-outcome';

const product = (productId: number): ShopimindProduct =>
  sandboxProductFixture({ product_id: productId }) as unknown as ShopimindProduct;

// The retries run against the real sandbox; only the waits between them are faked.
describe('ShopimindWriter retries', () => {
  let sandbox: ShopimindSandbox;
  let warnings: jest.SpyInstance;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.reset();
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    sandbox.setLatency(0);
    jest.restoreAllMocks();
  });

  function activeInstallation(): SandboxCredentials {
    const credentials = sandbox.createInstallation();
    sandbox.setActive(credentials.installationId, true);
    return credentials;
  }

  /** A writer whose waits are recorded instead of slept, with the jitter pinned to its lowest value. */
  function writerFor(credentials: SandboxCredentials, options: ShopimindWriterOptions = {}) {
    const waits: number[] = [];
    const retries: Array<{ attempt: number; outcome: WriteOutcome; delayMs: number }> = [];
    const writer = new ShopimindWriter(credentials.accessToken, sandbox.url, {
      random: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
      onRetry: (attempt, outcome, delayMs) => retries.push({ attempt, outcome, delayMs }),
      ...options,
    });
    return { writer, waits, retries };
  }

  function calls(installationId: string): string[] {
    return sandbox
      .requestLog(installationId)
      .map((entry) => `${entry.method} ${entry.path} ${entry.status}${entry.injected ? ' injected' : ''}`);
  }

  it('waits out a burst of 429s as long as Retry-After asks, then writes the items once', async () => {
    const credentials = activeInstallation();
    const { writer, waits, retries } = writerFor(credentials);
    sandbox.injectFaults({ status: 429, burst: 2, retryAfterSeconds: 1 });

    const outcome = await writer.saveProducts([product(1), product(2)]);

    expect(outcome).toEqual({ kind: 'accepted', sentCount: 2, rejected: [] });
    // The backoff alone would have waited 100 then 200 ms. Each 429 also holds the whole window that
    // long, so the installation's other calls would wait with this one.
    expect(waits).toEqual([1_000, 1_000, 1_000, 1_000]);
    expect(retries.map(({ attempt, outcome: failed }) => [attempt, failed])).toEqual([
      [1, { kind: 'rate_limited', retryAfterMs: 1_000 }],
      [2, { kind: 'rate_limited', retryAfterMs: 1_000 }],
    ]);
    expect(calls(credentials.installationId)).toEqual([
      'POST /v1/products 429 injected',
      'POST /v1/products 429 injected',
      'POST /v1/products 200',
    ]);
    expect(sandbox.products(credentials.installationId).map((item) => item['product_id'])).toEqual([1, 2]);
  });

  it('tells onCall of every HTTP call with its status, retries included', async () => {
    const credentials = activeInstallation();
    const observed: ShopimindCall[] = [];
    const { writer } = writerFor(credentials, { onCall: (call) => observed.push(call) });
    sandbox.injectFaults({ status: 429, burst: 1, retryAfterSeconds: 1 });
    sandbox.setLatency(30);

    await writer.saveProducts([product(1)]);

    expect(observed.map((call) => call.statusCode)).toEqual([429, 200]);
    expect(observed[1].durationMs).toBeGreaterThanOrEqual(25);
  });

  it('keeps fewer calls in flight after a burst of 429s, and writes every product once', async () => {
    const credentials = activeInstallation();
    const { writer, waits } = writerFor(credentials);
    // Long enough for the twelve calls sent together to all be at the sandbox before the first is answered.
    sandbox.setLatency(200);
    sandbox.injectFaults({ status: 429, burst: 12, retryAfterSeconds: 1 });
    const productIds = Array.from({ length: 12 }, (_, k) => k + 1);

    const outcomes = await Promise.all(
      productIds.map((productId) => writer.saveProducts([product(productId)])),
    );

    expect(outcomes).toEqual(productIds.map(() => ({ kind: 'accepted', sentCount: 1, rejected: [] })));
    const log = sandbox.requestLog(credentials.installationId);
    const refused = log.filter((entry) => entry.injected);
    const written = log.filter((entry) => !entry.injected);
    expect(refused).toHaveLength(12);
    expect(written).toHaveLength(12);
    // One cut for the whole burst, 16 to 8; the window only widens (to 9) once eight calls were accepted.
    expect(peakInFlight(written)).toBeLessThanOrEqual(8);
    expect(peakInFlight(written)).toBeLessThan(peakInFlight(refused));
    expect(writer.window).toEqual({ limit: 9, inFlight: 0, waiting: 0 });
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warnings.mock.calls)).not.toContain(credentials.accessToken);
    // Every 429 held the window for its Retry-After, and its call waited as long before retrying.
    expect(waits).toEqual(Array.from({ length: 24 }, () => 1_000));
    const stored = sandbox.products(credentials.installationId).map((item) => Number(item['product_id']));
    expect(stored.sort((a, b) => a - b)).toEqual(productIds);
  });

  it('never has more calls in flight than maxInFlight', async () => {
    const credentials = activeInstallation();
    const { writer } = writerFor(credentials, { maxInFlight: 2 });
    sandbox.setLatency(50);

    await Promise.all([1, 2, 3, 4, 5].map((productId) => writer.saveProducts([product(productId)])));

    const log = sandbox.requestLog(credentials.installationId);
    expect(log).toHaveLength(5);
    expect(peakInFlight(log)).toBeLessThanOrEqual(2);
  });

  it.each([0, 2.5])('refuses maxInFlight %p', (maxInFlight) => {
    expect(() => new ShopimindWriter('token', sandbox.url, { maxInFlight })).toThrow(
      /maxInFlight must be a positive integer/,
    );
  });

  it('backs off exponentially through a burst of 503s, then writes the items once', async () => {
    const credentials = activeInstallation();
    const { writer, waits } = writerFor(credentials);
    sandbox.injectFaults({ status: 503, burst: 3 });

    const outcome = await writer.saveCustomers([
      sandboxCustomerFixture({ customer_id: 'cust_1' }) as unknown as ShopimindCustomer,
    ]);

    expect(outcome).toMatchObject({ kind: 'accepted', sentCount: 1 });
    // Each failure held the installation's window as long as the call's own wait before its retry.
    expect(waits).toEqual([100, 100, 200, 200, 400, 400]);
    expect(calls(credentials.installationId)).toEqual([
      'POST /v1/customers 503 injected',
      'POST /v1/customers 503 injected',
      'POST /v1/customers 503 injected',
      'POST /v1/customers 200',
    ]);
    expect(sandbox.customers(credentials.installationId)).toHaveLength(1);
  });

  it('sends one call at a time while ShopiMind is down, so waiting calls send nothing until it answers', async () => {
    const credentials = activeInstallation();
    sandbox.injectFaults({ status: 503 });
    let refused = 0;
    const { writer } = writerFor(credentials, {
      // Every call is still trying when ShopiMind is back.
      maxAttempts: 100,
      // ShopiMind is back after 10 calls sent together and 3 probes have failed.
      onCall: ({ statusCode }) => {
        refused += statusCode === 503 ? 1 : 0;
        if (refused === 13) {
          sandbox.injectFaults(undefined);
        }
      },
    });
    const productIds = Array.from({ length: 10 }, (_, k) => k + 1);

    const outcomes = await Promise.all(
      productIds.map((productId) => writer.saveProducts([product(productId)])),
    );

    expect(outcomes.every((outcome) => outcome.kind === 'accepted')).toBe(true);
    const log = sandbox.requestLog(credentials.installationId);
    const failed = log.filter((entry) => entry.injected);
    expect(failed).toHaveLength(13);
    expect(peakInFlight(failed.slice(10))).toBe(1);
    expect(log.filter((entry) => !entry.injected)).toHaveLength(10);
    expect(writer.window.limit).toBe(16);
  });

  it('retries deletes too, being idempotent', async () => {
    const credentials = activeInstallation();
    const { writer } = writerFor(credentials);
    await writer.saveProducts([product(1), product(2)]);
    sandbox.injectFaults({ status: 502, burst: 1 });

    await expect(writer.deleteProducts([1])).resolves.toMatchObject([
      { ids: [1], outcome: { kind: 'accepted' } },
    ]);

    expect(sandbox.products(credentials.installationId).map((item) => item['product_id'])).toEqual([2]);
  });

  it('retries a timeout, whose write may still land, without storing anything twice', async () => {
    const credentials = activeInstallation();
    sandbox.setLatency(400);
    const failed: WriteOutcome[] = [];
    const { writer } = writerFor(credentials, {
      timeoutMs: 100,
      // The sandbox answers in time again once the writer decided to retry.
      onRetry: (_, outcome) => {
        failed.push(outcome);
        sandbox.setLatency(0);
      },
    });

    const outcome = await writer.saveProducts([product(7)]);

    expect(outcome).toMatchObject({ kind: 'accepted', sentCount: 1 });
    expect(failed).toEqual([{ kind: 'transient', statusCode: 0, message: expect.stringMatching(/timeout/) }]);
    // The timed-out request is applied once the sandbox's delay is over: an upsert, not a second product.
    await expectEventually(() => expect(calls(credentials.installationId)).toHaveLength(2));
    expect(sandbox.products(credentials.installationId)).toEqual([product(7)]);
  });

  it('gives the last outcome back after four attempts, applying nothing', async () => {
    const credentials = activeInstallation();
    const { writer, waits } = writerFor(credentials);
    sandbox.injectFaults({ status: 502 });

    const outcome = await writer.saveProducts([product(1)]);

    expect(outcome).toMatchObject({ kind: 'transient', statusCode: 502 });
    expect(waits).toEqual([100, 100, 200, 200, 400, 400, 800]);
    expect(calls(credentials.installationId)).toHaveLength(4);
    expect(sandbox.products(credentials.installationId)).toEqual([]);
  });

  it('does not retry a 422', async () => {
    const credentials = activeInstallation();
    const { writer, waits } = writerFor(credentials);
    sandbox.injectFaults({ status: 422, burst: 1 });

    const outcome = await writer.saveProducts([product(1)]);

    expect(outcome).toMatchObject({ kind: 'permanent', statusCode: 422 });
    expect(waits).toEqual([]);
    expect(calls(credentials.installationId)).toEqual(['POST /v1/products 422 injected']);
  });

  it('does not retry a batch the sandbox refuses as a whole (400)', async () => {
    const credentials = activeInstallation();
    const { writer, waits } = writerFor(credentials);

    const outcome = await writer.saveProducts(Array.from({ length: 51 }, (_, k) => product(k + 1)));

    expect(outcome).toMatchObject({ kind: 'permanent', statusCode: 400 });
    expect(waits).toEqual([]);
    expect(calls(credentials.installationId)).toEqual(['POST /v1/products 400']);
  });

  it('does not retry a 401: the installation is not active', async () => {
    const credentials = sandbox.createInstallation();
    const { writer, waits } = writerFor(credentials);

    await expect(writer.saveProducts([product(1)])).resolves.toEqual({ kind: 'not_active' });

    expect(waits).toEqual([]);
    expect(calls(credentials.installationId)).toEqual(['POST /v1/products 401']);
  });

  describe('ensureDataSource', () => {
    it('retries a data source creation that failed', async () => {
      const credentials = activeInstallation();
      const { writer, waits } = writerFor(credentials);
      sandbox.injectFaults({ status: 503, burst: 1 });

      const id = await writer.ensureDataSource('storebridge shop');

      expect(sandbox.dataSources(credentials.installationId)).toEqual([
        expect.objectContaining({ id_data_source: id, label: 'storebridge shop' }),
      ]);
      // The call's wait before its retry, and the window's hold as long.
      expect(waits).toEqual([100, 100]);
      expect(calls(credentials.installationId)).toEqual([
        'GET /v1/data-sources 200',
        'POST /v1/data-sources 503 injected',
        'POST /v1/data-sources 201',
      ]);
    });

    it('takes the data source someone else created while it waited to retry', async () => {
      const credentials = activeInstallation();
      // The window's hold and the call's own wait run together: the first of them creates it.
      let raced: Promise<number> | undefined;
      const { writer } = writerFor(credentials, {
        sleep: async () => {
          raced ??= createDataSource(credentials, 'storebridge shop');
          await raced;
        },
      });
      sandbox.injectFaults({ status: 503, burst: 1 });

      const id = await writer.ensureDataSource('storebridge shop');

      expect(id).toBe(await raced);
      expect(sandbox.dataSources(credentials.installationId)).toHaveLength(1);
      expect(calls(credentials.installationId).slice(-2)).toEqual([
        'POST /v1/data-sources 409',
        'GET /v1/data-sources 200',
      ]);
    });

    it('throws the final outcome when listing never succeeds', async () => {
      const credentials = sandbox.createInstallation();
      const { writer } = writerFor(credentials);

      const failure = writer.ensureDataSource('storebridge shop');

      await expect(failure).rejects.toBeInstanceOf(ShopimindWriteError);
      await expect(failure).rejects.toMatchObject({ outcome: { kind: 'not_active' } });
    });
  });

  describe('deletes', () => {
    const ids = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

    function deleteCalls(installationId: string, path: string): number[] {
      return sandbox
        .requestLog(installationId)
        .filter((entry) => entry.path === path)
        .map((entry) => entry.itemCount);
    }

    it.each([
      { resource: 'products', path: '/v1/products/bulk-delete', chunkSize: SpmProducts.CHUNK_SIZE },
      { resource: 'orders', path: '/v1/orders/bulk-delete', chunkSize: SpmOrders.CHUNK_SIZE },
      { resource: 'customers', path: '/v1/customers/bulk-delete', chunkSize: SpmCustomers.CHUNK_SIZE },
      {
        resource: 'order statuses',
        path: '/v1/orders-statuses/bulk-delete',
        chunkSize: SpmOrdersStatuses.CHUNK_SIZE,
      },
      {
        resource: 'product categories',
        path: '/v1/products-categories/bulk-delete',
        chunkSize: SpmProductsCategories.CHUNK_SIZE,
      },
    ])(
      'deletes 500 $resource in calls of at most the SDK chunk size',
      async ({ resource, path, chunkSize }) => {
        const credentials = activeInstallation();
        const { writer } = writerFor(credentials);
        const deleting = ids(500);

        const chunks = await deleteOf(writer, resource, deleting);

        const sizes = deleteCalls(credentials.installationId, path);
        expect(sizes).toHaveLength(Math.ceil(500 / chunkSize));
        expect(Math.max(...sizes)).toBeLessThanOrEqual(chunkSize);
        expect(chunks.map((chunk) => chunk.outcome.kind)).toEqual(sizes.map(() => 'accepted'));
        expect(chunks.flatMap((chunk) => chunk.ids.map(String)).sort()).toEqual(deleting.map(String).sort());
      },
    );

    it('answers for each chunk: a refused chunk does not hide the others', async () => {
      const credentials = activeInstallation();
      const { writer } = writerFor(credentials, { maxInFlight: 1 });
      await writer.saveProducts([product(1), product(51)]);
      sandbox.injectFaults({ status: 422, burst: 1 });

      const chunks = await writer.deleteProducts(ids(60));

      expect(chunks.map((chunk) => [chunk.ids.length, chunk.outcome.kind])).toEqual([
        [SpmProducts.CHUNK_SIZE, 'permanent'],
        [60 - SpmProducts.CHUNK_SIZE, 'accepted'],
      ]);
      expect(sandbox.products(credentials.installationId).map((item) => item['product_id'])).toEqual([1]);
    });
  });

  /** The delete method of the writer for one resource; ids as that resource's API wants them. */
  function deleteOf(writer: ShopimindWriter, resource: string, ids: number[]) {
    switch (resource) {
      case 'products':
        return writer.deleteProducts(ids);
      case 'product categories':
        return writer.deleteProductCategories(ids);
      case 'orders':
        return writer.deleteOrders(ids.map(String));
      case 'customers':
        return writer.deleteCustomers(ids.map(String));
      default:
        return writer.deleteOrderStatuses(ids.map(String));
    }
  }

  /** The most API calls the sandbox was handling at once when one of `entries` arrived. */
  function peakInFlight(entries: SandboxRequestLogEntry[]): number {
    return Math.max(...entries.map((entry) => entry.inFlight ?? 0));
  }

  async function createDataSource(credentials: SandboxCredentials, label: string): Promise<number> {
    const response = await fetch(`${sandbox.url}/v1/data-sources`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'spm-api-key': credentials.accessToken },
      body: JSON.stringify({ label, type: 'api' }),
    });
    const body = (await response.json()) as { data: { id_data_source: number } };
    return body.data.id_data_source;
  }
});
