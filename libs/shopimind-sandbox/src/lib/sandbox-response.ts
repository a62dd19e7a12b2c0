import { STATUS_CODES } from 'node:http';

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
