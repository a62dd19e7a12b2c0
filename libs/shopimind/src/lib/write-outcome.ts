import type { ShopimindEnvelope } from './shopimind-sdk';

export interface RejectedItem {
  index: number;
  errors: string[];
}

/** What a ShopiMind write meant for us (spec §9 "Errors"), decided once here for every caller. */
export type WriteOutcome =
  | { kind: 'accepted'; sentCount: number; rejected: RejectedItem[] }
  | { kind: 'not_active' }
  | { kind: 'rate_limited' }
  | { kind: 'transient'; statusCode: number; message: string }
  | { kind: 'permanent'; statusCode: number; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

export function classifyWrite(envelope: ShopimindEnvelope): WriteOutcome {
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
  if (statusCode === 429) {
    return { kind: 'rate_limited' };
  }
  if (statusCode === 0 || statusCode === 408 || statusCode >= 500) {
    return { kind: 'transient', statusCode, message };
  }
  return { kind: 'permanent', statusCode, message };
}
