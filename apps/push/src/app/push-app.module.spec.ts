import type { INestApplication } from '@nestjs/common';
import { loadEnv, PushEnv } from '@storebridge/config';
import { Subjects } from '@storebridge/contracts';
import { MessagingTransport } from '@storebridge/messaging';
import { localUrl, startService } from '@storebridge/runtime';
import { pushAppModule } from './push-app.module';

// Boots the real module graph (in-memory PGlite, in-process bus): a missing provider or a bad import
// only shows up when Nest resolves the graph, which this does.
describe('push app', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const env = loadEnv(PushEnv, {
      CREDENTIALS_KEY: 'cd'.repeat(32),
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'error',
      SHOPIMIND_API_URL: 'http://127.0.0.1:9',
    });
    app = await startService(pushAppModule(env), { serviceName: 'push', env, port: 0, host: '127.0.0.1' });
    url = localUrl(app);
  });

  afterAll(() => app?.close());

  it('consumes product and order changes, dead-letter replay requests and crawl completions, only them, and reports itself healthy', async () => {
    expect([...app.get(MessagingTransport).getHandlers().keys()]).toEqual([
      Subjects.productsChanged,
      Subjects.ordersChanged,
      Subjects.deadLettersReplayRequested,
      Subjects.crawlCompleted,
    ]);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('serves its metrics at /metrics in Prometheus text, the process metrics included', async () => {
    const response = await fetch(`${url}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE storebridge_shopimind_request_duration_seconds histogram');
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  });
});
