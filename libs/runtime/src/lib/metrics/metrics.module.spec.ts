import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Controller,
  Global,
  HttpCode,
  Module,
  Param,
  Post,
  UnauthorizedException,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type ConsumerBacklog, MessagingTransport } from '@storebridge/messaging';
import { Registry } from 'prom-client';
import { metricSample } from './metric-sample';
import { MetricsModule } from './metrics.module';
import { PushMetrics } from './push.metrics';
import { SyncMetrics } from './sync.metrics';
import { webhookIngressTimer } from './webhook-ingress.timer';
import { WebhookMetrics } from './webhook.metrics';

@Controller('hooks')
class StoreHooksController {
  @Post(':token/products')
  @HttpCode(200)
  products(@Param('token') token: string): { token: string } {
    if (token === 'refused-token') {
      throw new UnauthorizedException();
    }
    return { token };
  }
}

@Controller('signed')
class ShopimindHooksController {
  @Post(':token/broken')
  broken(): never {
    throw new Error('handler failed');
  }
}

@Controller('plain')
class PlainController {
  @Post()
  @HttpCode(200)
  plain(): { ok: true } {
    return { ok: true };
  }
}

const CONTROLLERS = [StoreHooksController, ShopimindHooksController, PlainController];

/** Times the webhook controllers as the gateway does. */
@Module({ controllers: CONTROLLERS })
class TimedHooksModule implements NestModule {
  constructor(private readonly metrics: WebhookMetrics) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(webhookIngressTimer('store', this.metrics)).forRoutes(StoreHooksController);
    consumer.apply(webhookIngressTimer('shopimind', this.metrics)).forRoutes(ShopimindHooksController);
  }
}

async function started(
  ...imports: Array<NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>[number]>
) {
  const moduleRef = await Test.createTestingModule({
    imports: [MetricsModule, TimedHooksModule, ...imports],
  })
    .setLogger({ log: jest.fn(), error: jest.fn(), warn: jest.fn() })
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, registry: app.get(Registry) };
}

/** Stands in for the runtime's global messaging module. */
function messagingWith(transport: Partial<MessagingTransport>) {
  @Global()
  @Module({
    providers: [{ provide: MessagingTransport, useValue: transport }],
    exports: [MessagingTransport],
  })
  class FakeMessagingModule {}
  return FakeMessagingModule;
}

describe('MetricsModule', () => {
  const apps: INestApplication[] = [];

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function app(...imports: Parameters<typeof started>) {
    const harness = await started(...imports);
    apps.push(harness.app);
    return harness;
  }

  it("serves the app's metrics in Prometheus' text format, Node's process metrics included", async () => {
    const { url, app: nest } = await app();
    nest.get(SyncMetrics).pageCrawled('c-1', 'products', 7, 2);

    const response = await fetch(`${url}/metrics`);

    expect(response.status).toBe(200);
    // Express puts the charset first; the parameters are what Prometheus reads, in any order.
    const [mediaType, ...parameters] = (response.headers.get('content-type') ?? '').split(/;\s*/);
    expect(mediaType).toBe('text/plain');
    expect(parameters.sort()).toEqual(['charset=utf-8', 'version=0.0.4']);
    const text = await response.text();
    expect(text).toContain('# TYPE storebridge_records_crawled_total counter');
    expect(text).toContain('storebridge_records_crawled_total{connection="c-1",entity="products"} 7');
    expect(text).toContain('storebridge_records_skipped_total{connection="c-1",entity="products"} 2');
    expect(text).toContain('# TYPE storebridge_webhook_ingress_duration_seconds histogram');
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('gives each app its own registry: two apps in one process register every name once each', async () => {
    const first = await app();
    const second = await app();
    first.app.get(PushMetrics).recordsPushed('c-1', 'orders', 'accepted', 3);

    expect(first.registry).not.toBe(second.registry);
    expect(
      await metricSample(first.registry, 'storebridge_records_pushed_total', { outcome: 'accepted' }),
    ).toBe(3);
    expect(await metricSample(second.registry, 'storebridge_records_pushed_total')).toBeUndefined();
  });

  it('shares, not duplicates, a metric when a recorder is built again on the same registry', async () => {
    const registry = new Registry();
    const first = new SyncMetrics(registry);
    const second = new SyncMetrics(registry);

    first.runEnded('orders', 'succeeded', 1_500);
    second.runEnded('orders', 'succeeded', 500);

    const runs = 'storebridge_sync_run_duration_seconds';
    expect(await metricSample(registry, runs, { entity: 'orders' }, `${runs}_count`)).toBe(2);
    expect(await metricSample(registry, runs, { entity: 'orders' }, `${runs}_sum`)).toBe(2);
  });

  describe('webhook ingress', () => {
    it('times the routes it is applied to by their pattern, never their URL, with kind and final status', async () => {
      const { url, registry } = await app();

      expect((await fetch(`${url}/hooks/secret-token/products`, { method: 'POST' })).status).toBe(200);
      expect((await fetch(`${url}/hooks/refused-token/products`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${url}/signed/secret-token/broken`, { method: 'POST' })).status).toBe(500);
      expect((await fetch(`${url}/plain`, { method: 'POST' })).status).toBe(200);

      const ingress = 'storebridge_webhook_ingress_duration_seconds';
      const count = (labels: Record<string, string>) =>
        metricSample(registry, ingress, labels, `${ingress}_count`);
      expect(await count({ kind: 'store', route: '/hooks/:token/products', status: '200' })).toBe(1);
      expect(await count({ kind: 'store', route: '/hooks/:token/products', status: '401' })).toBe(1);
      expect(await count({ kind: 'shopimind', route: '/signed/:token/broken', status: '500' })).toBe(1);
      const text = await registry.metrics();
      expect(text).not.toContain('secret-token');
      expect(text).not.toContain('refused-token');
      expect(text).not.toContain('/plain');
    });
  });

  describe('JetStream consumer backlog', () => {
    it('reads each durable consumer of the service on every scrape', async () => {
      let backlogs: ConsumerBacklog[] = [
        { consumer: 'push_storebridge_sync_products_changed_v1', pending: 12 },
      ];
      const { registry } = await app(messagingWith({ consumerBacklogs: async () => backlogs }));

      const gauge = 'storebridge_jetstream_consumer_pending';
      expect(
        await metricSample(registry, gauge, { consumer: 'push_storebridge_sync_products_changed_v1' }),
      ).toBe(12);
      backlogs = [{ consumer: 'push_storebridge_sync_orders_changed_v1', pending: 3 }];
      expect(
        await metricSample(registry, gauge, { consumer: 'push_storebridge_sync_orders_changed_v1' }),
      ).toBe(3);
      expect(
        await metricSample(registry, gauge, { consumer: 'push_storebridge_sync_products_changed_v1' }),
      ).toBeUndefined();
    });

    it('reports nothing, without failing the scrape, when NATS fails or does not answer in time', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
      try {
        let answer: () => Promise<ConsumerBacklog[]> = () => Promise.reject(new Error('no responders'));
        const moduleRef = await Test.createTestingModule({
          imports: [MetricsModule, messagingWith({ consumerBacklogs: () => answer() })],
        }).compile();
        const registry = moduleRef.get(Registry);
        const gauge = 'storebridge_jetstream_consumer_pending';

        expect(await metricSample(registry, gauge)).toBeUndefined();
        answer = () => new Promise(() => undefined);
        const scraped = registry.getSingleMetricAsString(gauge);
        await jest.advanceTimersByTimeAsync(1_000);
        expect(await scraped).not.toMatch(/^storebridge_jetstream_consumer_pending\{/m);
        await moduleRef.close();
      } finally {
        jest.useRealTimers();
      }
    });

    it('is not registered for a transport without durable consumers (the in-process bus)', async () => {
      const { registry } = await app(messagingWith({}));

      expect(registry.getSingleMetric('storebridge_jetstream_consumer_pending')).toBeUndefined();
    });
  });
});
