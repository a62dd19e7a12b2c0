import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { resolveStoreSettings } from '../store-settings';
import { checkStoreUrl } from '../store-url-policy';
import {
  createPinnedFetch,
  STORE_ADDRESS_FORBIDDEN_CODE,
  StoreAddressForbiddenError,
} from './pinned-address.agent';
import { StoreClient } from './store.client';
import { StoreRequestErrorKind } from './store-request.error';

const PUBLIC_V4 = '93.184.216.34';

/** A loopback HTTP server that counts the connections opened to it, not only the requests. */
class CountingServer {
  connections = 0;
  private readonly server: Server;

  private constructor() {
    this.server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status":"ok"}');
    });
    this.server.on('connection', () => {
      this.connections += 1;
    });
  }

  static async start(): Promise<CountingServer> {
    const counting = new CountingServer();
    await new Promise<void>((resolve) => counting.server.listen(0, '127.0.0.1', resolve));
    return counting;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers each lookup from `answers` in turn, repeating the last. */
function resolverAnswering(...answers: string[][]): jest.Mock<Promise<string[]>, [string]> {
  let call = 0;
  return jest.fn<Promise<string[]>, [string]>(() =>
    Promise.resolve(answers[Math.min(call++, answers.length - 1)]),
  );
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createPinnedFetch', () => {
  let server: CountingServer;

  beforeEach(async () => {
    server = await CountingServer.start();
  });

  afterEach(async () => {
    await server.close();
  });

  it('refuses a name that passed the policy but resolves to a private address at connect time', async () => {
    // DNS rebinding: public for the policy check, loopback for the connection.
    const resolve = resolverAnswering([PUBLIC_V4], ['127.0.0.1']);
    const url = `https://shop.example.com:${server.port}`;
    await expect(checkStoreUrl(url, { allowPrivate: false, lookup: resolve })).resolves.toEqual({ ok: true });

    const pinnedFetch = createPinnedFetch({ allowPrivateAddresses: false, resolve });
    const error = await rejectionOf(pinnedFetch(`${url}/health`));

    expect(error).toBeInstanceOf(TypeError);
    expect(error instanceof TypeError && error.cause).toBeInstanceOf(StoreAddressForbiddenError);
    expect(resolve).toHaveBeenLastCalledWith('shop.example.com');
    expect(server.connections).toBe(0);
  });

  it('refuses a name when any of its addresses is private', async () => {
    const resolve = resolverAnswering([PUBLIC_V4, '127.0.0.1']);
    const pinnedFetch = createPinnedFetch({ allowPrivateAddresses: false, resolve });
    const error = await rejectionOf(pinnedFetch(`http://shop.example.com:${server.port}/health`));
    expect(error instanceof TypeError && error.cause).toBeInstanceOf(StoreAddressForbiddenError);
    expect(server.connections).toBe(0);
  });

  it.each(['127.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]'])(
    'refuses the IP literal %s without a lookup',
    async (host) => {
      const resolve = resolverAnswering([PUBLIC_V4]);
      const pinnedFetch = createPinnedFetch({ allowPrivateAddresses: false, resolve });
      const error = await rejectionOf(pinnedFetch(`http://${host}:${server.port}/health`));
      expect(error instanceof TypeError && error.cause).toMatchObject({ code: STORE_ADDRESS_FORBIDDEN_CODE });
      expect(resolve).not.toHaveBeenCalled();
      expect(server.connections).toBe(0);
    },
  );

  it('connects to the address it resolved when private addresses are allowed', async () => {
    const resolve = resolverAnswering(['127.0.0.1']);
    const pinnedFetch = createPinnedFetch({ allowPrivateAddresses: true, resolve });
    const response = await pinnedFetch(`http://demo-store.test:${server.port}/health`);
    await expect(response.json()).resolves.toEqual({ status: 'ok' });
    expect(resolve).toHaveBeenCalledWith('demo-store.test');
    expect(server.connections).toBe(1);
  });

  it('connects to a loopback IP literal when private addresses are allowed', async () => {
    const pinnedFetch = createPinnedFetch({ allowPrivateAddresses: true });
    const response = await pinnedFetch(`http://127.0.0.1:${server.port}/health`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ status: 'ok' });
  });
});

describe('StoreClient address pinning', () => {
  let server: CountingServer;

  beforeEach(async () => {
    server = await CountingServer.start();
  });

  afterEach(async () => {
    await server.close();
  });

  function settingsFor(baseUrl: string): ReturnType<typeof resolveStoreSettings> {
    return resolveStoreSettings({ baseUrl, auth: { method: 'api_key', token: 'k-123' } });
  }

  it('fails a rebound store at once with a reason, without retrying', async () => {
    const resolve = resolverAnswering(['10.0.0.5']);
    const client = new StoreClient(settingsFor(`http://shop.example.com:${server.port}`), {
      retries: 3,
      resolve,
      sleep: () => Promise.resolve(),
    });
    const result = await client.checkHealth();
    expect(!result.ok && result.error).toMatchObject({
      kind: StoreRequestErrorKind.Network,
      code: STORE_ADDRESS_FORBIDDEN_CODE,
      attempts: 1,
      message: `GET /health failed: the store's address is private or reserved (${STORE_ADDRESS_FORBIDDEN_CODE})`,
    });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(server.connections).toBe(0);
  });

  it('refuses a loopback store by default', async () => {
    const client = new StoreClient(settingsFor(`http://127.0.0.1:${server.port}`), { retries: 0 });
    const result = await client.checkHealth();
    expect(!result.ok && result.error).toMatchObject({ code: STORE_ADDRESS_FORBIDDEN_CODE });
    expect(server.connections).toBe(0);
  });

  it('reaches a loopback store when private addresses are allowed', async () => {
    const client = new StoreClient(settingsFor(`http://127.0.0.1:${server.port}`), {
      retries: 0,
      allowPrivateAddresses: true,
    });
    await expect(client.checkHealth()).resolves.toMatchObject({ ok: true, status: 200 });
  });
});
