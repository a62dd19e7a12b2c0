import type { INestApplication } from '@nestjs/common';
import { GatewayEnv, loadEnv } from '@storebridge/config';
import { localUrl, startService } from '@storebridge/runtime';
import { signShopimindPayload } from '@storebridge/security';
import { buildIntegrationDeclaration, declaredRoutes } from '@storebridge/shopimind-declaration';
import { gatewayAppModule } from './gateway-app.module';

// Boots the real module graph (in-memory PGlite, in-process bus): a missing provider or a bad import
// only shows up when Nest resolves the graph, which this does.
describe('gateway app', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const env = loadEnv(GatewayEnv, {
      CREDENTIALS_KEY: 'cd'.repeat(32),
      WEBHOOK_SECRET: 'gateway-spec-secret-0123456789',
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'error',
    });
    app = await startService(gatewayAppModule(env), {
      serviceName: 'gateway',
      env,
      port: 0,
      host: '127.0.0.1',
    });
    url = localUrl(app);
  });

  afterAll(() => app?.close());

  it('reports itself healthy once the database is migrated and the bus connected', async () => {
    const response = await fetch(`${url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      info: { database: { status: 'up' }, messaging: { status: 'up', connection: 'connected' } },
      error: {},
      details: { database: { status: 'up' }, messaging: { status: 'up', connection: 'connected' } },
    });
  });

  it('refuses an unsigned ShopiMind webhook with a bare 401', async () => {
    const response = await fetch(`${url}/webhook/receive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'install', installation_id: 'inst_1', access_token: 'spm_x' }),
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ success: false, error: 'unauthorized' });
  });

  it('answers the exact resend of a signed webhook with its first answer (accepted_signatures)', async () => {
    const body = JSON.stringify({ event: 'deactivate', installation_id: 'inst_never_installed' });
    const timestamp = Math.floor(Date.now() / 1000);
    const send = () =>
      fetch(`${url}/webhook/receive`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopimind-signature': signShopimindPayload('gateway-spec-secret-0123456789', timestamp, body),
          'x-shopimind-timestamp': String(timestamp),
        },
        body,
      });

    const first = await send();
    const replay = await send();

    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ success: false, error: 'unknown_installation' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ success: false, error: 'unknown_installation' });
  });

  it('refuses unparseable JSON with 400 in the ShopiMind shape', async () => {
    const response = await fetch(`${url}/webhook/receive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"event":',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ success: false, error: 'invalid_json' });
  });

  it('serves its declaration at /manifest.json', async () => {
    const response = await fetch(`${url}/manifest.json`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(
      JSON.parse(JSON.stringify(buildIntegrationDeclaration({ requiresExternalAuth: false }))),
    );
  });

  // Spec §7 [ours]: a route the declaration names but nobody serves would fail only at ShopiMind.
  it.each(declaredRoutes(buildIntegrationDeclaration({ requiresExternalAuth: true })))(
    'serves the declared route $method $path',
    async ({ method, path }) => {
      const concrete = path.replace(/\{[^}]+\}/g, 'x1');

      const response = await fetch(`${url}${concrete}`, { method, redirect: 'manual' });

      expect(response.status).not.toBe(404);
    },
  );

  it('answers 404 to a route nobody declared, so the check above can fail', async () => {
    expect((await fetch(`${url}/webhook/not-declared`, { method: 'POST' })).status).toBe(404);
  });

  it('serves its metrics at /metrics: the webhooks it answered by route pattern, and the process', async () => {
    const body = JSON.stringify({ event: 'deactivate', installation_id: 'inst_metrics_spec' });
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = await fetch(`${url}/webhook/receive`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopimind-signature': signShopimindPayload('gateway-spec-secret-0123456789', timestamp, body),
        'x-shopimind-timestamp': String(timestamp),
      },
      body,
    });
    expect(signed.status).toBe(200);

    const response = await fetch(`${url}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(
      /^storebridge_webhook_ingress_duration_seconds_count\{kind="shopimind",route="\/webhook\/receive",status="200"\} [1-9]/m,
    );
    expect(text).toContain('# TYPE storebridge_records_pushed_total counter');
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  });
});
