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
});
