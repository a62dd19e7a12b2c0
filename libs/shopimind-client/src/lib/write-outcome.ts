import { parseRetryAfterMs } from '@storebridge/retry';
import type { ShopimindEnvelope } from './shopimind-sdk';
import { isRecord } from '@storebridge/untrusted-input';

export interface RejectedItem {
  index: number;
  errors: string[];
}

/** What a ShopiMind write meant for us (spec §9 "Errors"), decided once here for every caller. */
export type WriteOutcome =
  | { kind: 'accepted'; sentCount: number; rejected: RejectedItem[] }
  | { kind: 'not_active' }
  /** `retryAfterMs`: what ShopiMind's `Retry-After` asked for, capped by MAX_RETRY_AFTER_MS; absent when it sent none. */
  | { kind: 'rate_limited'; retryAfterMs?: number }
  /** 5xx, 408 or no answer at all (statusCode 0); a 503 may carry a `Retry-After` too. */
  | { kind: 'transient'; statusCode: number; message: string; retryAfterMs?: number }
  | { kind: 'permanent'; statusCode: number; message: string };

/** ShopiMind's answer to one call of a delete sent in chunks, with the ids that call carried. */
export interface DeleteChunkOutcome<Id> {
  ids: Id[];
  outcome: WriteOutcome;
}

function toRejectedItems(value: unknown): RejectedItem[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter(isRecord).map((item) => ({
    index: typeof item['index'] === 'number' ? item['index'] : -1,
    errors: Array.isArray(item['errors'])
      ? item['errors'].map(String)
      : [JSON.stringify(item['errors'] ?? item)],
  }));
}

/** `now` only matters for a `Retry-After` given as an HTTP date. */
export function classifyWrite(envelope: ShopimindEnvelope, now: number = Date.now()): WriteOutcome {
  const { statusCode } = envelope;
  if (envelope.ok) {
    const body = isRecord(envelope.data) ? envelope.data : {};
    return {
      kind: 'accepted',
      sentCount: typeof body['sent_count'] === 'number' ? body['sent_count'] : 0,
      rejected: toRejectedItems(body['rejected_items']),
    };
  }
  const message = envelope.error?.message ?? `HTTP ${statusCode}`;
  if (statusCode === 401) {
    return { kind: 'not_active' };
  }
  // Spread only when present, so an outcome without the header has no `retryAfterMs: undefined` key.
  const retryAfterMs = parseRetryAfterMs(envelope.retryAfter, now);
  const retryAfter = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (statusCode === 429) {
    return { kind: 'rate_limited', ...retryAfter };
  }
  // 0 is the SDK's status for an answer that never came: timeout, reset, refused connection.
  if (statusCode === 0 || statusCode === 408 || statusCode >= 500) {
    return { kind: 'transient', statusCode, message, ...retryAfter };
  }
  return { kind: 'permanent', statusCode, message };
}
