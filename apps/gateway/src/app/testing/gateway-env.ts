import { GatewayEnv, loadEnv } from '@storebridge/config';

/**
 * The secrets of one app spec file, each holding the file's name: a leak check then finds only its own, and a
 * failure says whose it is. Their fields are named as `StoreConnectionFixture`'s, to spread into it.
 */
export interface SpecSecrets {
  webhookSecret: string;
  adminToken: string;
  storeApiKey: string;
  storeWebhookSecret: string;
  accessToken: string;
  installationId: string;
}

export function specSecrets(name: string): SpecSecrets {
  const snakeName = name.replaceAll('-', '_');
  return {
    webhookSecret: `gateway-${name}-secret-0123456789`,
    adminToken: `${name}-admin-token-0123456789abcdef`,
    storeApiKey: `${name}-store-key-0123456789`,
    storeWebhookSecret: `${name}-store-webhook-secret`,
    accessToken: `spm_${snakeName}_access_token`,
    installationId: `inst_${snakeName}`,
  };
}

/**
 * The env the app specs start the gateway with: data in memory, quiet logs, and private store URLs allowed (the
 * demo store listens on loopback). `more` adds to it or overrides it.
 */
export function gatewaySpecEnv(
  secrets: Pick<SpecSecrets, 'webhookSecret'>,
  credentialsKey: string,
  more: Record<string, string> = {},
): GatewayEnv {
  return loadEnv(GatewayEnv, {
    CREDENTIALS_KEY: credentialsKey,
    WEBHOOK_SECRET: secrets.webhookSecret,
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'error',
    ALLOW_PRIVATE_STORE_URLS: 'true',
    ...more,
  });
}
