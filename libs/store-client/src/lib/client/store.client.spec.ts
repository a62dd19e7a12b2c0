import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { resolveStoreSettings, StoreAuth, StoreConnectionInput } from '../store-settings';
import { FakeStoreReply, FakeStoreServer } from '../testing/store-server.fake';
import { DEFAULT_USER_AGENT } from '../version';
import { StoreAttempt, StoreClient, StoreClientOptions } from './store.client';
import { StoreRequestError, StoreRequestErrorKind } from './store-request.error';

const API_KEY: StoreAuth = { method: 'api_key', token: 'sk_live_secret' };
/** The client's clock in these tests: a hold's wait is then exactly what was asked. */
const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('StoreClient', () => {
  let server: FakeStoreServer;
  let sleeps: number[];

  beforeEach(async () => {
    server = await FakeStoreServer.start(() => ({ json: { status: 'ok' } }));
    sleeps = [];
  });

  afterEach(async () => {
    await server.close();
  });

  function client(options: StoreClientOptions = {}, input: Partial<StoreConnectionInput> = {}): StoreClient {
    const settings = resolveStoreSettings({ baseUrl: server.baseUrl, auth: API_KEY, ...input });
    return new StoreClient(settings, {
      // The fake store listens on 127.0.0.1.
      allowPrivateAddresses: true,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0,
      now: () => NOW,
      backoffBaseMs: 10,
      ...options,
    });
  }

  /** Replies from `script` in order, repeating the last one. */
  function script(...replies: FakeStoreReply[]): void {
    let call = 0;
    server.respondWith(() => replies[Math.min(call++, replies.length - 1)]);
  }

  async function failure(promise: Promise<unknown>): Promise<StoreRequestError> {
    const error: unknown = await promise.then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    if (!(error instanceof StoreRequestError)) {
      throw new Error(`expected a StoreRequestError, got ${inspect(error)}`);
    }
    return error;
  }

  describe('request headers', () => {
    it.each<[string, StoreAuth, string, string]>([
      ['API key', { method: 'api_key', token: 'k-123' }, 'x-api-key', 'k-123'],
      ['bearer', { method: 'bearer', token: 'eyJ.abc.def' }, 'authorization', 'Bearer eyJ.abc.def'],
      [
        'basic',
        { method: 'basic', username: 'shop', password: 'p:ss wörd' },
        'authorization',
        `Basic ${Buffer.from('shop:p:ss wörd').toString('base64')}`,
      ],
    ])('sends the %s credential', async (_label, auth, header, value) => {
      await client({}, { auth }).checkHealth();
      expect(server.requests[0].headers[header]).toBe(value);
    });

    it('sends only the configured credential header', async () => {
      await client().checkHealth();
      expect(server.requests[0].headers['authorization']).toBeUndefined();
    });

    it('asks for JSON and names itself', async () => {
      await client().checkHealth();
      expect(server.requests[0].headers).toEqual(
        expect.objectContaining({ accept: 'application/json', 'user-agent': DEFAULT_USER_AGENT }),
      );
    });

    it('sends a configured User-Agent', async () => {
      await client({ userAgent: 'storebridge-test/1.0' }).checkHealth();
      expect(server.requests[0].headers['user-agent']).toBe('storebridge-test/1.0');
    });
  });

  describe('checkHealth', () => {
    it('reports a 200 JSON answer as healthy with its body', async () => {
      const result = await client().checkHealth();
      expect(result).toEqual(expect.objectContaining({ ok: true, status: 200, body: { status: 'ok' } }));
      expect(server.requests[0].path).toBe('/health');
    });

    it('accepts a 200 with an empty body', async () => {
      script({ status: 200, body: '' });
      const result = await client().checkHealth();
      expect(result).toEqual(expect.objectContaining({ ok: true, status: 200 }));
      expect(result).not.toHaveProperty('body');
    });

    it('calls the configured health path', async () => {
      await client({}, { paths: { health: '/status' } }).checkHealth();
      expect(server.requests[0].path).toBe('/status');
    });

    it.each<[string, FakeStoreReply, StoreRequestErrorKind]>([
      ['401', { status: 401, json: { error: 'no' } }, StoreRequestErrorKind.Unauthorized],
      ['403', { status: 403, json: { error: 'no' } }, StoreRequestErrorKind.Unauthorized],
      ['404', { status: 404, body: 'Not found' }, StoreRequestErrorKind.NotFound],
      ['an HTML page', { status: 200, body: '<!doctype html><html></html>' }, StoreRequestErrorKind.NotJson],
      ['204', { status: 204 }, StoreRequestErrorKind.BadResponse],
      ['400', { status: 400, json: {} }, StoreRequestErrorKind.BadResponse],
    ])('reports %s as unhealthy without retrying', async (_label, reply, kind) => {
      script(reply);
      const result = await client().checkHealth();
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.kind).toBe(kind);
      expect(server.requests).toHaveLength(1);
    });

    it('names the path, not the credential, in the reason', async () => {
      script({ status: 401, json: {} });
      const result = await client({}, { auth: { method: 'bearer', token: 'tok_very_secret' } }).checkHealth();
      const message = result.ok ? '' : result.error.message;
      expect(message).toBe('GET /health failed: HTTP 401: the store rejected the credential');
      expect(inspect(result, { depth: 10 })).not.toContain('tok_very_secret');
    });
  });

  describe('getPage', () => {
    it('requests page and per_page on the entity path', async () => {
      script({ json: [] });
      await client().getPage('orders', 3, 25);
      expect(server.requests[0]).toEqual(expect.objectContaining({ path: '/api/orders' }));
      expect(Object.fromEntries(server.requests[0].query)).toEqual({ page: '3', per_page: '25' });
    });

    it('keeps a query string that is part of the configured path', async () => {
      script({ json: [] });
      await client({}, { paths: { products: '/wp-json/shop/v1/products?status=publish' } }).getPage(
        'products',
        1,
      );
      expect(Object.fromEntries(server.requests[0].query)).toEqual({
        status: 'publish',
        page: '1',
        per_page: '50',
      });
    });

    it('reads a bare array', async () => {
      script({ json: [{ id: 1 }, { id: 2 }] });
      await expect(client().getPage('products', 1)).resolves.toEqual({
        records: [{ id: 1 }, { id: 2 }],
        shape: 'array',
        bodyHash: expect.any(String),
      });
    });

    it('reads records holding NUL characters and lone surrogates as storable text', async () => {
      script({ json: [{ id: 'p\u00001', name: 'Lamp\u0000 \uD800', 'k\u0000': 'v' }] });
      await expect(client().getPage('products', 1)).resolves.toMatchObject({
        records: [{ id: 'p1', name: 'Lamp \uFFFD', k: 'v' }],
      });
    });

    it('reads an envelope with its meta', async () => {
      script({ json: { data: [{ id: 1 }], meta: { current_page: 1, per_page: 1, total: 2, last_page: 2 } } });
      await expect(client().getPage('products', 1, 1)).resolves.toEqual({
        records: [{ id: 1 }],
        shape: 'envelope',
        meta: { currentPage: 1, perPage: 1, total: 2, lastPage: 2 },
        bodyHash: expect.any(String),
      });
    });

    it("tells a page by the sha256 of its body's text", async () => {
      const text = '[{"id": 1}]';
      script({ body: text, headers: { 'content-type': 'application/json' } }, { json: [{ id: 1 }] });
      const first = await client().getPage('products', 1);
      const second = await client().getPage('products', 1);
      expect(first.bodyHash).toBe(createHash('sha256').update(text).digest('hex'));
      // The same records written otherwise are another body: only the text is compared.
      expect(second.records).toEqual(first.records);
      expect(second.bodyHash).toBe(createHash('sha256').update('[{"id":1}]').digest('hex'));
    });

    it.each<[string, FakeStoreReply, StoreRequestErrorKind, string]>([
      ['an HTML body', { body: '<html>login</html>' }, StoreRequestErrorKind.NotJson, 'not JSON (text/html'],
      [
        'an object without data',
        { json: { products: [] } },
        StoreRequestErrorKind.BadResponse,
        '"data" array',
      ],
      ['an empty body', { body: '' }, StoreRequestErrorKind.BadResponse, 'empty body'],
      ['401', { status: 401 }, StoreRequestErrorKind.Unauthorized, 'HTTP 401'],
      ['404', { status: 404 }, StoreRequestErrorKind.NotFound, 'HTTP 404'],
      [
        'a redirect',
        { status: 301, headers: { location: 'https://shop.example/api/products?key=x' } },
        StoreRequestErrorKind.BadResponse,
        'redirects to https://shop.example/api/products;',
      ],
    ])('fails on %s', async (_label, reply, kind, fragment) => {
      script(reply);
      const error = await failure(client().getPage('products', 2));
      expect(error.kind).toBe(kind);
      expect(error.message).toContain('GET /api/products');
      expect(error.message).toContain(fragment);
      expect(server.requests).toHaveLength(1);
    });

    it('does not follow redirects', async () => {
      script({ status: 302, headers: { location: '/elsewhere' } });
      await failure(client().getPage('products', 1));
      expect(server.requests.map((r) => r.path)).toEqual(['/api/products']);
    });

    it.each([0, -1, 1.5])('refuses page %p', async (page) => {
      await expect(client().getPage('products', page)).rejects.toThrow(RangeError);
    });

    it.each([0, 101])('refuses per_page %p', async (perPage) => {
      await expect(client().getPage('products', 1, perPage)).rejects.toThrow('perPage');
    });
  });

  describe('retries', () => {
    it('retries a 503 and returns the later success', async () => {
      script({ status: 503, body: 'busy' }, { status: 503, body: 'busy' }, { json: [{ id: 1 }] });
      await expect(client().getPage('products', 1)).resolves.toEqual({
        records: [{ id: 1 }],
        shape: 'array',
        bodyHash: expect.any(String),
      });
      expect(server.requests).toHaveLength(3);
      expect(sleeps).toEqual([5, 10]);
    });

    it('gives up after the configured retries with server_error', async () => {
      script({ status: 500, body: 'boom' });
      const error = await failure(client({ retries: 2 }).getPage('products', 1));
      expect(error).toMatchObject({ kind: StoreRequestErrorKind.ServerError, status: 500, attempts: 3 });
      expect(error.message).toBe('GET /api/products failed after 3 attempts: HTTP 500: store server error');
      expect(sleeps).toEqual([5, 10]);
    });

    it.each<[string, Record<string, string>, number[]]>([
      ['Retry-After seconds', { 'retry-after': '2' }, [2_000]],
      ['Retry-After as an HTTP date', { 'retry-after': 'Sun, 01 Mar 2026 12:00:07 GMT' }, [7_000]],
      ['a Retry-After date already past, not at all', { 'retry-after': 'Sun, 01 Mar 2026 11:00:00 GMT' }, []],
      ['a Retry-After above one minute, capped', { 'retry-after': '3600' }, [60_000]],
      ['no Retry-After, backing off', {}, [5]],
    ])('waits on 429 with %s', async (_label, headers, waits) => {
      script({ status: 429, headers, json: {} }, { json: [] });
      await client().getPage('products', 1);
      expect(sleeps).toEqual(waits);
    });

    it('waits the Retry-After of a 503', async () => {
      script({ status: 503, headers: { 'retry-after': '4' }, body: 'maintenance' }, { json: [] });
      await client().getPage('products', 1);
      expect(sleeps).toEqual([4_000]);
    });

    it('reports rate_limited when 429 persists', async () => {
      script({ status: 429, json: {} });
      const error = await failure(client({ retries: 1 }).getPage('products', 1));
      expect(error).toMatchObject({ kind: StoreRequestErrorKind.RateLimited, attempts: 2 });
    });

    it('times out a store that never answers', async () => {
      script({ hang: true });
      const error = await failure(client({ timeoutMs: 50, retries: 1 }).getPage('products', 1));
      expect(error).toMatchObject({ kind: StoreRequestErrorKind.Timeout, attempts: 2 });
      expect(error.message).toContain('no complete response within 50 ms');
    });

    it('retries after a timeout', async () => {
      script({ hang: true }, { json: [] });
      await expect(client({ timeoutMs: 50 }).getPage('products', 1)).resolves.toEqual({
        records: [],
        shape: 'array',
        bodyHash: expect.any(String),
      });
      expect(server.requests).toHaveLength(2);
    });

    it('retries a reset connection', async () => {
      script({ reset: true }, { json: [] });
      await expect(client().getPage('products', 1)).resolves.toMatchObject({ records: [], shape: 'array' });
      expect(server.requests).toHaveLength(2);
    });

    it('reports network when connections keep being reset', async () => {
      script({ reset: true });
      const error = await failure(client({ retries: 1 }).getPage('products', 1));
      expect(error).toMatchObject({ kind: StoreRequestErrorKind.Network, attempts: 2 });
    });

    it('reports a refused connection with its code', async () => {
      const gone = await FakeStoreServer.start(() => ({ json: {} }));
      const settings = resolveStoreSettings({ baseUrl: gone.baseUrl, auth: API_KEY });
      await gone.close();
      const result = await new StoreClient(settings, {
        retries: 0,
        allowPrivateAddresses: true,
      }).checkHealth();
      expect(!result.ok && result.error).toMatchObject({
        kind: StoreRequestErrorKind.Network,
        code: 'ECONNREFUSED',
      });
      expect(!result.ok && result.error.message).toBe(
        'GET /health failed: connection refused (ECONNREFUSED)',
      );
    });

    it('tells onAttempt of every attempt: its status, or the failure when none came', async () => {
      script({ status: 429, json: {} }, { hang: true }, { status: 503, body: 'busy' }, { json: [] });
      const attempts: StoreAttempt[] = [];

      await client({ timeoutMs: 50, onAttempt: (attempt) => attempts.push(attempt) }).getPage('products', 1);

      expect(attempts.map(({ status, failure }) => ({ status, failure }))).toEqual([
        { status: 429, failure: StoreRequestErrorKind.RateLimited },
        { status: undefined, failure: StoreRequestErrorKind.Timeout },
        { status: 503, failure: StoreRequestErrorKind.ServerError },
        { status: 200, failure: undefined },
      ]);
      expect(attempts[1].durationMs).toBeGreaterThanOrEqual(45);
      expect(attempts.every(({ durationMs }) => durationMs >= 0)).toBe(true);
    });

    it('stops at once when the caller aborts, without a StoreRequestError', async () => {
      script({ hang: true });
      const controller = new AbortController();
      const pending = client({ timeoutMs: 5_000 }).getPage('products', 1, 50, { signal: controller.signal });
      controller.abort(new Error('worker stopping'));
      await expect(pending).rejects.toThrow('worker stopping');
    });
  });

  it('keeps the credential out of its inspectable state', () => {
    const store = client({}, { auth: { method: 'basic', username: 'shop', password: 'hunter2' } });
    expect(inspect(store, { depth: 10, showHidden: true })).not.toContain('hunter2');
    expect(JSON.stringify(store)).not.toContain('hunter2');
  });
});
