import { randomUUID } from 'node:crypto';
import { encryptStoreCredentials } from '@storebridge/connections';
import type { StoreConnectionEntity, StoreConnectionRepository } from '@storebridge/persistence';
import { CredentialCipher } from '@storebridge/security';
import type { GatewayFeatureOptions } from '../gateway-feature.options';
import { MerchantLinks } from '../merchant/merchant-links';
import { StoreConnectionMatcher } from '../merchant/store-connection-matcher';
import { NOT_ACTIVATED_OPTION, StoreWebhooksRemoteDataProvider } from './store-webhooks-remote-data.provider';

const cipher = new CredentialCipher('ab'.repeat(32));
const STORE_URL = 'https://shop.example.com';
const TOKEN = 'sk_live_the-merchant-token';
const WEBHOOK_SECRET = 'whsec_never-shown-0123456789';
const CONFIGS = { store_base_url: STORE_URL, store_auth_method: 'api_key', store_api_token: TOKEN };

function connection(overrides: Partial<StoreConnectionEntity> = {}): StoreConnectionEntity {
  return {
    id: randomUUID(),
    baseUrl: STORE_URL,
    authMethod: 'api_key',
    credentialsCiphertext: encryptStoreCredentials(cipher, { method: 'api_key', token: TOKEN }),
    storeToken: `st_${randomUUID()}`,
    webhookSecretCiphertext: cipher.encrypt(WEBHOOK_SECRET),
    ...overrides,
  } as StoreConnectionEntity;
}

describe('StoreWebhooksRemoteDataProvider', () => {
  let rows: StoreConnectionEntity[];
  let options: GatewayFeatureOptions;
  let provider: StoreWebhooksRemoteDataProvider;

  beforeEach(() => {
    rows = [];
    options = { webhookSecrets: ['s'], signatureMaxAgeSeconds: 300, allowPrivateStoreUrls: false };
    const repository = {
      findByBaseUrl: async (baseUrl: string) => rows.filter((row) => row.baseUrl === baseUrl),
    };
    provider = new StoreWebhooksRemoteDataProvider(
      new StoreConnectionMatcher(repository as unknown as StoreConnectionRepository, cipher),
      new MerchantLinks(cipher),
      options,
    );
  });

  it('lists the webhook URLs of the connection the store URL and credential belong to, and how they are signed', async () => {
    const stored = connection();
    rows.push(stored);
    options.publicBaseUrl = 'https://gateway.example.com';

    const answer = await provider.load(CONFIGS, { requestBaseUrl: 'http://internal:8082' });

    const prefix = `https://gateway.example.com/api/generic-api/webhooks/${stored.storeToken}`;
    expect(answer.slice(0, 4)).toEqual([
      { value: 'products', label: `${prefix}/products` },
      { value: 'orders', label: `${prefix}/orders` },
      { value: 'sync', label: `${prefix}/sync` },
      {
        value: 'signature',
        label:
          'Store webhooks are signed with the webhook secret of field "Store webhook signing secret": X-Webhook-Signature',
      },
    ]);
    expect(answer[4]).toEqual({
      value: 'merchant_page',
      label: expect.stringMatching(
        new RegExp(
          `^Page with these URLs and the store token, valid 7 days: https://gateway\\.example\\.com/merchant/connections/${stored.id}\\?expires=\\d+&sig=[0-9a-f]{64}$`,
        ),
      ),
    });
    expect(JSON.stringify(answer)).not.toContain(WEBHOOK_SECRET);
    expect(JSON.stringify(answer)).not.toContain(TOKEN);
  });

  it('uses the address ShopiMind reached us at when PUBLIC_BASE_URL is not set', async () => {
    const stored = connection({ webhookSecretCiphertext: null });
    rows.push(stored);

    const answer = await provider.load(CONFIGS, { requestBaseUrl: 'http://internal:8082' });

    expect(answer[0].label).toBe(
      `http://internal:8082/api/generic-api/webhooks/${stored.storeToken}/products`,
    );
    expect(answer[3].label).toBe('Store webhooks are not signed: no webhook secret set');
  });

  it.each([
    ['a wrong credential', { ...CONFIGS, store_api_token: 'sk_live_guess' }],
    ['the credential of another store', { ...CONFIGS, store_base_url: 'https://other.example.com' }],
    ['a form not filled in yet', {}],
  ])('shows no URL for %s, only when they appear', async (_label, configs) => {
    rows.push(connection());

    await expect(provider.load(configs, {})).resolves.toEqual([NOT_ACTIVATED_OPTION]);
  });

  it('numbers the options when several installations connect the same store with the same credential', async () => {
    rows.push(connection(), connection());

    const answer = await provider.load(CONFIGS, { requestBaseUrl: 'https://g.example' });

    expect(answer.map((option) => option.value)).toEqual([
      'products_1',
      'orders_1',
      'sync_1',
      'signature_1',
      'merchant_page_1',
      'products_2',
      'orders_2',
      'sync_2',
      'signature_2',
      'merchant_page_2',
    ]);
    expect(answer[5].label).toBe(
      `(2) https://g.example/api/generic-api/webhooks/${rows[1].storeToken}/products`,
    );
  });
});
