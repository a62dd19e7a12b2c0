import type { INestApplication } from '@nestjs/common';
import { GatewayEnv, loadEnv } from '@storebridge/config';
import { localUrl, startService } from '@storebridge/runtime';
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
    expect(await response.json()).toEqual({ status: 'ok', database: 'up', messaging: 'connected' });
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
});
