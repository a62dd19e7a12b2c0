import { Injectable } from '@nestjs/common';
import { type Histogram, Registry } from 'prom-client';
import { histogramIn, httpStatusLabel } from './metrics-registry';

/** Who calls a webhook route: ShopiMind (signed lifecycle events) or a merchant's store. */
export type WebhookKind = 'shopimind' | 'store';

/** The gateway's metrics: how long its webhooks take to answer. */
@Injectable()
export class WebhookMetrics {
  private readonly ingressDuration: Histogram<'kind' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.ingressDuration = histogramIn(registry, {
      name: 'storebridge_webhook_ingress_duration_seconds',
      help: 'Webhook requests, from reaching their route to the answer sent, by route pattern and status',
      labelNames: ['kind', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }

  /** `route` is the route's pattern (`/api/generic-api/webhooks/:storeToken/products`), never the URL. */
  answered(kind: WebhookKind, route: string, status: number, durationMs: number): void {
    this.ingressDuration.observe({ kind, route, status: httpStatusLabel(status) }, durationMs / 1000);
  }
}
