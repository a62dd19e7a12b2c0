import type { INestApplication } from '@nestjs/common';
import { StoreConnectionRepository, type StoreConnectionEntity } from '@storebridge/persistence';
import { InstallationRepository } from '@storebridge/gateway-persistence';
import { signShopimindPayload } from '@storebridge/security';

/** What the app specs need to get a store connection that store webhooks can reach. */
export interface StoreConnectionFixture {
  gatewayUrl: string;
  webhookSecret: string;
  installationId: string;
  accessToken: string;
  storeUrl: string;
  storeApiKey: string;
  storeWebhookSecret: string;
  /**
   * A distinct timestamp per signed request: the same signature twice is a replay. By default, one clock reading
   * per call, each request a second older.
   */
  nextTimestamp?: () => number;
}

/**
 * Install, then a configuration through the signed lifecycle route, as ShopiMind would; returns the store token
 * of the connection it stored (with a webhook secret). Test-only: the gateway app specs share it.
 */
export async function connectStoreThroughLifecycle(
  app: INestApplication,
  fixture: StoreConnectionFixture,
): Promise<string> {
  return (await connectionThroughLifecycle(app, fixture)).storeToken;
}

/** As `connectStoreThroughLifecycle`, for the specs that read the stored connection itself. */
export async function connectionThroughLifecycle(
  app: INestApplication,
  fixture: StoreConnectionFixture,
): Promise<StoreConnectionEntity> {
  let clock = Math.floor(Date.now() / 1000);
  const nextTimestamp = fixture.nextTimestamp ?? (() => --clock);
  const configs = {
    store_base_url: fixture.storeUrl,
    store_auth_method: 'api_key',
    store_api_token: fixture.storeApiKey,
    store_webhook_secret: fixture.storeWebhookSecret,
    lang: 'en',
    currency: 'EUR',
  };
  for (const event of [
    { event: 'install', installation_id: fixture.installationId, access_token: fixture.accessToken },
    { event: 'config_updated', installation_id: fixture.installationId, configs },
  ]) {
    const body = JSON.stringify(event);
    const timestamp = nextTimestamp();
    const answer = await fetch(`${fixture.gatewayUrl}/webhook/receive`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopimind-signature': signShopimindPayload(fixture.webhookSecret, timestamp, body),
        'x-shopimind-timestamp': String(timestamp),
      },
      body,
    });
    const answered = { status: answer.status, body: await answer.json() };
    if (JSON.stringify(answered) !== JSON.stringify({ status: 200, body: { success: true } })) {
      throw new Error(`${event.event} answered ${JSON.stringify(answered)}`);
    }
  }
  const installation = await app.get(InstallationRepository).findByInstallationId(fixture.installationId);
  const connection =
    installation && (await app.get(StoreConnectionRepository).findByInstallation(installation.id));
  if (!connection) {
    throw new Error('the configuration stored no store connection');
  }
  return connection;
}

/** Every secret of a connection made with `secrets`: none may show in what the gateway answers about it. */
export function secretsOfConnection(
  secrets: Pick<
    StoreConnectionFixture,
    'webhookSecret' | 'accessToken' | 'storeApiKey' | 'storeWebhookSecret'
  >,
  connection: Pick<StoreConnectionEntity, 'credentialsCiphertext' | 'webhookSecretCiphertext'>,
): string[] {
  return [
    secrets.storeApiKey,
    secrets.storeWebhookSecret,
    secrets.accessToken,
    secrets.webhookSecret,
    connection.credentialsCiphertext,
    connection.webhookSecretCiphertext ?? 'no webhook secret ciphertext',
  ];
}
