import type { INestApplication } from '@nestjs/common';
import { loadEnv, SyncEnv } from '@storebridge/config';
import { Subjects } from '@storebridge/contracts';
import { MessagingTransport } from '@storebridge/messaging';
import { localUrl, startService } from '@storebridge/runtime';
import { syncAppModule } from './sync-app.module';

// Boots the real module graph (in-memory PGlite, in-process bus): a missing provider or a bad import
// only shows up when Nest resolves the graph, which this does.
describe('sync app', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const env = loadEnv(SyncEnv, {
      CREDENTIALS_KEY: 'cd'.repeat(32),
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'error',
    });
    app = await startService(syncAppModule(env), { serviceName: 'sync', env, port: 0, host: '127.0.0.1' });
    url = localUrl(app);
  });

  afterAll(() => app?.close());

  it('consumes sync requests and store product and order events, and only them, and reports itself healthy', async () => {
    expect([...app.get(MessagingTransport).getHandlers().keys()]).toEqual([
      Subjects.syncRequested,
      Subjects.storeProductEventReceived,
      Subjects.storeOrderEventReceived,
    ]);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('serves its metrics at /metrics in Prometheus text, the process metrics included', async () => {
    const response = await fetch(`${url}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE storebridge_sync_run_duration_seconds histogram');
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  });
});
