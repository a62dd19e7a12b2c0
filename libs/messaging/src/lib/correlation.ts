import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The NATS message header (and HTTP request header) that carries a correlation id from service to service. */
export const CORRELATION_ID_HEADER = 'X-Correlation-Id';
/** Also accepted on an incoming HTTP request: what proxies and load balancers commonly set. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Longest correlation id taken from outside: a header is attacker-controlled, and every log line repeats it. */
export const MAX_CORRELATION_ID_LENGTH = 64;
const CORRELATION_ID = /^[A-Za-z0-9._:-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How one message handler run ended, and how long it took. */
export interface RunEnd {
  outcome: 'ack' | 'term' | 'retry';
  durationMs: number;
}

/** What every log line written while handling one request or message is tagged with. */
export interface CorrelationScope {
  correlationId: string;
  /** The store connection concerned, once known. */
  connectionId?: string;
  /** The sync run concerned, once known. */
  runId?: string;
  /** Set inside a message handler run only: called when that run ends (see `afterThisRun`). */
  runEndCallbacks?: Array<(end: RunEnd) => void>;
}

const storage = new AsyncLocalStorage<CorrelationScope>();

export function newCorrelationId(): string {
  return randomUUID();
}

/** `value` when it can serve as a correlation id (bounded length, a safe charset), else undefined. */
export function acceptableCorrelationId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_CORRELATION_ID_LENGTH && CORRELATION_ID.test(value)
    ? value
    : undefined;
}

/** Runs `work` with `scope` as the current correlation scope, for everything it does, awaited or not. */
export function runWithCorrelation<T>(scope: CorrelationScope, work: () => T): T {
  return storage.run(scope, work);
}

export function currentCorrelation(): CorrelationScope | undefined {
  return storage.getStore();
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/**
 * Adds the connection and sync run to the current scope, once a handler knows them, so the lines logged after
 * name them. Only ids (UUIDs) are taken: a scope's fields end up in every line. Outside a scope it does nothing.
 */
export function annotateCorrelation(fields: { connectionId?: unknown; runId?: unknown }): void {
  const scope = storage.getStore();
  if (!scope) {
    return;
  }
  if (typeof fields.connectionId === 'string' && UUID.test(fields.connectionId)) {
    scope.connectionId = fields.connectionId;
  }
  if (typeof fields.runId === 'string' && UUID.test(fields.runId)) {
    scope.runId = fields.runId;
  }
}

/**
 * Calls `callback` once the message handler run in progress has ended (a summary line of that run, say). Returns
 * false, calling nothing, outside a message handler run.
 */
export function afterThisRun(callback: (end: RunEnd) => void): boolean {
  const callbacks = storage.getStore()?.runEndCallbacks;
  if (!callbacks) {
    return false;
  }
  callbacks.push(callback);
  return true;
}
