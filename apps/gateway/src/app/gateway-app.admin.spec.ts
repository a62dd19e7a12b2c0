import { Logger, type INestApplication } from '@nestjs/common';
import { Subjects } from '@storebridge/contracts';
import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import { MessagingTransport } from '@storebridge/messaging';
import type { StoreConnectionEntity } from '@storebridge/persistence';
import { localUrl } from '@storebridge/runtime';
import { pollUntil } from '@storebridge/testing';
import { startGateway } from './gateway-app.module';
import { connectionThroughLifecycle, secretsOfConnection } from './testing/connect-store';
import { gatewaySpecEnv, specSecrets } from './testing/gateway-env';
import type { InProcessBus } from './testing/in-process-bus';
import { seedDeadLetter, seedFinishedProductsCrawl, seedRunningProductsCrawl } from './testing/seed-reports';

const SECRETS = specSecrets('admin-spec');
const ADMIN_TOKEN = SECRETS.adminToken;
const CREDENTIALS_KEY = 'cd'.repeat(32);
const PUBLIC_BASE_URL = 'https://bridge.example.com';

interface Delivered {
  subject: string;
  payload: Record<string, unknown>;
}

/** Structural OpenAPI 3 checks: version, info, every operation answered, every `$ref` resolving. */
function openApiProblems(document: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof document['openapi'] !== 'string' || !/^3\.\d+\.\d+$/.test(document['openapi'])) {
    problems.push(`openapi is ${String(document['openapi'])}`);
  }
  const info = document['info'] as { title?: unknown; version?: unknown } | undefined;
  if (typeof info?.title !== 'string' || typeof info.version !== 'string') {
    problems.push('info needs a title and a version');
  }
  const paths = (document['paths'] ?? {}) as Record<string, Record<string, { responses?: object }>>;
  for (const [path, operations] of Object.entries(paths)) {
    if (!path.startsWith('/')) {
      problems.push(`path ${path} does not start with /`);
    }
    for (const [method, operation] of Object.entries(operations)) {
      if (!operation.responses || Object.keys(operation.responses).length === 0) {
        problems.push(`${method.toUpperCase()} ${path} has no responses`);
      }
    }
  }
  const schemas = ((document['components'] as { schemas?: object } | undefined)?.schemas ?? {}) as object;
  const refs = JSON.stringify(document).match(/"\$ref":"[^"]*"/g) ?? [];
  for (const ref of refs) {
    const name = /#\/components\/schemas\/([^"]+)"/.exec(ref)?.[1];
    if (!name || !Object.hasOwn(schemas, name)) {
      problems.push(`unresolved ${ref}`);
    }
  }
  return problems;
}

describe('gateway app without ADMIN_TOKEN', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await startGateway(gatewaySpecEnv(SECRETS, CREDENTIALS_KEY), { host: '127.0.0.1', port: 0 });
    url = localUrl(app);
  });

  afterAll(() => app?.close());

  it('has no admin routes at all: 404 with or without a token', async () => {
    for (const headers of [{}, { authorization: `Bearer ${ADMIN_TOKEN}` }] as Array<Record<string, string>>) {
      expect((await fetch(`${url}/admin/installations`, { headers })).status).toBe(404);
      expect((await fetch(`${url}/admin/dead-letters/replay`, { method: 'POST', headers })).status).toBe(404);
    }
  });

  it('documents the other routes, and no admin route', async () => {
    const document = (await (await fetch(`${url}/docs-json`)).json()) as { paths: Record<string, unknown> };

    expect(Object.keys(document.paths)).toContain('/webhook/receive');
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/admin'))).toEqual([]);
  });
});

describe('gateway app with ADMIN_TOKEN: the admin API', () => {
  let store: DemoStore;
  let app: INestApplication;
  let url: string;
  let connection: StoreConnectionEntity;
  let bus: InProcessBus;
  let subscriptions: Array<{ stop(): Promise<void> }> = [];
  const delivered: Delivered[] = [];

  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  beforeAll(async () => {
    store = await startDemoStore({ apiKey: SECRETS.storeApiKey, productCount: 1 });
    const env = gatewaySpecEnv(SECRETS, CREDENTIALS_KEY, { ADMIN_TOKEN, PUBLIC_BASE_URL });
    app = await startGateway(env, { host: '127.0.0.1', port: 0 });
    url = localUrl(app);
    bus = app.get(MessagingTransport).unwrap<InProcessBus>();
    // Plays sync and push behind the bus: the gateway runs no consumer of its own.
    subscriptions = [Subjects.syncRequested, Subjects.deadLettersReplayRequested].map((subject) =>
      bus.subscribe(`admin-spec-${subject}`, subject, 1, async (delivery) => {
        delivered.push({ subject, payload: JSON.parse(delivery.data) as Record<string, unknown> });
        return { kind: 'ack' };
      }),
    );
    connection = await connectionThroughLifecycle(app, { ...SECRETS, gatewayUrl: url, storeUrl: store.url });
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await app?.close();
    await store?.close();
  });

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}x` }],
    ['the token without the Bearer scheme', { authorization: ADMIN_TOKEN }],
  ])('refuses %s with 401 on every admin route', async (_label, headers: Record<string, string>) => {
    for (const [method, path] of [
      ['GET', '/admin/installations'],
      ['GET', `/admin/connections/${connection.id}`],
      ['GET', `/admin/connections/${connection.id}/sync-runs`],
      ['GET', `/admin/connections/${connection.id}/push-summary`],
      ['POST', `/admin/connections/${connection.id}/sync`],
      ['GET', '/admin/dead-letters'],
      ['POST', '/admin/dead-letters/replay'],
      ['GET', '/admin/pending-deletes'],
    ]) {
      const response = await fetch(`${url}${path}`, { method, headers });

      expect([method, path, response.status]).toEqual([method, path, 401]);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
    }
  });

  it('lists the connection with its store URL, auth method and webhook URLs, and no credential anywhere', async () => {
    const response = await admin('/admin/installations');
    const text = await response.text();

    expect(response.status).toBe(200);
    const [listed] = JSON.parse(text) as Array<{
      installationId: string;
      connection: Record<string, unknown>;
    }>;
    expect(listed.installationId).toBe(SECRETS.installationId);
    expect(listed.connection).toMatchObject({
      id: connection.id,
      status: 'installed',
      storeBaseUrl: store.url,
      authMethod: 'api_key',
      webhookSecretSet: true,
      webhookUrls: {
        products: `${PUBLIC_BASE_URL}/api/generic-api/webhooks/${connection.storeToken}/products`,
        orders: `${PUBLIC_BASE_URL}/api/generic-api/webhooks/${connection.storeToken}/orders`,
        sync: `${PUBLIC_BASE_URL}/api/generic-api/webhooks/${connection.storeToken}/sync`,
      },
    });
    const report = await (await admin(`/admin/connections/${connection.id}`)).text();
    for (const secret of secretsOfConnection(SECRETS, connection)) {
      expect(text).not.toContain(secret);
      expect(report).not.toContain(secret);
    }
  });

  it("shows a connection's sync runs once sync has written them, the running one with its progress", async () => {
    // As sync writes them: a finished crawl, started ten minutes before the running one.
    await seedFinishedProductsCrawl(app, connection, 'short_page');
    await seedRunningProductsCrawl(app, connection, 2);

    const response = await admin(`/admin/connections/${connection.id}/sync-runs?limit=5`);
    const listed = (await response.json()) as Array<Record<string, unknown>>;

    expect(response.status).toBe(200);
    expect(listed.map((run) => [run['status'], run['trigger']])).toEqual([
      ['running', 'manual'],
      ['succeeded', 'activate'],
    ]);
    expect(listed[0]['progress']).toMatchObject({
      pagesDone: 2,
      nextPage: 3,
      expectedPages: 4,
      expectedRecords: 400,
    });
    expect(listed[1]).toMatchObject({
      counts: { recordsSeen: 400, recordsSkipped: 1 },
      skippedRecords: [{ page: 2, index: 7, reason: 'no name', id: 'p7' }],
      stopReason: 'short_page',
      progress: null,
    });
    expect((await admin(`/admin/connections/${connection.id}/sync-runs?limit=101`)).status).toBe(400);
  });

  it('summarizes the push ledger per entity', async () => {
    const response = await admin(`/admin/connections/${connection.id}/push-summary`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      connectionId: connection.id,
      products: { accepted: 0, rejected: 0, pending: 0, leftOut: 0 },
      orders: { accepted: 0, rejected: 0, pending: 0, leftOut: 0 },
    });
  });

  it('lists dead letters, and a replay puts the request for push on the bus', async () => {
    await seedDeadLetter(app, {
      connectionId: connection.id,
      entity: 'products',
      storeId: 'p1',
      reasons: ['price: must be a number'],
      attempts: 1,
    });

    const listed = await admin(`/admin/dead-letters?connectionId=${connection.id}&entity=products`);
    expect(await listed.json()).toEqual([
      expect.objectContaining({ storeId: 'p1', reasons: ['price: must be a number'], replayable: true }),
    ]);

    const replay = await admin('/admin/dead-letters/replay', {
      method: 'POST',
      body: JSON.stringify({ connectionId: connection.id, entity: 'products' }),
    });

    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ accepted: true });
    await pollUntil(
      () => delivered.some((message) => message.subject === Subjects.deadLettersReplayRequested),
      {
        description: 'the replay request on the bus',
      },
    );
    expect(delivered.filter((message) => message.subject === Subjects.deadLettersReplayRequested)).toEqual([
      {
        subject: Subjects.deadLettersReplayRequested,
        payload: { filter: { connectionId: connection.id, entity: 'products' } },
      },
    ]);
  });

  it('triggers a sync: syncRequested on the bus, manual', async () => {
    const response = await admin(`/admin/connections/${connection.id}/sync`, { method: 'POST' });

    expect(response.status).toBe(202);
    await pollUntil(() => delivered.some((message) => message.payload['trigger'] === 'manual'), {
      description: 'the manual sync request on the bus',
    });
    expect(delivered.filter((message) => message.payload['trigger'] === 'manual')).toEqual([
      { subject: Subjects.syncRequested, payload: { connectionId: connection.id, trigger: 'manual' } },
    ]);
  });

  it('answers 404 for an unknown connection and 400 for an id that is not one', async () => {
    const unknown = '99999999-9999-4999-8999-999999999999';

    expect((await admin(`/admin/connections/${unknown}`)).status).toBe(404);
    expect((await admin(`/admin/connections/${unknown}/sync`, { method: 'POST' })).status).toBe(404);
    expect((await admin('/admin/connections/not-a-uuid')).status).toBe(400);
    const replay = await admin('/admin/dead-letters/replay', {
      method: 'POST',
      body: JSON.stringify({ entity: 'customers', limit: 100_000 }),
    });
    expect(replay.status).toBe(400);
  });

  it('serves a valid OpenAPI 3 document at /docs-json, admin and store webhook routes included, and the UI at /docs', async () => {
    const response = await fetch(`${url}/docs-json`);
    const document = (await response.json()) as Record<string, unknown> & {
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };

    expect(response.status).toBe(200);
    expect(openApiProblems(document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/admin/installations',
        '/admin/connections/{connectionId}',
        '/admin/connections/{connectionId}/sync-runs',
        '/admin/connections/{connectionId}/push-summary',
        '/admin/connections/{connectionId}/sync',
        '/admin/dead-letters',
        '/admin/pending-deletes',
        '/admin/dead-letters/replay',
        '/api/generic-api/webhooks/{storeToken}/products',
        '/api/generic-api/webhooks/{storeToken}/orders',
        '/api/generic-api/webhooks/{storeToken}/sync',
        '/webhook/receive',
      ]),
    );
    expect(document.paths['/admin/installations']['get'].security).toEqual([{ 'admin-token': [] }]);
    // The form's routes are described like the lifecycle's: tagged, signed, with their answer.
    for (const path of ['/webhook/test-connection', '/webhook/remote-data/{resource}']) {
      expect(document.paths[path]['post']).toMatchObject({
        tags: ['shopimind'],
        summary: expect.any(String),
      });
    }
    expect(document.components.securitySchemes['admin-token']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const ui = await fetch(`${url}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
  });
});
