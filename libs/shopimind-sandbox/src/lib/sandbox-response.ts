import { STATUS_CODES } from 'node:http';
import { isRecord } from '@storebridge/untrusted-input';
import type { EntityDefinition } from './sandbox-entities';

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Error bodies shaped like NestJS's default exceptions, which the ShopiMind API answers with. */
export function apiError(status: number, message: string): ApiResponse {
  return { status, body: { statusCode: status, message, error: STATUS_CODES[status] ?? 'Error' } };
}

export function apiData(status: number, data: unknown): ApiResponse {
  return { status, body: { statusCode: status, data } };
}

export interface RejectedItem {
  index: number;
  errors: string[];
}

export interface BulkWriteResult {
  statusCode: 200;
  sent_count: number;
  rejected_count: number;
  rejected_items: RejectedItem[];
}

/** A bulk write's answer: the items sent but those rejected, which are listed with their reasons. */
export function bulkWriteAnswer(sent: number, rejected: RejectedItem[]): ApiResponse {
  const result: BulkWriteResult = {
    statusCode: 200,
    sent_count: sent - rejected.length,
    rejected_count: rejected.length,
    rejected_items: rejected,
  };
  return { status: 200, body: result };
}

/**
 * The ids of a bulk delete's body, or the 400 the API answers: not a list of ids, or more than a write of the
 * resource may carry (the API validates a delete's ids per call like a write's items).
 */
export function bulkDeleteIds(definition: EntityDefinition, body: unknown): string[] | ApiResponse {
  const ids = isRecord(body) ? body[definition.deleteField] : undefined;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' || typeof id === 'number')) {
    return apiError(400, `Request body must be {"${definition.deleteField}": [ids]}`);
  }
  if (ids.length > definition.maxBatch) {
    return apiError(
      400,
      `Too many ids: at most ${definition.maxBatch} ${definition.entity} per delete, got ${ids.length}`,
    );
  }
  return ids.map(String);
}
