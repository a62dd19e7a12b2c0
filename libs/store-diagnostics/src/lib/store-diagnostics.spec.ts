import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  resolveStoreSettings,
  StoreConnectionInput,
  StoreConnectionSettings,
  StoreRequestError,
  StoreRequestErrorKind,
} from '@storebridge/store-client';
import {
  FakeStoreHandler,
  FakeStoreReply,
  FakeStoreServer,
  pagedStore,
} from '@storebridge/store-client/testing';
import { diagnoseStore, StoreDiagnosis, StoreDiagnosisOptions } from './store-diagnostics';
import { describeStoreRequestFailure, StoreDiagnosisProblem, StoreDiagnosisStep } from './store-failure';

const SECRET = 'sk_live_do_not_echo';
const PRODUCTS = [
  { id: 'p1', name: 'Linen Shirt', categories: ['Clothing'] },
  { id: 'p2', name: 'Oak Bowl', categories: ['Home'] },
];

/** Health answers `health`, products answers `products`; anything else is a 404. */
function store(health: FakeStoreReply, products: FakeStoreReply | FakeStoreHandler): FakeStoreHandler {
  return (request) => {
    if (request.path === '/health') {
      return health;
    }
    if (request.path === '/api/products') {
      return typeof products === 'function' ? products(request) : products;
    }
    return { status: 404, json: { error: 'not_found' } };
  };
}

const OK_HEALTH: FakeStoreReply = { json: { status: 'ok' } };

describe('diagnoseStore', () => {
  let server: FakeStoreServer;

  beforeEach(async () => {
    server = await FakeStoreServer.start(store(OK_HEALTH, pagedStore(PRODUCTS, 'envelope')));
  });

  afterEach(async () => {
    await server.close();
  });

  function settings(input: Partial<StoreConnectionInput> = {}): StoreConnectionSettings {
    return resolveStoreSettings({
      baseUrl: server.baseUrl,
      auth: { method: 'api_key', token: SECRET },
      ...input,
    });
  }

  function diagnose(
    input: Partial<StoreConnectionInput> = {},
    options: Partial<StoreDiagnosisOptions> = {},
  ): Promise<StoreDiagnosis> {
    return diagnoseStore(settings(input), { allowPrivate: true, timeoutMs: 2_000, ...options });
  }

  describe('a healthy store', () => {
    it.each(['envelope', 'array'] as const)(
      'passes with a %s page, naming its first product',
      async (shape) => {
        server.respondWith(store(OK_HEALTH, pagedStore(PRODUCTS, shape)));
        await expect(diagnose()).resolves.toMatchObject({
          ok: true,
          products: { shape, sampled: 2, first: { id: 'p1', name: 'Linen Shirt' } },
        });
      },
    );

    it('sends the credential to both endpoints and asks for a small first page only', async () => {
      await diagnose();
      expect(server.requests.map((request) => request.path)).toEqual(['/health', '/api/products']);
      expect(server.requests.map((request) => request.headers['x-api-key'])).toEqual([SECRET, SECRET]);
      expect(server.requests[1].query.get('page')).toBe('1');
      expect(server.requests[1].query.get('per_page')).toBe('5');
    });

    it('uses the configured paths', async () => {
      server.respondWith(({ path }) =>
        path === '/v2/ping' ? OK_HEALTH : path === '/v2/items' ? { json: PRODUCTS } : { status: 404 },
      );
      await expect(diagnose({ paths: { health: '/v2/ping', products: '/v2/items' } })).resolves.toMatchObject(
        {
          ok: true,
        },
      );
    });

    it('passes a store without products yet', async () => {
      server.respondWith(store(OK_HEALTH, { json: { data: [], meta: { current_page: 1, last_page: 1 } } }));
      await expect(diagnose()).resolves.toEqual({
        ok: true,
        healthMs: expect.any(Number),
        products: { shape: 'envelope', sampled: 0, currencies: [] },
      });
    });

    it.each<[string, unknown[], string[]]>([
      ['no currency', PRODUCTS, []],
      [
        'their own currency fields',
        [
          { id: 'p1', name: 'Cap', price: 10, currency: 'usd' },
          { id: 'p2', name: 'Mug', price: 12, currency_code: 'USD' },
        ],
        ['USD'],
      ],
      [
        'the marks of their prices',
        [
          { id: 'p1', name: 'Cap', selling_price: 'USD 1,299.00' },
          { id: 'p2', name: 'Mug', price: '$12' },
        ],
        ['USD'],
      ],
      [
        'several currencies, most products first',
        [
          { id: 'p1', name: 'Cap', price: '€10' },
          { id: 'p2', name: 'Mug', price: 'USD 12' },
          { id: 'p3', name: 'Hat', price: 'USD 14' },
        ],
        ['USD', 'EUR'],
      ],
    ])('tells the currencies the sampled products name: %s', async (_label, products, currencies) => {
      server.respondWith(store(OK_HEALTH, { json: products }));
      await expect(diagnose()).resolves.toMatchObject({ ok: true, products: { currencies } });
    });

    it('reads id and name through aliases and through the given mappings', async () => {
      server.respondWith(store(OK_HEALTH, { json: [{ sku: 'S-1', title: 'Cap', ref: 'r1', label: 'Mug' }] }));
      await expect(diagnose()).resolves.toMatchObject({
        ok: true,
        products: { first: { id: 'S-1', name: 'Cap' } },
      });
      await expect(
        diagnose({ fieldMappings: { products: { id: 'ref', name: 'label' } } }),
      ).resolves.toMatchObject({ ok: true, products: { first: { id: 'r1', name: 'Mug' } } });
    });
  });

  describe('a failing store, with the precise reason and never the credential', () => {
    it.each<[string, FakeStoreHandler, StoreDiagnosisStep, StoreDiagnosisProblem, RegExp]>([
      [
        'a 401 on health',
        store({ status: 401, json: {} }, { json: [] }),
        'health',
        'unauthorized',
        /rejected the credential \(HTTP 401 on GET \/health\)/,
      ],
      [
        'a 403 on products',
        store(OK_HEALTH, { status: 403, json: {} }),
        'products',
        'forbidden',
        /refuses it access to GET \/api\/products \(HTTP 403\)/,
      ],
      [
        'a 404 on health',
        store({ status: 404, json: {} }, { json: [] }),
        'health',
        'wrong_path',
        /health endpoint path "\/health" does not exist/,
      ],
      [
        'a 404 on products',
        store(OK_HEALTH, { status: 404, json: {} }),
        'products',
        'wrong_path',
        /products endpoint path "\/api\/products" does not exist/,
      ],
      [
        'a 500 on health',
        store({ status: 500, json: {} }, { json: [] }),
        'health',
        'server_error',
        /HTTP 500 on GET \/health/,
      ],
      [
        'a 503 on products',
        store(OK_HEALTH, { status: 503, json: {} }),
        'products',
        'server_error',
        /HTTP 503 on GET \/api\/products/,
      ],
      [
        'a 204 on health',
        store({ status: 204 }, { json: [] }),
        'health',
        'unexpected_status',
        /GET \/health answered HTTP 204; the health endpoint must answer HTTP 200/,
      ],
      [
        'a 400 on products',
        store(OK_HEALTH, { status: 400, json: {} }),
        'products',
        'unexpected_status',
        /answered HTTP 400/,
      ],
      [
        'a 429 on health',
        store({ status: 429, json: {} }, { json: [] }),
        'health',
        'rate_limited',
        /HTTP 429/,
      ],
      [
        'a redirect on health',
        store({ status: 301, headers: { location: 'https://www.shop.example/health?x=1' } }, { json: [] }),
        'health',
        'redirected',
        /redirects to https:\/\/www\.shop\.example\/health; use that address as the base URL/,
      ],
      [
        'an HTML health page',
        store({ body: '<html>shop</html>' }, { json: [] }),
        'health',
        'not_json',
        /GET \/health did not answer JSON .*text\/html.*seems to reach a web page/,
      ],
      [
        'an HTML products page',
        store(OK_HEALTH, { body: '<html>shop</html>' }),
        'products',
        'not_json',
        /GET \/api\/products did not answer JSON/,
      ],
      [
        'a products object without data',
        store(OK_HEALTH, { json: { items: [] } }),
        'products',
        'unparseable_page',
        /did not return a page of products \(page 1: expected a "data" array/,
      ],
      [
        'a products body that is a string',
        store(OK_HEALTH, { json: 'none' }),
        'products',
        'unparseable_page',
        /expected a JSON array or an object with a "data" array, got a string/,
      ],
      [
        'an empty products body',
        store(OK_HEALTH, { body: '', headers: { 'content-type': 'application/json' } }),
        'products',
        'unparseable_page',
        /empty body/,
      ],
      [
        'a first product without a name',
        store(OK_HEALTH, { json: [{ id: 1, label: 'Mug', cost: 3 }] }),
        'products',
        'unmappable_product',
        /has no name \(looked for "name", "title", "product_name"\); its fields are "id", "label", "cost"/,
      ],
      [
        'a first product without id nor name',
        store(OK_HEALTH, { json: [{ ref: 1 }] }),
        'products',
        'unmappable_product',
        /has no id \(looked for "id", "product_id", "sku"\) and no name/,
      ],
      [
        'a first product whose id is an object',
        store(OK_HEALTH, { json: [{ id: { value: 1 }, name: 'Mug' }] }),
        'products',
        'unmappable_product',
        /has an id \("id"\) that is an object, not text/,
      ],
      [
        'a first product that is not an object',
        store(OK_HEALTH, { json: ['p1'] }),
        'products',
        'unmappable_product',
        /is not a JSON object but a string/,
      ],
      [
        'a connection reset',
        store({ reset: true }, { json: [] }),
        'health',
        'connection_failed',
        /Could not talk to the store at http:\/\/127\.0\.0\.1:\d+ \(GET \/health\): connection .*ECONNRESET|UND_ERR_SOCKET/,
      ],
    ])('%s', async (_label, handler, step, problem, message) => {
      server.respondWith(handler);
      const diagnosis = await diagnose();
      expect(diagnosis).toMatchObject({ ok: false, step, problem });
      expect(diagnosis.ok ? '' : diagnosis.message).toMatch(message);
      expect(JSON.stringify(diagnosis)).not.toContain(SECRET);
    });

    it('asks only once: a connection test does not retry', async () => {
      server.respondWith(store({ status: 503, json: {} }, { json: [] }));
      await diagnose();
      expect(server.requests).toHaveLength(1);
    });

    it('names the mapping it tried when the mapped field is missing', async () => {
      server.respondWith(store(OK_HEALTH, { json: [{ id: 1, title: 'Mug' }] }));
      const diagnosis = await diagnose({ fieldMappings: { products: { name: 'label_text' } } });
      expect(diagnosis.ok ? '' : diagnosis.message).toContain('no name (looked for "label_text", "name")');
    });

    it('never echoes the query string of a configured path, which may carry a key', async () => {
      server.respondWith(store(OK_HEALTH, { status: 404, json: {} }));
      const diagnosis = await diagnose({ paths: { products: '/api/products?key=query_secret' } });
      expect(diagnosis).toMatchObject({ ok: false, problem: 'wrong_path' });
      expect(JSON.stringify(diagnosis)).not.toContain('query_secret');
    });

    it('keeps a basic-auth password out of the reason', async () => {
      server.respondWith(store({ status: 401, json: {} }, { json: [] }));
      const diagnosis = await diagnose({
        auth: { method: 'basic', username: 'reader', password: 'pa55word' },
      });
      expect(diagnosis).toMatchObject({ ok: false, problem: 'unauthorized' });
      expect(JSON.stringify(diagnosis)).not.toMatch(/pa55word|cmVhZGVy/);
    });

    it('reports a timeout when the store does not answer in time', async () => {
      server.respondWith(() => ({ hang: true }));
      const diagnosis = await diagnose({}, { timeoutMs: 100 });
      expect(diagnosis).toMatchObject({ ok: false, step: 'health', problem: 'timeout' });
      expect(diagnosis.ok ? '' : diagnosis.message).toMatch(
        /did not answer GET \/health in time: no complete response within 100 ms/,
      );
    });

    it('reports a refused connection on a closed port, naming host and port', async () => {
      const port = await closedPort();
      const diagnosis = await diagnoseStore(
        resolveStoreSettings({
          baseUrl: `http://127.0.0.1:${port}`,
          auth: { method: 'bearer', token: SECRET },
        }),
        { allowPrivate: true },
      );
      expect(diagnosis).toMatchObject({ ok: false, step: 'health', problem: 'connection_refused' });
      expect(diagnosis.ok ? '' : diagnosis.message).toContain(
        `127.0.0.1 refused the connection on port ${port}`,
      );
    });

    it('reports a TLS error when the https address does not speak TLS', async () => {
      const diagnosis = await diagnose({ baseUrl: server.baseUrl.replace('http:', 'https:') });
      expect(diagnosis).toMatchObject({ ok: false, step: 'health', problem: 'tls_error' });
      expect(diagnosis.ok ? '' : diagnosis.message).toMatch(/^TLS error with https:\/\/127\.0\.0\.1:\d+: /);
    });

    it('reports an unknown host (a reserved .invalid name never resolves)', async () => {
      const diagnosis = await diagnose({ baseUrl: 'http://no-such-store.invalid' });
      expect(diagnosis).toMatchObject({ ok: false, step: 'health' });
      // Offline resolvers answer "try again" instead of "not found"; both name the host.
      expect(['dns_not_found', 'dns_failure']).toContain(diagnosis.ok ? '' : diagnosis.problem);
      expect(diagnosis.ok ? '' : diagnosis.message).toContain('no-such-store.invalid could not be');
    });
  });

  describe('the address policy, before any request', () => {
    it('refuses a private address unless allowed', async () => {
      const diagnosis = await diagnose({}, { allowPrivate: false });
      expect(diagnosis).toMatchObject({ ok: false, step: 'address', problem: 'not_https' });
      const https = await diagnose({ baseUrl: 'https://127.0.0.1:8443' }, { allowPrivate: false });
      expect(https).toMatchObject({ ok: false, step: 'address', problem: 'private_address' });
      expect(server.requests).toEqual([]);
    });

    it('refuses a public name resolving to a private address', async () => {
      const diagnosis = await diagnose(
        { baseUrl: 'https://shop.example.com' },
        { allowPrivate: false, lookup: async () => ['10.0.0.5'] },
      );
      expect(diagnosis).toMatchObject({ ok: false, step: 'address', problem: 'private_address' });
    });

    it('reports a host that does not resolve as DNS not found', async () => {
      const diagnosis = await diagnose(
        { baseUrl: 'https://shop.example.com' },
        {
          allowPrivate: false,
          lookup: async () => {
            throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
          },
        },
      );
      expect(diagnosis).toMatchObject({
        ok: false,
        step: 'address',
        problem: 'dns_not_found',
        message: 'store_base_url host shop.example.com could not be resolved',
      });
    });
  });
});

describe('describeStoreRequestFailure', () => {
  function networkError(code: string): StoreRequestError {
    return new StoreRequestError({
      kind: StoreRequestErrorKind.Network,
      method: 'GET',
      path: '/health',
      code,
      attempts: 1,
      reason: `network error (${code})`,
    });
  }

  it.each<[string, StoreDiagnosisProblem, string]>([
    ['ENOTFOUND', 'dns_not_found', 'shop.example.com could not be found (DNS lookup failed)'],
    ['EAI_AGAIN', 'dns_failure', 'could not be resolved right now'],
    ['CERT_HAS_EXPIRED', 'tls_error', 'its certificate has expired (CERT_HAS_EXPIRED)'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls_error', 'its certificate is self-signed'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_error', 'does not cover this host name'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls_error', 'missing intermediate certificate'],
    ['ERR_SSL_SOMETHING_NEW', 'tls_error', 'the HTTPS handshake failed (ERR_SSL_SOMETHING_NEW)'],
    ['ECONNREFUSED', 'connection_refused', 'shop.example.com refused the connection on port 443'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout', 'on port 443 (connection timed out)'],
    ['EHOSTUNREACH', 'connection_failed', 'network error (EHOSTUNREACH)'],
  ])('words the network code %s as %s', (code, problem, text) => {
    const failure = describeStoreRequestFailure(networkError(code), 'health', 'https://shop.example.com');
    expect(failure).toMatchObject({ step: 'health', problem, code });
    expect(failure.message).toContain(text);
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
