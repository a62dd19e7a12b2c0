import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { safeEqualHex, signShopimindPayload } from '@storebridge/security';
import { ShopimindSandbox, startShopimindSandbox } from './sandbox.server';
import { InstallationStatus } from './sandbox-state';

interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  json: Record<string, unknown>;
  /** Status of the installation named in the body when the gateway received it. */
  keyStatus: InstallationStatus | undefined;
}

/** A stand-in gateway that records what it receives and answers what the test says. */
interface FakeGateway {
  url: string;
  requests: RecordedRequest[];
  answer: { status: number; body: unknown };
  close(): Promise<void>;
}

function parseObject(rawBody: string): Record<string, unknown> {
  try {
    return JSON.parse(rawBody) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function keyStatus(sandbox: ShopimindSandbox, installationId: string): InstallationStatus | undefined {
  try {
    return sandbox.installation(installationId).status;
  } catch {
    return undefined;
  }
}

async function startFakeGateway(sandbox: ShopimindSandbox): Promise<FakeGateway> {
  const gateway: Omit<FakeGateway, 'url' | 'close'> = {
    requests: [],
    answer: { status: 200, body: { success: true } },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const json = parseObject(rawBody);
      const installationId = json['installation_id'];
      gateway.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        json,
        keyStatus: typeof installationId === 'string' ? keyStatus(sandbox, installationId) : undefined,
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

describe('lifecycle driver', () => {
  const secret = 'whsec_test';
  let sandbox: ShopimindSandbox;
  let gateway: FakeGateway;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
    gateway = await startFakeGateway(sandbox);
  });
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.reset();
    gateway.requests.length = 0;
    gateway.answer = { status: 200, body: { success: true } };
  });

  const lastRequest = (): RecordedRequest => {
    const request = gateway.requests.at(-1);
    if (request === undefined) {
      throw new Error('the gateway received nothing');
    }
    return request;
  };

  it('signs the exact raw body with the timestamp', async () => {
    const response = await sandbox.sendLifecycle(
      gateway.url,
      'config_updated',
      { installation_id: 'inst_1', configs: { a: 'é' } },
      { secret, timestamp: 1_700_000_000 },
    );

    expect(response).toEqual({ status: 200, body: { success: true } });
    const request = lastRequest();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/webhook/receive');
    expect(request.headers['x-shopimind-timestamp']).toBe('1700000000');
    const signature = String(request.headers['x-shopimind-signature']);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(safeEqualHex(signShopimindPayload(secret, '1700000000', request.rawBody), signature)).toBe(true);
    expect(safeEqualHex(signShopimindPayload('other-secret', '1700000000', request.rawBody), signature)).toBe(
      false,
    );
    expect(request.json).toEqual({ event: 'config_updated', installation_id: 'inst_1', configs: { a: 'é' } });
  });

  it('stamps the current unix time by default', async () => {
    const before = Math.floor(Date.now() / 1000);
    await sandbox.sendLifecycle(gateway.url, 'uninstall', {}, { secret });
    const sent = Number(lastRequest().headers['x-shopimind-timestamp']);
    expect(sent).toBeGreaterThanOrEqual(before);
    expect(sent).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('sends a forced signature or raw body untouched, for rejection tests', async () => {
    await sandbox.sendLifecycle(gateway.url, 'install', {}, { secret, signature: 'deadbeef' });
    expect(lastRequest().headers['x-shopimind-signature']).toBe('deadbeef');

    await sandbox.sendLifecycle(
      gateway.url,
      'install',
      {},
      { secret, timestamp: 1_700_000_000, rawBody: '{"event":' },
    );
    expect(lastRequest().rawBody).toBe('{"event":');
    expect(lastRequest().headers['x-shopimind-signature']).toBe(
      signShopimindPayload(secret, 1_700_000_000, '{"event":'),
    );
  });

  it('returns the text of a non-JSON answer', async () => {
    gateway.answer = { status: 500, body: 'boom' };
    const response = await sandbox.sendLifecycle(gateway.url, 'activate', {}, { secret });
    expect(response).toEqual({ status: 500, body: 'boom' });
  });

  it('sends install with the token while the key stays revoked', async () => {
    const { installationId, accessToken } = sandbox.createInstallation({
      shopDomain: 'shop.example.com',
      shopName: 'Shop',
    });
    await sandbox.lifecycle.install(gateway.url, installationId, {
      secret,
      configs: { store_url: 'https://store.example' },
    });

    const request = lastRequest();
    expect(request.json).toEqual({
      event: 'install',
      installation_id: installationId,
      shop_domain: 'shop.example.com',
      shop_name: 'Shop',
      access_token: accessToken,
      configs: { store_url: 'https://store.example' },
      installed_at: expect.any(String),
    });
    expect(request.keyStatus).toBe('revoked');
    expect(sandbox.installation(installationId).status).toBe('revoked');
  });

  it('deletes the key when the integration refuses the install', async () => {
    const { installationId } = sandbox.createInstallation();
    gateway.answer = { status: 200, body: { success: false, error: 'invalid_config' } };
    await sandbox.lifecycle.install(gateway.url, installationId, { secret });
    expect(sandbox.installation(installationId).status).toBe('uninstalled');
  });

  it('activates the key before sending activate', async () => {
    const { installationId, accessToken } = sandbox.createInstallation();
    await sandbox.lifecycle.activate(gateway.url, installationId, { secret, configs: { api_key: 'k' } });

    const request = lastRequest();
    expect(request.keyStatus).toBe('active');
    expect(request.json).toMatchObject({
      event: 'activate',
      installation_id: installationId,
      configs: { api_key: 'k' },
      access_token: accessToken,
      activated_at: expect.any(String),
    });
  });

  it('revokes the key before sending deactivate, and forever before uninstall', async () => {
    const { installationId } = sandbox.createInstallation();
    sandbox.setActive(installationId, true);

    await sandbox.lifecycle.deactivate(gateway.url, installationId, { secret });
    expect(lastRequest().keyStatus).toBe('revoked');
    expect(lastRequest().json).toMatchObject({ event: 'deactivate', deactivated_at: expect.any(String) });

    await sandbox.lifecycle.uninstall(gateway.url, installationId, { secret });
    expect(lastRequest().keyStatus).toBe('uninstalled');
    expect(lastRequest().json).toMatchObject({ event: 'uninstall', uninstalled_at: expect.any(String) });
  });

  it('adds extra fields such as a Type B external account', async () => {
    const { installationId } = sandbox.createInstallation();
    await sandbox.lifecycle.install(gateway.url, installationId, {
      secret,
      extra: { external_account_id: 'acc_1' },
    });
    expect(lastRequest().json).toMatchObject({ external_account_id: 'acc_1' });
  });

  it('signs connection tests and remote-data requests the same way', async () => {
    await sandbox.lifecycle.testConnection(
      gateway.url,
      { base_url: 'https://store.example' },
      { secret, timestamp: 1_700_000_001 },
    );
    const test = lastRequest();
    expect(test.path).toBe('/webhook/test-connection');
    expect(test.json).toEqual({ base_url: 'https://store.example' });
    expect(test.headers['x-shopimind-signature']).toBe(
      signShopimindPayload(secret, 1_700_000_001, test.rawBody),
    );

    await sandbox.lifecycle.remoteData(gateway.url, 'categories', {}, { secret });
    expect(lastRequest().path).toBe('/webhook/remote-data/categories');
  });
});
