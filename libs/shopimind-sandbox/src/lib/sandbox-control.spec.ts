import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyShopimindSignature, type SignatureVerdict } from '@storebridge/security';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './lifecycle-driver';
import { sandboxProductFixture } from './sandbox-fixtures';
import { ShopimindSandbox, startShopimindSandbox } from './sandbox.server';

const SECRET = 'whsec_control_api_0123456789';

interface ReceivedWebhook {
  path: string;
  verdict: SignatureVerdict;
  body: Record<string, unknown>;
}

/** A stand-in gateway that checks each signature the way the real one does, and answers what the test says. */
interface FakeGateway {
  url: string;
  received: ReceivedWebhook[];
  answer: { status: number; body: unknown };
  close(): Promise<void>;
}

async function startFakeGateway(): Promise<FakeGateway> {
  const received: ReceivedWebhook[] = [];
  const gateway = { received, answer: { status: 200, body: { success: true } as unknown } };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const header = (name: string): string | undefined => {
        const value = req.headers[name.toLowerCase()];
        return typeof value === 'string' ? value : undefined;
      };
      received.push({
        path: req.url ?? '',
        verdict: verifyShopimindSignature({
          signature: header(SIGNATURE_HEADER),
          timestamp: header(TIMESTAMP_HEADER),
          rawBody,
          secrets: [SECRET],
          nowSeconds: Math.floor(Date.now() / 1000),
          maxAgeSeconds: 300,
          maxFutureSeconds: 60,
        }),
        body: JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>,
      });
      res.writeHead(gateway.answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(gateway.answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(gateway, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  });
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const storeConfigs = {
  store_base_url: 'http://127.0.0.1:8091',
  store_auth_method: 'api_key',
  store_api_token: 'demo-key',
};

describe('sandbox control API', () => {
  let gateway: FakeGateway;
  let sandbox: ShopimindSandbox;
  const logged: string[] = [];
  const control = (method: string, path: string, body?: unknown) => call(sandbox.url, method, path, body);

  beforeAll(async () => {
    gateway = await startFakeGateway();
    sandbox = await startShopimindSandbox({
      port: 0,
      control: {
        gatewayUrl: gateway.url,
        webhookSecret: SECRET,
        about: { demo_store: { configs: storeConfigs } },
        log: (line) => logged.push(line),
      },
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await gateway.close();
  });
  beforeEach(() => {
    sandbox.reset();
    gateway.received.length = 0;
    gateway.answer = { status: 200, body: { success: true } };
    logged.length = 0;
  });

  const lastWebhook = (): ReceivedWebhook => {
    const webhook = gateway.received.at(-1);
    if (webhook === undefined) {
      throw new Error('the gateway received nothing');
    }
    return webhook;
  };

  it('drives install, activate, config_updated, deactivate and uninstall, each signed for the gateway', async () => {
    const created = await control('POST', '/sandbox/installations', {
      installation_id: 'tour-shop',
      shop_domain: 'tour.example',
      shop_name: 'Tour shop',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      installation_id: 'tour-shop',
      status: 'revoked',
      event: 'install',
      accepted: true,
      gateway: { status: 200, body: { success: true } },
    });
    const accessToken = created.body['access_token'];
    expect(accessToken).toEqual(sandbox.installation('tour-shop').accessToken);
    expect(lastWebhook()).toMatchObject({
      path: '/webhook/receive',
      verdict: 'valid',
      body: {
        event: 'install',
        installation_id: 'tour-shop',
        shop_domain: 'tour.example',
        shop_name: 'Tour shop',
        access_token: accessToken,
        configs: {},
      },
    });

    const activated = await control('POST', '/sandbox/installations/tour-shop/activate', {
      configs: storeConfigs,
    });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ status: 'active', event: 'activate', accepted: true });
    expect(lastWebhook()).toMatchObject({
      verdict: 'valid',
      body: {
        event: 'activate',
        installation_id: 'tour-shop',
        configs: storeConfigs,
        access_token: accessToken,
      },
    });

    // The key now works on the API, and what was written is listed.
    const written = await fetch(`${sandbox.url}/v1/products`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'spm-api-key': String(accessToken) },
      body: JSON.stringify([sandboxProductFixture({ product_id: 7 })]),
    });
    expect(written.status).toBe(200);
    const summary = await control('GET', '/sandbox/installations/tour-shop');
    expect(summary.body).toMatchObject({
      installation_id: 'tour-shop',
      status: 'active',
      holds: { products: 1, orders: 0, customers: 0, 'orders-statuses': 0, 'products-categories': 0 },
      api_requests: { total: 1 },
    });
    const products = await control('GET', '/sandbox/installations/tour-shop/products');
    expect(products.body).toMatchObject({ entity: 'products', total: 1, items: [{ product_id: 7 }] });
    const firstNone = await control('GET', '/sandbox/installations/tour-shop/products?limit=0');
    expect(firstNone.body).toMatchObject({ total: 1, items: [] });

    const newConfigs = { ...storeConfigs, store_page_size: 50 };
    const updated = await control('POST', '/sandbox/installations/tour-shop/config_updated', newConfigs);
    expect(updated.status).toBe(200);
    expect(lastWebhook()).toMatchObject({
      verdict: 'valid',
      body: { event: 'config_updated', installation_id: 'tour-shop', configs: newConfigs },
    });

    const deactivated = await control('POST', '/sandbox/installations/tour-shop/deactivate');
    expect(deactivated.body).toMatchObject({ status: 'revoked', event: 'deactivate', accepted: true });
    expect(lastWebhook()).toMatchObject({ verdict: 'valid', body: { event: 'deactivate' } });

    // Activating again without configs sends the last ones the merchant saved.
    await control('POST', '/sandbox/installations/tour-shop/activate');
    expect(lastWebhook().body).toMatchObject({ event: 'activate', configs: newConfigs });

    const uninstalled = await control('POST', '/sandbox/installations/tour-shop/uninstall');
    expect(uninstalled.body).toMatchObject({ status: 'uninstalled', event: 'uninstall', accepted: true });
    expect(lastWebhook()).toMatchObject({ verdict: 'valid', body: { event: 'uninstall' } });

    expect(gateway.received.map((webhook) => webhook.body['event'])).toEqual([
      'install',
      'activate',
      'config_updated',
      'deactivate',
      'activate',
      'uninstall',
    ]);
    expect(logged).toHaveLength(6);
    expect(logged[0]).toBe('install tour-shop → HTTP 200 {"success":true}');
  });

  it('creates an installation with a generated id, sending the configs given with it in install', async () => {
    const created = await control('POST', '/sandbox/installations', { configs: storeConfigs });
    expect(created.status).toBe(201);
    expect(created.body['installation_id']).toMatch(/^inst_[0-9a-f]{16}$/);
    expect(lastWebhook().body).toMatchObject({ event: 'install', configs: storeConfigs });
    // Those configs are what a later activate without a body sends.
    await control('POST', `/sandbox/installations/${String(created.body['installation_id'])}/activate`);
    expect(lastWebhook().body).toMatchObject({ event: 'activate', configs: storeConfigs });
  });

  it('lists the routes and what the sandbox was started with', async () => {
    const listed = await control('GET', '/sandbox');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ gateway_url: gateway.url, demo_store: { configs: storeConfigs } });
    const routes = listed.body['routes'] as Array<{ method: string; path: string }>;
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining([
        'POST /sandbox/installations',
        'POST /sandbox/installations/{id}/activate',
        'POST /sandbox/installations/{id}/config_updated',
        'POST /sandbox/installations/{id}/deactivate',
        'POST /sandbox/installations/{id}/uninstall',
        'GET /sandbox/installations/{id}/{entity}',
      ]),
    );
  });

  it('lists every installation with its status', async () => {
    await control('POST', '/sandbox/installations', { installation_id: 'a' });
    await control('POST', '/sandbox/installations', { installation_id: 'b' });
    await control('POST', '/sandbox/installations/b/activate', { configs: storeConfigs });
    const listed = await control('GET', '/sandbox/installations');
    expect(listed.body['installations']).toEqual([
      expect.objectContaining({ installation_id: 'a', status: 'revoked' }),
      expect.objectContaining({ installation_id: 'b', status: 'active' }),
    ]);
  });

  it('answers 502 with the gateway answer when the gateway refuses, install being rolled back', async () => {
    gateway.answer = { status: 200, body: { success: false, error: 'missing_access_token' } };
    const created = await control('POST', '/sandbox/installations', { installation_id: 'refused' });
    expect(created.status).toBe(502);
    expect(created.body).toMatchObject({
      installation_id: 'refused',
      status: 'uninstalled',
      accepted: false,
      gateway: { status: 200, body: { success: false, error: 'missing_access_token' } },
    });
  });

  it('answers 502 naming the reason when the gateway cannot be reached', async () => {
    const unreachable = await startShopimindSandbox({
      control: { gatewayUrl: 'http://127.0.0.1:9', webhookSecret: SECRET, timeoutMs: 2_000 },
    });
    try {
      const created = await call(unreachable.url, 'POST', '/sandbox/installations', { installation_id: 'x' });
      expect(created.status).toBe(502);
      expect(created.body['message']).toMatch(
        /^The gateway at http:\/\/127\.0\.0\.1:9 could not be reached: /,
      );
      expect(created.body).toMatchObject({ installation_id: 'x', status: 'uninstalled', event: 'install' });
    } finally {
      await unreachable.close();
    }
  });

  describe('refuses bad input with the reason, sending nothing', () => {
    beforeEach(async () => {
      await control('POST', '/sandbox/installations', { installation_id: 'known' });
      gateway.received.length = 0;
    });

    it.each([
      [
        'invalid JSON',
        'POST',
        '/sandbox/installations',
        '{"installation_id":',
        400,
        'The body is not valid JSON',
      ],
      [
        'a body that is no object',
        'POST',
        '/sandbox/installations',
        [1],
        400,
        'The body must be a JSON object',
      ],
      [
        'an unknown field',
        'POST',
        '/sandbox/installations',
        { installationId: 'typo' },
        400,
        'Unknown field(s) installationId; expected installation_id, shop_domain, shop_name, configs',
      ],
      [
        'an empty installation id',
        'POST',
        '/sandbox/installations',
        { installation_id: '' },
        400,
        'installation_id must be a non-empty string of at most 255 characters without control characters',
      ],
      [
        'configs that are no object',
        'POST',
        '/sandbox/installations',
        { configs: 'x' },
        400,
        'configs must be a JSON object',
      ],
      [
        'an existing installation id',
        'POST',
        '/sandbox/installations',
        { installation_id: 'known' },
        409,
        'Installation known already exists',
      ],
      [
        'an unknown installation',
        'POST',
        '/sandbox/installations/nope/activate',
        undefined,
        404,
        'Unknown installation nope',
      ],
      [
        'activate configs that are no object',
        'POST',
        '/sandbox/installations/known/activate',
        { configs: [] },
        400,
        'configs must be a JSON object',
      ],
      [
        'config_updated without configs',
        'POST',
        '/sandbox/installations/known/config_updated',
        undefined,
        400,
        'The body must be the configs, a JSON object',
      ],
      [
        'an unknown action',
        'POST',
        '/sandbox/installations/known/reinstall',
        undefined,
        404,
        'No route /sandbox/installations/known/reinstall: expected activate, config_updated, deactivate, uninstall, products, orders, customers, orders-statuses, products-categories, products-variations, products-images, customers-addresses after the id',
      ],
      [
        'a bad limit',
        'GET',
        '/sandbox/installations/known/products?limit=-1',
        undefined,
        400,
        'limit must be a non-negative integer, got -1',
      ],
      [
        'an unknown collection',
        'GET',
        '/sandbox/shops',
        undefined,
        404,
        'No route /sandbox/shops; GET /sandbox lists them',
      ],
      [
        'a path that is no URL encoding',
        'GET',
        '/sandbox/installations/%E0%A4%A',
        undefined,
        400,
        'The path /sandbox/installations/%E0%A4%A is not valid URL encoding',
      ],
    ])('%s', async (_case, method, path, body, status, message) => {
      const answer = await control(method, path, body);
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ statusCode: status, message });
      expect(gateway.received).toEqual([]);
    });

    it('answers 405 with Allow for a wrong method', async () => {
      const answer = await control('GET', '/sandbox/installations/known/activate');
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
      const onCollection = await control('DELETE', '/sandbox/installations');
      expect(onCollection.headers.get('allow')).toBe('GET, POST');
    });

    it('refuses every event but uninstall once uninstalled', async () => {
      await control('POST', '/sandbox/installations/known/uninstall');
      gateway.received.length = 0;
      for (const action of ['activate', 'deactivate']) {
        const answer = await control('POST', `/sandbox/installations/known/${action}`);
        expect(answer.status).toBe(409);
        expect(answer.body['message']).toBe('Installation known is uninstalled; its key is revoked forever');
      }
      const configUpdated = await control('POST', '/sandbox/installations/known/config_updated', {});
      expect(configUpdated.status).toBe(409);
      expect(gateway.received).toEqual([]);
      // ShopiMind's retry of uninstall is still sent.
      expect((await control('POST', '/sandbox/installations/known/uninstall')).status).toBe(200);
      expect(gateway.received).toHaveLength(1);
    });
  });

  it('is not served unless asked for', async () => {
    const plain = await startShopimindSandbox();
    try {
      const answer = await call(plain.url, 'GET', '/sandbox');
      expect(answer.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
