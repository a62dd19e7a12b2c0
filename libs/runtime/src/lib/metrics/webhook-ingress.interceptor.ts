import { performance } from 'node:perf_hooks';
import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  Optional,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { WebhookMetrics, type WebhookKind } from './webhook.metrics';

const WEBHOOK_KIND = Symbol('storebridge:webhook-kind');

/**
 * Times the requests of the routes it marks into `storebridge_webhook_ingress_duration_seconds`: from the handler
 * being reached (its guards passed) to the answer sent, with the answer's final status (an exception filter's
 * included). A request its guard refused is not counted: it never reaches a handler.
 */
@Injectable()
export class WebhookIngressInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    // Absent in a feature's own tests, which build its controllers without the runtime: nothing is measured then.
    @Optional() private readonly metrics?: WebhookMetrics,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const kind = this.reflector.getAllAndOverride<WebhookKind | undefined>(WEBHOOK_KIND, [
      context.getHandler(),
      context.getClass(),
    ]);
    const metrics = this.metrics;
    if (!metrics || !kind || context.getType() !== 'http') {
      return next.handle();
    }
    const started = performance.now();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    // The pattern Express matched, never the URL: a store token must not become a label.
    const route = routePatternOf(request) ?? `${context.getClass().name}.${context.getHandler().name}`;
    response.once('finish', () => {
      metrics.answered(kind, route, response.statusCode, performance.now() - started);
    });
    return next.handle();
  }
}

function routePatternOf(request: Request): string | undefined {
  const route: unknown = request.route;
  if (typeof route !== 'object' || route === null || !('path' in route)) {
    return undefined;
  }
  return typeof route.path === 'string' ? route.path : undefined;
}

/** Marks a webhook controller (or route) whose requests `WebhookIngressInterceptor` times. */
export function MeasuredWebhook(kind: WebhookKind): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(WEBHOOK_KIND, kind), UseInterceptors(WebhookIngressInterceptor));
}
