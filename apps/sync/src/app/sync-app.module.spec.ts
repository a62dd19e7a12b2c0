import type { INestApplication } from '@nestjs/common';
import { loadEnv, SyncEnv } from '@storebridge/config';
import { Subjects } from '@storebridge/contracts';
import { MessagingTransport } from '@storebridge/messaging';
import { startService } from '@storebridge/runtime';
import { SYNC_SERVICE_NAME, syncAppModule } from './sync-app.module';

// Boots the real module graph (in-memory PGlite, in-process bus): a missing provider or a bad import
// only shows up when Nest resolves the graph, which this does.
describe('sync app', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const env = loadEnv(SyncEnv, {
      CREDENTIALS_KEY: 'cd'.repeat(32),
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'error',
    });
    app = await startService(syncAppModule(env), {
      serviceName: SYNC_SERVICE_NAME,
      env,
      port: 0,
      host: '127.0.0.1',
    });
  });

  afterAll(() => app?.close());

  it('serves its health endpoint', async () => {
    const response = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/health`);

    expect(response.status).toBe(200);
  });

  it('consumes sync requests, and only them', () => {
    const transport = app.get(MessagingTransport);

    expect([...transport.getHandlers().keys()]).toEqual([Subjects.syncRequested]);
  });
});
