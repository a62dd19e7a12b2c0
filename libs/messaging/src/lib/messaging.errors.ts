import { RpcException } from '@nestjs/microservices';
import { describeDatabaseError } from '@storebridge/security';
import { DEPENDENCY_UNAVAILABLE } from './failure-classification';
import { isRecord } from '@storebridge/untrusted-input';

const RETRY_LATER = 'RETRY_LATER';
const INVALID_PAYLOAD = 'INVALID_PAYLOAD';

/*
 * Both errors extend RpcException on purpose: Nest's RPC exception filter turns a handler's exception into
 * an erroring Observable carrying `getError()`, and logs every exception that is not an RpcException. The
 * structured error objects below survive that trip, so the transports can still tell them apart, without
 * an error log for an expected outcome.
 */

/** Thrown by a handler that cannot process the message yet (e.g. a rate limit): redelivered after `delayMs`. */
export class RetryLaterError extends RpcException {
  constructor(
    readonly delayMs: number,
    reason = 'Retry later',
  ) {
    super({ status: 'error', code: RETRY_LATER, message: reason, delayMs });
  }
}

/** The payload failed validation: redelivering it cannot help, so the message is dropped. */
export class InvalidPayloadException extends RpcException {
  constructor(readonly messages: string[]) {
    super({ status: 'error', code: INVALID_PAYLOAD, message: 'Invalid message payload', messages });
  }
}

export type HandlerFailure =
  | { kind: 'invalid-payload'; messages: string[] }
  | { kind: 'retry-later'; delayMs: number }
  | { kind: 'failed'; reason: string };

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Recognises an error thrown by a handler, whether it arrives as the exception itself or as Nest's error object. */
export function classifyHandlerFailure(error: unknown): HandlerFailure {
  const detail = error instanceof RpcException ? error.getError() : error;
  if (isRecord(detail)) {
    if (detail['code'] === INVALID_PAYLOAD && isStringArray(detail['messages'])) {
      return { kind: 'invalid-payload', messages: detail['messages'] };
    }
    const delayMs = detail['delayMs'];
    if (detail['code'] === RETRY_LATER && typeof delayMs === 'number' && Number.isFinite(delayMs)) {
      return { kind: 'retry-later', delayMs: Math.max(0, delayMs) };
    }
  }
  const databaseError = describeDatabaseError(error);
  if (databaseError !== undefined) {
    // Its own message may quote the values it refused.
    return { kind: 'failed', reason: databaseError };
  }
  if (error instanceof Error) {
    return { kind: 'failed', reason: error.message };
  }
  if (isRecord(error) && typeof error['message'] === 'string') {
    return { kind: 'failed', reason: error['message'] };
  }
  return { kind: 'failed', reason: String(error) };
}

/**
 * Thrown by a handler when something outside the message failed (the store or ShopiMind is down, rate-limited):
 * redelivered with backoff like any failure, but never counted toward parking the message, however long it lasts.
 */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  readonly code = DEPENDENCY_UNAVAILABLE;
}
