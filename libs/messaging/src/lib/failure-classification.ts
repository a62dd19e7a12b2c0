import { RpcException } from '@nestjs/microservices';
import { summarizeDatabaseError } from '@storebridge/security';
import { isRecord } from '@storebridge/untrusted-input';

/** What a failure says about itself, without the values it was handling. */
export interface FailureSummary {
  name: string;
  code?: string;
  message: string;
}

// Connection-level errors of Node.js sockets, DNS and undici (fetch).
const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
// PostgreSQL SQLSTATE classes: connection exception, insufficient resources, operator intervention (admin
// shutdown, crash recovery), system error (I/O).
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['08', '53', '57', '58']);
// Serialization failure, deadlock, lock not available, read-only transaction (a failover in progress).
const UNAVAILABLE_SQLSTATES = new Set(['40001', '40P01', '55P03', '25006']);
// nats.js codes of a bus that is closed, reconnecting, or not answering.
const UNAVAILABLE_NATS_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DRAINING',
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'DISCONNECT',
  'TIMEOUT',
  'REQUEST_ERROR',
  'IDLE_HEARTBEAT',
  '503',
  '408',
]);
// Errors without a code: the pg driver's lost connections, TypeORM before its pool is up.
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error/,
];
const UNAVAILABLE_NAMES = new Set(['CannotExecuteNotConnectedError', 'CannotConnectAlreadyConnectedError']);
/** Thrown by a handler whose outside dependency (a store, ShopiMind) failed: see DependencyUnavailableError. */
export const DEPENDENCY_UNAVAILABLE = 'DEPENDENCY_UNAVAILABLE';
/** How deep `cause` and `driverError` chains are followed. */
const MAX_CAUSE_DEPTH = 5;
/** A summary's message is cut there: some errors quote a whole statement or document. */
const MAX_MESSAGE_LENGTH = 1_000;

function codeOf(error: Record<string, unknown>): string | undefined {
  const code = error['code'];
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

function isUnavailableCode(code: string, name: unknown): boolean {
  if (
    UNAVAILABLE_NETWORK_CODES.has(code) ||
    UNAVAILABLE_SQLSTATES.has(code) ||
    code === DEPENDENCY_UNAVAILABLE
  ) {
    return true;
  }
  if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE_CLASSES.has(code.slice(0, 2))) {
    return true;
  }
  return name === 'NatsError' && UNAVAILABLE_NATS_CODES.has(code);
}

/** The error itself, then what it wraps (`cause`, TypeORM's `driverError`, an AggregateError's errors). */
function* chainOf(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (!isRecord(error) || depth > MAX_CAUSE_DEPTH) {
    return;
  }
  yield error;
  yield* chainOf(error['cause'], depth + 1);
  yield* chainOf(error['driverError'], depth + 1);
  const errors = error['errors'];
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      yield* chainOf(inner, depth + 1);
    }
  }
}

/**
 * True when a handler's failure says the system is unavailable (database, bus, network, a dependency the handler
 * marked so), not that the message is wrong: such failures are retried for as long as it takes and never count
 * toward parking. A failure Nest replaced by its generic object (a handler without MessagingExceptionFilter)
 * cannot be told from an outage, so it counts as one.
 */
export function isAvailabilityFailure(error: unknown): boolean {
  const detail = error instanceof RpcException ? error.getError() : error;
  if (!(detail instanceof Error) && !(isRecord(detail) && typeof detail['name'] === 'string')) {
    return true;
  }
  for (const link of chainOf(detail)) {
    const code = codeOf(link);
    if (code !== undefined && isUnavailableCode(code, link['name'])) {
      return true;
    }
    if (typeof link['name'] === 'string' && UNAVAILABLE_NAMES.has(link['name'])) {
      return true;
    }
    const message = link['message'];
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) {
      return true;
    }
  }
  return false;
}

/**
 * Name, code and message of a failure, read field by field. A database error's message may quote the values it
 * refused and it carries the query and its parameters: it is reduced to its safe summary.
 */
export function summarizeFailure(error: unknown): FailureSummary {
  const detail = error instanceof RpcException ? error.getError() : error;
  if (!isRecord(detail)) {
    return { name: 'Error', message: String(detail) };
  }
  const databaseError = summarizeDatabaseError(detail);
  if (databaseError) {
    return { ...databaseError, message: databaseError.message.slice(0, MAX_MESSAGE_LENGTH) };
  }
  const name = typeof detail['name'] === 'string' ? detail['name'] : 'Error';
  const message = (typeof detail['message'] === 'string' ? detail['message'] : String(detail)).slice(
    0,
    MAX_MESSAGE_LENGTH,
  );
  const code = codeOf(detail);
  return code === undefined ? { name, message } : { name, code, message };
}

/** Two failures with the same fingerprint failed the same way; numbers (ids, counts, positions) may differ. */
export function failureFingerprint({ name, code, message }: FailureSummary): string {
  return `${name}|${code ?? ''}|${message.replace(/\d+/g, '#')}`;
}
