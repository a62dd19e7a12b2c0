import { Global, Module } from '@nestjs/common';
import { MessagingTransport } from '@storebridge/messaging';
import { Registry } from 'prom-client';
import { watchConsumerBacklogs } from './jetstream.metrics';
import { MetricsController } from './metrics.controller';
import { createMetricsRegistry } from './metrics-registry';
import { PushMetrics } from './push.metrics';
import { SyncMetrics } from './sync.metrics';
import { WebhookMetrics } from './webhook.metrics';

/** Registers the JetStream backlog gauge once the registry and the transport exist. */
const CONSUMER_BACKLOG_GAUGE = Symbol('CONSUMER_BACKLOG_GAUGE');

/**
 * The app's metrics: its own registry, `GET /metrics`, and the recorders the features inject where things happen.
 * Every metric is defined in this folder, once; an app that never records one
 * still describes it (HELP and TYPE lines).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: Registry, useFactory: createMetricsRegistry },
    SyncMetrics,
    PushMetrics,
    WebhookMetrics,
    {
      provide: CONSUMER_BACKLOG_GAUGE,
      inject: [Registry, { token: MessagingTransport, optional: true }],
      useFactory: (registry: Registry, transport: MessagingTransport | undefined): true => {
        watchConsumerBacklogs(registry, transport);
        return true;
      },
    },
  ],
  exports: [Registry, SyncMetrics, PushMetrics, WebhookMetrics],
})
export class MetricsModule {}
