import { HttpException, HttpStatus } from '@nestjs/common';

/** Why a store webhook was refused (generic-api spec §7). */
export type StoreWebhookErrorCode =
  'unknown_store_token' | 'invalid_signature' | 'invalid_payload' | 'unknown_event' | 'not_stored';

export interface StoreWebhookFailure {
  success: false;
  error: StoreWebhookErrorCode;
  /** The reason, for the store owner reading their webhook log. */
  message?: string;
}

/** Spec §7: the store retries a 5xx, so only "could not store it" is one; every refusal is final. */
function statusOf(code: StoreWebhookErrorCode): HttpStatus {
  switch (code) {
    case 'unknown_store_token':
      return HttpStatus.NOT_FOUND;
    case 'invalid_signature':
      return HttpStatus.UNAUTHORIZED;
    case 'invalid_payload':
    case 'unknown_event':
      return HttpStatus.BAD_REQUEST;
    case 'not_stored':
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}

/** Answered by Nest's default filter with this body and status, so no other filter shapes these routes. */
export class StoreWebhookException extends HttpException {
  constructor(
    readonly code: StoreWebhookErrorCode,
    reason?: string,
    options?: { cause?: unknown },
  ) {
    const body: StoreWebhookFailure = { success: false, error: code, ...(reason ? { message: reason } : {}) };
    super(body, statusOf(code), options);
  }
}
