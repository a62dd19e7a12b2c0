import {
  configSchemaFields,
  INTEGRATION_CONFIG_SCHEMA,
  STORE_WEBHOOK_SECRET_FIELD_KEY,
} from '@storebridge/shopimind-declaration';
import type { StoreConnectionEntity } from '@storebridge/persistence';
import { STORE_WEBHOOK_ROUTE_PREFIX } from '../store-webhooks/store-webhooks.controller';

/** Generic-api spec §7: the three URLs a store posts its webhooks to. */
export interface StoreWebhookUrls {
  products: string;
  orders: string;
  sync: string;
}

/** What a merchant needs to set up their store's webhooks: never the webhook secret itself. */
export interface StoreWebhooksInfo {
  urls: StoreWebhookUrls;
  storeToken: string;
  /** One sentence: signed with which field's secret and in which header, or not signed. */
  signing: string;
}

export const STORE_WEBHOOK_SIGNATURE_HEADER = 'X-Webhook-Signature';

/** The label the merchant sees on the webhook secret field of our form, so the sentence names what they know. */
const WEBHOOK_SECRET_FIELD_LABEL =
  configSchemaFields(INTEGRATION_CONFIG_SCHEMA).find((field) => field.key === STORE_WEBHOOK_SECRET_FIELD_KEY)
    ?.label ?? STORE_WEBHOOK_SECRET_FIELD_KEY;

/**
 * `baseUrl` is our public address (scheme and host, no trailing slash); empty when unknown, which leaves
 * paths for the merchant to prefix.
 */
export function storeWebhookUrls(baseUrl: string, storeToken: string): StoreWebhookUrls {
  const prefix = `${baseUrl}/${STORE_WEBHOOK_ROUTE_PREFIX.replace(':storeToken', encodeURIComponent(storeToken))}`;
  return { products: `${prefix}/products`, orders: `${prefix}/orders`, sync: `${prefix}/sync` };
}

export function storeWebhooksInfo(
  connection: Pick<StoreConnectionEntity, 'storeToken' | 'webhookSecretCiphertext'>,
  baseUrl: string,
): StoreWebhooksInfo {
  return {
    urls: storeWebhookUrls(baseUrl, connection.storeToken),
    storeToken: connection.storeToken,
    signing: connection.webhookSecretCiphertext
      ? `signed with the webhook secret of field "${WEBHOOK_SECRET_FIELD_LABEL}": ${STORE_WEBHOOK_SIGNATURE_HEADER}`
      : 'not signed: no webhook secret set',
  };
}
