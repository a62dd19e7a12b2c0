import type { NextFunction, Request, Response } from 'express';
import {
  acceptableCorrelationId,
  CORRELATION_ID_HEADER,
  newCorrelationId,
  REQUEST_ID_HEADER,
  runWithCorrelation,
} from '@storebridge/messaging';

/**
 * Express middleware: handles each request in a correlation scope, so every line logged meanwhile, and every message
 * published, carries its id. A caller's (or proxy's) `X-Correlation-Id` or `X-Request-Id` is kept when it is a
 * usable id, otherwise a new one is made; the response names it, for a support request to quote.
 */
export function correlateRequests(request: Request, response: Response, next: NextFunction): void {
  const correlationId =
    acceptableCorrelationId(request.get(CORRELATION_ID_HEADER)) ??
    acceptableCorrelationId(request.get(REQUEST_ID_HEADER)) ??
    newCorrelationId();
  response.setHeader(CORRELATION_ID_HEADER, correlationId);
  runWithCorrelation({ correlationId }, next);
}
