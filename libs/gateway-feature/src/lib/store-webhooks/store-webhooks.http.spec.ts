import { randomUUID } from 'node:crypto';
import { Logger, type INestApplication } from '@nestjs/common';
import { StoreConnectionService, type StoreConnectionView } from '@storebridge/connections';
import { Subjects } from '@storebridge/contracts';
import { CommonEnv, loadEnv } from '@storebridge/config';
import { resolveStoreSettings } from '@storebridge/store-client';
import { MessagePublisher, MessagingModule, RecordingPublisher } from '@storebridge/messaging';
import { StoreConnectionRepository, type StoreConnectionEntity } from '@storebridge/persistence';
import { AcceptedSignatureRepository } from '@storebridge/gateway-persistence';
import { localUrl, startService } from '@storebridge/runtime';
import { hmacSha256Hex } from '@storebridge/security';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { InMemoryAcceptedSignatures } from '../shopimind-auth/accepted-signatures.fake';
import { shopimindAuthProviders } from '../shopimind-auth/shopimind-auth.providers';
import { StoreWebhooksController } from './store-webhooks.controller';
import { STORE_WEBHOOK_PROVIDERS } from './store-webhooks.providers';

const SECRET = 'store-webhook-secret-0123456789';

/** Store connections by token, with the decrypted webhook secret the real service would give. */
class FakeConnections {
  readonly byToken = new Map<string, { connection: StoreConnectionEntity; webhookSecret?: string }>();

  add(webhookSecret?: string): { token: string; connectionId: string } {
    const now = new Date();
    const token = `st_${randomUUID()}`;
    const connection: StoreConnectionEntity = {
      id: randomUUID(),
      installationId: randomUUID(),
      baseUrl: 'https://shop.test',
      authMethod: 'api_key',
      credentialsCiphertext: 'v1.not.used.here',
      paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
      fieldMappings: { products: { id: 'ref' }, orders: {} },
      lang: 'fr',
      currency: 'EUR',
      syncIntervalMinutes: 60,
      perPage: 50,
      webhookSecretCiphertext: webhookSecret ? 'v1.ciphertext' : null,
      configFingerprint: null,
      nextSyncAt: null,
      storeToken: token,
      createdAt: now,
      updatedAt: now,
    };
    this.byToken.set(token, { connection, ...(webhookSecret ? { webhookSecret } : {}) });
    return { token, connectionId: connection.id };
  }

  asRepository(): Pick<StoreConnectionRepository, 'findByStoreToken'> {
    return {
      findByStoreToken: async (token) => {
        if (token.includes('\u0000')) {
          throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
        }
        return this.byToken.get(token)?.connection ?? null;
      },
    };
  }

  asService(): Pick<StoreConnectionService, 'view'> {
    return {
      view: (connection): StoreConnectionView => {
        const secret = this.byToken.get(connection.storeToken)?.webhookSecret;
        return {
          connection,
          settings: resolveStoreSettings({
            baseUrl: connection.baseUrl,
            auth: { method: 'api_key', token: 'key' },
            fieldMappings: connection.fieldMappings,
          }),
          ...(secret ? { webhookSecret: secret } : {}),
        };
      },
    };
  }
}

/**
 * Boots through the services' real `startService` (body parser, raw body), with the app-wide ShopiMind providers
 * GatewayFeatureModule also registers, to show they leave these routes' answers alone.
 */
async function boot(connections: FakeConnections, publisher: RecordingPublisher): Promise<INestApplication> {
  const options: GatewayFeatureOptions = {
    webhookSecrets: ['shopimind-secret'],
    signatureMaxAgeSeconds: 300,
    allowPrivateStoreUrls: false,
  };
  return startService(
    {
      module: class StoreWebhooksProbeModule {},
      // The app's transport; the recording publisher below stands in for its publisher.
      imports: [MessagingModule.forRoot({ serviceName: 'store-webhooks-spec' })],
      controllers: [StoreWebhooksController],
      providers: [
        { provide: GATEWAY_FEATURE_OPTIONS, useValue: options },
        { provide: AcceptedSignatureRepository, useValue: new InMemoryAcceptedSignatures().asRepository() },
        { provide: StoreConnectionRepository, useValue: connections.asRepository() },
        { provide: StoreConnectionService, useValue: connections.asService() },
        { provide: MessagePublisher, useValue: publisher },
        ...shopimindAuthProviders,
        ...STORE_WEBHOOK_PROVIDERS,
      ],
    },
    {
      serviceName: 'gateway',
      env: loadEnv(CommonEnv, { LOG_LEVEL: 'error' }),
      port: 0,
      host: '127.0.0.1',
    },
  );
}

describe('store webhooks over HTTP (generic-api spec §7)', () => {
  let connections: FakeConnections;
  let publisher: RecordingPublisher;
  let app: INestApplication;
  let url: string;
  let signed: { token: string; connectionId: string };
  let unsigned: { token: string; connectionId: string };

  beforeAll(async () => {
    connections = new FakeConnections();
    publisher = new RecordingPublisher('no JetStream ack');
    app = await boot(connections, publisher);
    url = localUrl(app);
    signed = connections.add(SECRET);
    unsigned = connections.add();
  });

  beforeEach(() => {
    publisher.published.length = 0;
    publisher.failing = false;
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(() => app?.close());

  async function post(
    path: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${url}/api/generic-api/webhooks/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, body: await response.json() };
  }

  function signature(body: string, secret = SECRET): Record<string, string> {
    return { 'x-webhook-signature': hmacSha256Hex(secret, body) };
  }

  const productUpdate = JSON.stringify({ event: 'product.updated', data: { ref: 'p1', price: '9.99' } });

  it('stores a signed product event, then answers exactly as the spec says', async () => {
    const answer = await post(`${signed.token}/products`, productUpdate, signature(productUpdate));

    expect(answer).toEqual({ status: 200, body: { success: true, message: 'Webhook processed' } });
    expect(publisher.published).toEqual([
      {
        subject: Subjects.storeProductEventReceived,
        payload: {
          connectionId: signed.connectionId,
          event: 'product.updated',
          data: { ref: 'p1', price: '9.99' },
          receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      },
    ]);
  });

  it('checks the signature over the bytes received, not the re-serialized JSON', async () => {
    const spaced = '{ "event" : "product.deleted",\n  "data": { "ref": "p1" } }';

    const answer = await post(`${signed.token}/products`, spaced, signature(spaced));

    expect(answer.status).toBe(200);
  });

  it('takes a new webhook secret at once, and refuses the old one from then on', async () => {
    const rotated = connections.add('secret before the change');
    expect(
      (
        await post(
          `${rotated.token}/products`,
          productUpdate,
          signature(productUpdate, 'secret before the change'),
        )
      ).status,
    ).toBe(200);
    const { connection } = connections.byToken.get(rotated.token) ?? {};
    connections.byToken.set(rotated.token, {
      connection: connection as StoreConnectionEntity,
      webhookSecret: 'secret after the change',
    });

    const withNewSecret = await post(
      `${rotated.token}/products`,
      productUpdate,
      signature(productUpdate, 'secret after the change'),
    );
    const withOldSecret = await post(
      `${rotated.token}/products`,
      productUpdate,
      signature(productUpdate, 'secret before the change'),
    );

    expect([withNewSecret.status, withOldSecret.status]).toEqual([200, 401]);
  });

  it('stores an order event on its own subject', async () => {
    const body = JSON.stringify({ event: 'order.created', data: { order_id: 1001, total: '20.00' } });

    const answer = await post(`${unsigned.token}/orders`, body);

    expect(answer.status).toBe(200);
    expect(publisher.published).toEqual([
      expect.objectContaining({
        subject: Subjects.storeOrderEventReceived,
        payload: expect.objectContaining({ connectionId: unsigned.connectionId, event: 'order.created' }),
      }),
    ]);
  });

  it('requests a full sync of the connection, once per identical request', async () => {
    const answer = await post(`${unsigned.token}/sync`, '{}');

    expect(answer).toEqual({ status: 200, body: { success: true, message: 'Webhook processed' } });
    expect(publisher.published).toEqual([
      {
        subject: Subjects.syncRequested,
        payload: { connectionId: unsigned.connectionId, trigger: 'store_webhook' },
        options: { messageId: expect.stringMatching(new RegExp(`^store_webhook:${unsigned.connectionId}:`)) },
      },
    ]);
  });

  it('answers 404 for an unknown store token', async () => {
    expect(await post('st_nobody/products', productUpdate)).toEqual({
      status: 404,
      body: { success: false, error: 'unknown_store_token' },
    });
    expect(publisher.published).toEqual([]);
  });

  // Found by the gateway's hostile-input fuzz (issue #20): the lookup of a token with a NUL failed with a 500.
  it.each(['%00', 'st%00', 'a'.repeat(300), 'st_%3Cscript%3E'])(
    'answers 404 for the token "%s", which no connection can have',
    async (token) => {
      expect(await post(`${token}/products`, productUpdate)).toEqual({
        status: 404,
        body: { success: false, error: 'unknown_store_token' },
      });
    },
  );

  it('answers 401 for a wrong signature when the connection has a secret', async () => {
    const answer = await post(`${signed.token}/products`, productUpdate, signature(productUpdate, 'other'));

    expect(answer).toEqual({ status: 401, body: { success: false, error: 'invalid_signature' } });
    expect(publisher.published).toEqual([]);
  });

  it('answers 401 for a missing signature when the connection has a secret', async () => {
    const answer = await post(`${signed.token}/sync`, '{}');

    expect(answer).toEqual({ status: 401, body: { success: false, error: 'invalid_signature' } });
    expect(publisher.published).toEqual([]);
  });

  it('accepts an unsigned event when the connection has no secret', async () => {
    expect((await post(`${unsigned.token}/products`, productUpdate)).status).toBe(200);
  });

  it('answers 400 for a body that is not JSON', async () => {
    expect(await post(`${unsigned.token}/products`, '{"event": ')).toEqual({
      status: 400,
      body: { success: false, error: 'invalid_json' },
    });
  });

  it('quotes no more than 64 characters of an unknown event in its answer', async () => {
    const body = JSON.stringify({ event: 'e'.repeat(500_000), data: { ref: 'p1' } });

    const answer = await post(`${unsigned.token}/products`, body);

    expect(answer.status).toBe(400);
    expect((answer.body as { message: string }).message).toBe(
      `Unknown event "${'e'.repeat(64)}"; expected one of product.created, product.updated, product.deleted`,
    );
  });

  it('answers 400 with the reason for an unknown event', async () => {
    const body = JSON.stringify({ event: 'order.created', data: { ref: 'p1' } });

    expect(await post(`${unsigned.token}/products`, body)).toEqual({
      status: 400,
      body: {
        success: false,
        error: 'unknown_event',
        message:
          'Unknown event "order.created"; expected one of product.created, product.updated, product.deleted',
      },
    });
    expect(publisher.published).toEqual([]);
  });

  it.each([
    ['data that is not an object', { event: 'product.updated', data: ['p1'] }, 'data must be an object'],
    ['no event', { data: { ref: 'p1' } }, 'event should not be empty; event must be a string'],
    [
      'a record without its id',
      { event: 'product.deleted', data: { name: 'x' } },
      'data must carry the record id, a string or a number of at most 255 characters',
    ],
    [
      'an id given as an object',
      { event: 'product.updated', data: { id: { value: 'p1' }, name: 'x' } },
      'data must carry the record id, a string or a number of at most 255 characters',
    ],
    [
      'an id longer than any store uses',
      { event: 'product.updated', data: { id: 'p'.repeat(256), name: 'x' } },
      'data must carry the record id, a string or a number of at most 255 characters',
    ],
    // Found by the gateway's hostile-input fuzz (issue #20): answered 200, then skipped by the consumer, which
    // reads the id once NUL characters and lone surrogates are made storable.
    [
      'an id of NUL characters only',
      { event: 'product.updated', data: { id: '\u0000\u0000', name: 'x' } },
      'data must carry the record id, a string or a number of at most 255 characters',
    ],
    [
      'an id that is a NUL and spaces',
      { event: 'product.deleted', data: { id: ' \u0000 ' } },
      'data must carry the record id, a string or a number of at most 255 characters',
    ],
    ['an array body', [{ event: 'product.deleted' }], 'The body must be a JSON object'],
  ])('answers 400 with the reason for %s', async (_label, body, reason) => {
    expect(await post(`${unsigned.token}/products`, JSON.stringify(body))).toEqual({
      status: 400,
      body: { success: false, error: 'invalid_payload', message: reason },
    });
  });

  it('stores an event whose data holds a "__proto__" key as plain data', async () => {
    const body = '{"event":"product.updated","data":{"ref":"p1","__proto__":{"polluted":true}}}';

    expect(await post(`${unsigned.token}/products`, body)).toEqual({
      status: 200,
      body: { success: true, message: 'Webhook processed' },
    });
    const data = (publisher.published.at(-1)?.payload as { data: Record<string, unknown> }).data;
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('answers 500 when the event cannot be stored, so the store retries', async () => {
    publisher.failing = true;

    expect(await post(`${unsigned.token}/products`, productUpdate)).toEqual({
      status: 500,
      body: { success: false, error: 'not_stored', message: 'The event could not be stored; retry later' },
    });
  });
});
