import {
  sandboxCustomerFixture,
  sandboxProductFixture,
  startShopimindSandbox,
  type SandboxCredentials,
  type ShopimindSandbox,
} from '@storebridge/shopimind-sandbox';
import { expectEventually } from '@storebridge/testing';
import type { ShopimindCustomer, ShopimindProduct } from './shopimind-sdk';
import { ShopimindWriteError, ShopimindWriter, type ShopimindWriterOptions } from './shopimind-writer';
import type { WriteOutcome } from './write-outcome';

const product = (productId: number): ShopimindProduct =>
  sandboxProductFixture({ product_id: productId }) as unknown as ShopimindProduct;

// The retries run against the real sandbox; only the waits between them are faked.
describe('ShopimindWriter retries', () => {
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
    // The backoff alone would have waited 100 then 200 ms.
    expect(waits).toEqual([1_000, 1_000]);
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

  it('backs off exponentially through a burst of 503s, then writes the items once', async () => {
    const credentials = activeInstallation();
    const { writer, waits } = writerFor(credentials);
    sandbox.injectFaults({ status: 503, burst: 3 });

    const outcome = await writer.saveCustomers([
      sandboxCustomerFixture({ customer_id: 'cust_1' }) as unknown as ShopimindCustomer,
    ]);

    expect(outcome).toMatchObject({ kind: 'accepted', sentCount: 1 });
    expect(waits).toEqual([100, 200, 400]);
    expect(calls(credentials.installationId)).toEqual([
      'POST /v1/customers 503 injected',
      'POST /v1/customers 503 injected',
      'POST /v1/customers 503 injected',
      'POST /v1/customers 200',
    ]);
    expect(sandbox.customers(credentials.installationId)).toHaveLength(1);
  });

  it('retries deletes too, being idempotent', async () => {
    const credentials = activeInstallation();
    const { writer } = writerFor(credentials);
    await writer.saveProducts([product(1), product(2)]);
    sandbox.injectFaults({ status: 502, burst: 1 });

    await expect(writer.deleteProducts([1])).resolves.toMatchObject({ kind: 'accepted' });

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
    expect(waits).toEqual([100, 200, 400]);
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
      expect(waits).toEqual([100]);
      expect(calls(credentials.installationId)).toEqual([
        'GET /v1/data-sources 200',
        'POST /v1/data-sources 503 injected',
        'POST /v1/data-sources 201',
      ]);
    });

    it('takes the data source someone else created while it waited to retry', async () => {
      const credentials = activeInstallation();
      let raced: number | undefined;
      const { writer } = writerFor(credentials, {
        sleep: async () => {
          raced ??= await createDataSource(credentials, 'storebridge shop');
        },
      });
      sandbox.injectFaults({ status: 503, burst: 1 });

      const id = await writer.ensureDataSource('storebridge shop');

      expect(id).toBe(raced);
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
