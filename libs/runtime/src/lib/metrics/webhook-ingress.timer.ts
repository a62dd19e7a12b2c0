import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { WebhookKind, WebhookMetrics } from './webhook.metrics';

/** An Express middleware, as Nest's MiddlewareConsumer applies one. */
export type ExpressMiddleware = (request: Request, response: Response, next: NextFunction) => void;

/**
 * Times the requests of the webhook routes it is applied to (`consumer.apply(...).forRoutes(SomeController)`) into
 * `storebridge_webhook_ingress_duration_seconds`: from the request reaching its route, body parsed, to the answer
 * sent, with the answer's final status, refusals (a wrong signature, an unknown token) included. Middleware, not an
 * interceptor: the store webhooks are the gateway's busiest routes, and an interceptor would put every one of them
 * through Nest's interceptor pipeline.
 */
export function webhookIngressTimer(kind: WebhookKind, metrics: WebhookMetrics): ExpressMiddleware {
  return (request, response, next) => {
    const started = performance.now();
    response.once('finish', () => {
      // The pattern Express matched, never the URL: a store token must not become a label.
      const route = routePatternOf(request);
      if (route !== undefined) {
        metrics.answered(kind, route, response.statusCode, performance.now() - started);
      }
    });
    next();
  };
}

function routePatternOf(request: Request): string | undefined {
  const route: unknown = request.route;
  if (typeof route !== 'object' || route === null || !('path' in route)) {
    return undefined;
  }
  return typeof route.path === 'string' ? route.path : undefined;
}
