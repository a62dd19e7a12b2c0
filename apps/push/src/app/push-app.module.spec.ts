import type { INestApplication } from '@nestjs/common';
import { loadEnv, PushEnv } from '@storebridge/config';
import { Subjects } from '@storebridge/contracts';
import { MessagingTransport } from '@storebridge/messaging';
import { startService } from '@storebridge/runtime';
import { PUSH_SERVICE_NAME, pushAppModule } from './push-app.module';

// Boots the real module graph (in-memory PGlite, in-process bus): a missing provider or a bad import
// only shows up when Nest resolves the graph, which this does.
describe('push app', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const env = loadEnv(PushEnv, {
      CREDENTIALS_KEY: 'cd'.repeat(32),
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'error',
      SHOPIMIND_API_URL: 'http://127.0.0.1:9',
    });
    app = await startService(pushAppModule(env), {
      serviceName: PUSH_SERVICE_NAME,
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

  it('consumes product changes, and only them', () => {
    const transport = app.get(MessagingTransport);

    expect([...transport.getHandlers().keys()]).toEqual([Subjects.productsChanged]);
  });
});
