import type { StoreFieldMappings } from '@storebridge/store-client';
import type { Request } from 'express';

/** The store connection a webhook's token named, once its signature (if required) checked out. */
export interface StoreWebhookCaller {
  connectionId: string;
  /** The connection's field mappings, to find the id of the record a webhook is about (spec §6). */
  fieldMappings: StoreFieldMappings;
}

/** Where the guard leaves the caller (passport's `property` option). */
export const STORE_WEBHOOK_CALLER_PROPERTY = 'storeWebhookCaller';

/** An Express request with the raw bytes the app's body parser keeps (`rawBody: true`). */
export type StoreWebhookRequest = Request & {
  rawBody?: Buffer;
  [STORE_WEBHOOK_CALLER_PROPERTY]?: StoreWebhookCaller;
};

export function isStoreWebhookCaller(value: unknown): value is StoreWebhookCaller {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<StoreWebhookCaller>).connectionId === 'string' &&
    typeof (value as Partial<StoreWebhookCaller>).fieldMappings === 'object'
  );
}
