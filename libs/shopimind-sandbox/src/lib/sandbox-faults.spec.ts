import { FaultInjector, SandboxFaults, validateFaults } from './sandbox-faults';
import { sandboxProductFixture } from './sandbox-fixtures';
import { ShopimindSandbox, startShopimindSandbox } from './sandbox.server';

describe('FaultInjector', () => {
  /** The statuses of `writes` consecutive writes, 200 for those let through. */
  function statuses(injector: FaultInjector, writes: number): number[] {
    return Array.from({ length: writes }, () => injector.nextWrite()?.status ?? 200);
  }

  function injecting(faults: SandboxFaults): FaultInjector {
    const injector = new FaultInjector();
    injector.set(faults);
    return injector;
  }

  it.each<[string, SandboxFaults, number[]]>([
    ['every 3rd write', { status: 503, every: 3 }, [200, 200, 503, 200, 200, 503, 200]],
    ['the next 2 writes only', { status: 429, burst: 2 }, [429, 429, 200, 200, 200, 200, 200]],
    [
      'a burst, then every 2nd write',
      { status: 502, burst: 2, every: 2 },
      [502, 502, 200, 502, 200, 502, 200],
    ],
    ['every write when neither is set', { status: 500 }, [500, 500, 500, 500, 500, 500, 500]],
    ['nothing for an empty burst', { status: 500, burst: 0 }, [200, 200, 200, 200, 200, 200, 200]],
  ])('answers %s', (_, faults, expected) => {
    expect(statuses(injecting(faults), 7)).toEqual(expected);
  });

  it('lets everything through without faults, or once they are cleared', () => {
    const injector = new FaultInjector();
    expect(statuses(injector, 2)).toEqual([200, 200]);
    injector.set({ status: 503 });
    injector.set(undefined);
    expect(statuses(injector, 2)).toEqual([200, 200]);
    expect(injector.current()).toBeUndefined();
  });

  it('restarts its counters when the faults are set again', () => {
    const injector = injecting({ status: 503, every: 2, burst: 1 });
    expect(statuses(injector, 2)).toEqual([503, 200]);
    injector.set({ status: 503, every: 2, burst: 1 });
    expect(statuses(injector, 3)).toEqual([503, 200, 503]);
  });

  it('sends Retry-After only when asked to', () => {
    expect(injecting({ status: 429, retryAfterSeconds: 2 }).nextWrite()?.headers).toEqual({
      'Retry-After': '2',
    });
    expect(injecting({ status: 429 }).nextWrite()?.headers).toBeUndefined();
  });

  it.each<[unknown, RegExp]>([
    [null, /must be an object/],
    [{ status: 404 }, /status must be one of 422, 429, 500, 502, 503/],
    [{ status: 503, every: 0 }, /every must be a positive integer/],
    [{ status: 503, burst: -1 }, /burst must be a non-negative integer/],
    [{ status: 429, retryAfterSeconds: 1.5 }, /retryAfterSeconds must be a non-negative integer/],
  ])('refuses %j', (faults, message) => {
    expect(() => validateFaults(faults)).toThrow(message);
  });
});

describe('ShopiMind sandbox fault injection', () => {
  let sandbox: ShopimindSandbox;
  let accessToken: string;
  let installationId: string;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.reset();
    ({ installationId, accessToken } = sandbox.createInstallation());
    sandbox.setActive(installationId, true);
  });

  function call(method: string, path: string, body?: unknown, token = accessToken): Promise<Response> {
    return fetch(`${sandbox.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'spm-api-key': token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  const saveProduct = (productId: number) =>
    call('POST', '/v1/products', [sandboxProductFixture({ product_id: productId })]);

  function logged(): string[] {
    return sandbox
      .requestLog(installationId)
      .map((entry) => `${entry.method} ${entry.path} ${entry.status}${entry.injected ? ' injected' : ''}`);
  }

  it('answers a 429 with Retry-After and applies nothing', async () => {
    sandbox.injectFaults({ status: 429, burst: 1, retryAfterSeconds: 3 });

    const faulted = await saveProduct(1);

    expect(faulted.status).toBe(429);
    expect(faulted.headers.get('retry-after')).toBe('3');
    expect(await faulted.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(sandbox.products(installationId)).toEqual([]);
    expect((await saveProduct(1)).status).toBe(200);
    expect(sandbox.products(installationId)).toHaveLength(1);
    expect(logged()).toEqual(['POST /v1/products 429 injected', 'POST /v1/products 200']);
  });

  it('faults every n-th write, deletes and data sources included, but never a read', async () => {
    sandbox.injectFaults({ status: 503, every: 2 });

    await saveProduct(1);
    await call('GET', '/v1/products');
    await call('POST', '/v1/products/bulk-delete', { product_ids: [1] });
    await call('POST', '/v1/data-sources', { label: 'Shop', type: 'api' });
    await saveProduct(2);

    expect(logged()).toEqual([
      'POST /v1/products 200',
      'GET /v1/products 200',
      'POST /v1/products/bulk-delete 503 injected',
      'POST /v1/data-sources 201',
      'POST /v1/products 503 injected',
    ]);
    expect(sandbox.products(installationId)).toHaveLength(1);
    expect(sandbox.requestLog(installationId).filter((entry) => entry.injected)).toHaveLength(2);
  });

  it('still answers 401 to a key that is not active, without using up the burst', async () => {
    const revoked = sandbox.createInstallation();
    sandbox.injectFaults({ status: 503, burst: 1 });

    expect((await call('POST', '/v1/products', [sandboxProductFixture()], revoked.accessToken)).status).toBe(
      401,
    );
    expect((await saveProduct(1)).status).toBe(503);
  });

  it('changes faults while running and stops them on undefined or reset', async () => {
    sandbox.injectFaults({ status: 502 });
    expect((await saveProduct(1)).status).toBe(502);
    sandbox.injectFaults({ status: 500, burst: 1 });
    expect((await saveProduct(1)).status).toBe(500);
    expect((await saveProduct(1)).status).toBe(200);
    sandbox.injectFaults({ status: 503 });
    sandbox.injectFaults(undefined);
    expect((await saveProduct(2)).status).toBe(200);

    sandbox.injectFaults({ status: 503 });
    sandbox.reset();
    ({ installationId, accessToken } = sandbox.createInstallation());
    sandbox.setActive(installationId, true);
    expect((await saveProduct(1)).status).toBe(200);
  });

  it('refuses invalid faults at runtime', () => {
    expect(() => sandbox.injectFaults({ status: 418 } as unknown as SandboxFaults)).toThrow(RangeError);
  });

  it('injects faults given at start-up', async () => {
    const faulty = await startShopimindSandbox({ faults: { status: 503, burst: 1 } });
    try {
      const credentials = faulty.createInstallation();
      faulty.setActive(credentials.installationId, true);
      const write = () =>
        fetch(`${faulty.url}/v1/products`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'spm-api-key': credentials.accessToken },
          body: JSON.stringify([sandboxProductFixture()]),
        });
      expect([(await write()).status, (await write()).status]).toEqual([503, 200]);
    } finally {
      await faulty.close();
    }
  });

  describe('over HTTP', () => {
    const put = (path: string, body: unknown) =>
      fetch(`${sandbox.url}${path}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });

    async function summary(): Promise<Record<string, unknown>> {
      return (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as Record<string, unknown>;
    }

    it('sets and clears faults through PUT /__sandbox/faults', async () => {
      const set = await put('/__sandbox/faults', { status: 429, every: 1, retryAfterSeconds: 1 });
      expect(set.status).toBe(200);
      expect(await summary()).toMatchObject({ faults: { status: 429, every: 1, retryAfterSeconds: 1 } });
      expect((await saveProduct(1)).status).toBe(429);

      expect((await put('/__sandbox/faults', null)).status).toBe(200);
      expect(await summary()).toMatchObject({ faults: null });
      expect((await saveProduct(1)).status).toBe(200);
    });

    it('changes the latency through PUT /__sandbox/latency', async () => {
      expect((await put('/__sandbox/latency', { latencyMs: 25 })).status).toBe(200);
      expect(await summary()).toMatchObject({ latencyMs: 25 });
      sandbox.setLatency(0);
      expect(await summary()).toMatchObject({ latencyMs: 0 });
    });

    it.each([
      ['/__sandbox/faults', { status: 404 }, /status must be one of/],
      ['/__sandbox/latency', { latencyMs: -5 }, /latencyMs must be a non-negative integer/],
      ['/__sandbox/latency', 'fast', /latencyMs must be a non-negative integer/],
    ])('answers 400 to PUT %s %j', async (path, body, message) => {
      const answer = await put(path, body);
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { message: string }).message).toMatch(message);
    });
  });
});
