import { randomUUID } from 'node:crypto';
import { resolveStoreSettings, type StoreAuth } from '@storebridge/store-client';
import type {
  StoreConnectionEntity,
  StoreConnectionInput,
  StoreConnectionRepository,
} from '@storebridge/persistence';
import { CredentialCipher, CredentialCipherError } from '@storebridge/security';
import { parseIntegrationConfig, type IntegrationConfig } from '@storebridge/shopimind-declaration';
import { newStoreToken, StoreConnectionService } from './store-connection.service';

const KEY = '0123456789abcdef'.repeat(4);
const INSTALLATION_ID = '5b0c7f7e-5c1a-4a8b-9d3e-0f1e2d3c4b5a';
const API_TOKEN = 'sk_live_Sup3rS3cretT0ken';
const WEBHOOK_SECRET = 'whsec_0123456789abcdef';
const STORE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What `upsertForInstallation` does that matters here: one row per installation, id and token kept. */
class FakeStoreConnections implements Pick<
  StoreConnectionRepository,
  'upsertForInstallation' | 'findById' | 'findByInstallation'
> {
  readonly rows = new Map<string, StoreConnectionEntity>();
  readonly upserts: Array<{ installationId: string; input: StoreConnectionInput }> = [];

  async upsertForInstallation(
    installationId: string,
    input: StoreConnectionInput,
  ): Promise<StoreConnectionEntity> {
    this.upserts.push({ installationId, input });
    const existing = [...this.rows.values()].find((row) => row.installationId === installationId);
    const now = new Date();
    const row: StoreConnectionEntity = {
      webhookSecretCiphertext: null,
      configFingerprint: null,
      ...input,
      id: existing?.id ?? randomUUID(),
      installationId,
      storeToken: existing?.storeToken ?? input.storeToken,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async findById(id: string): Promise<StoreConnectionEntity | null> {
    return this.rows.get(id) ?? null;
  }

  async findByInstallation(installationId: string): Promise<StoreConnectionEntity | null> {
    return [...this.rows.values()].find((row) => row.installationId === installationId) ?? null;
  }
}

function config(overrides: Record<string, unknown> = {}): IntegrationConfig {
  return parseIntegrationConfig({
    store_base_url: 'https://shop.example.com',
    store_auth_method: 'api_key',
    store_api_token: API_TOKEN,
    lang: 'fr',
    currency: 'EUR',
    sync_interval_minutes: '60',
    ...overrides,
  });
}

function entity(overrides: Partial<StoreConnectionEntity>): StoreConnectionEntity {
  return {
    id: randomUUID(),
    installationId: INSTALLATION_ID,
    baseUrl: 'https://shop.example.com',
    authMethod: 'api_key',
    credentialsCiphertext: '',
    paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
    fieldMappings: { products: {}, orders: {} },
    lang: 'en',
    currency: 'EUR',
    syncIntervalMinutes: 1440,
    perPage: 50,
    webhookSecretCiphertext: null,
    configFingerprint: null,
    storeToken: newStoreToken(),
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

describe('StoreConnectionService', () => {
  let repository: FakeStoreConnections;
  let cipher: CredentialCipher;
  let service: StoreConnectionService;

  beforeEach(() => {
    repository = new FakeStoreConnections();
    cipher = new CredentialCipher(KEY);
    service = new StoreConnectionService(repository as unknown as StoreConnectionRepository, cipher);
  });

  function lastUpsert(): { installationId: string; input: StoreConnectionInput } {
    const upsert = repository.upserts.at(-1);
    if (!upsert) {
      throw new Error('upsertForInstallation was not called');
    }
    return upsert;
  }

  describe('saveFromConfig', () => {
    it('stores the connection settings of the config for the installation', async () => {
      const { connection: saved } = await service.saveFromConfig(
        INSTALLATION_ID,
        config({
          products_path: '/catalog/items',
          product_field_mappings: '{"name": "title"}',
          order_field_mappings: { total: 'grand_total' },
          store_page_size: '20',
        }),
      );

      const { installationId, input } = lastUpsert();
      expect(installationId).toBe(INSTALLATION_ID);
      expect(input).toMatchObject({
        baseUrl: 'https://shop.example.com',
        authMethod: 'api_key',
        paths: { health: '/health', products: '/catalog/items', orders: '/api/orders' },
        fieldMappings: { products: { name: 'title' }, orders: { total: 'grand_total' } },
        lang: 'fr',
        currency: 'EUR',
        syncIntervalMinutes: 60,
        perPage: 20,
      });
      expect(input.storeToken).toMatch(STORE_TOKEN_PATTERN);
      expect(saved).toBe(repository.rows.get(saved.id));
    });

    it('stores the categories to leave out as the merchant chose them', async () => {
      await service.saveFromConfig(
        INSTALLATION_ID,
        config({ excluded_categories: ['Gift cards', ' SHOES'] }),
      );
      await service.saveFromConfig(INSTALLATION_ID, config());

      const [excluding, none] = repository.upserts.map((upsert) => upsert.input);
      expect(excluding.excludedCategories).toEqual(['Gift cards', 'SHOES']);
      // Emptied in the form: stored empty, not left as it was.
      expect(none.excludedCategories).toEqual([]);
    });

    it('encrypts an api key: the ciphertext hides the token and decrypts back to it', async () => {
      await service.saveFromConfig(INSTALLATION_ID, config());

      const { credentialsCiphertext } = lastUpsert().input;
      expect(credentialsCiphertext).not.toContain(API_TOKEN);
      expect(credentialsCiphertext).not.toContain(Buffer.from(API_TOKEN).toString('base64'));
      expect(JSON.parse(cipher.decrypt(credentialsCiphertext))).toEqual({ token: API_TOKEN });
    });

    it('encrypts basic credentials: neither username nor password is stored in clear', async () => {
      await service.saveFromConfig(
        INSTALLATION_ID,
        config({
          store_auth_method: 'basic',
          store_api_token: undefined,
          store_username: 'shop-admin',
          store_password: 'p4ss:w0rd "quoted"',
        }),
      );

      const { authMethod, credentialsCiphertext } = lastUpsert().input;
      expect(authMethod).toBe('basic');
      expect(credentialsCiphertext).not.toContain('shop-admin');
      expect(credentialsCiphertext).not.toContain('p4ss');
      expect(JSON.parse(cipher.decrypt(credentialsCiphertext))).toEqual({
        username: 'shop-admin',
        password: 'p4ss:w0rd "quoted"',
      });
    });

    it('encrypts the store webhook secret', async () => {
      await service.saveFromConfig(INSTALLATION_ID, config({ store_webhook_secret: WEBHOOK_SECRET }));

      const { webhookSecretCiphertext } = lastUpsert().input;
      expect(typeof webhookSecretCiphertext).toBe('string');
      expect(webhookSecretCiphertext).not.toContain(WEBHOOK_SECRET);
      expect(cipher.decrypt(webhookSecretCiphertext as string)).toBe(WEBHOOK_SECRET);
    });

    it('stores null when the config has no webhook secret, so a removed secret is cleared', async () => {
      await service.saveFromConfig(INSTALLATION_ID, config({ store_webhook_secret: WEBHOOK_SECRET }));
      await service.saveFromConfig(INSTALLATION_ID, config());

      expect(lastUpsert().input.webhookSecretCiphertext).toBeNull();
      const [row] = repository.rows.values();
      expect(row.webhookSecretCiphertext).toBeNull();
    });

    it('leaves an identical configuration alone: a retried event changes nothing', async () => {
      const first = await service.saveFromConfig(INSTALLATION_ID, config());
      const retried = await service.saveFromConfig(INSTALLATION_ID, config());

      expect(first.changed).toBe(true);
      expect(retried).toEqual({ connection: first.connection, changed: false });
      expect(repository.upserts).toHaveLength(1);
    });

    it.each([
      ['a new credential', { store_api_token: 'another-token-0123456789' }],
      ['new field mappings', { product_field_mappings: '{"name": "title"}' }],
      ['another language', { lang: 'de' }],
      ['only another page size', { store_page_size: '100' }],
      ['only other categories to leave out', { excluded_categories: ['Gift cards'] }],
    ])('stores %s as a change, with a fresh IV', async (_change, overrides) => {
      await service.saveFromConfig(INSTALLATION_ID, config());
      const updated = await service.saveFromConfig(INSTALLATION_ID, config(overrides));

      expect(updated.changed).toBe(true);
      const [first, second] = repository.upserts.map((upsert) => upsert.input);
      expect(second.configFingerprint).not.toBe(first.configFingerprint);
      expect(second.credentialsCiphertext).not.toBe(first.credentialsCiphertext);
    });

    it('keeps only a keyed fingerprint of the configuration, never its secrets', async () => {
      await service.saveFromConfig(INSTALLATION_ID, config());

      expect(lastUpsert().input.configFingerprint).toMatch(/^[0-9a-f]{64}$/);
    });

    it('does not share the field mapping objects of the config with the stored row', async () => {
      const parsed = config({ product_field_mappings: '{"name": "title"}' });
      await service.saveFromConfig(INSTALLATION_ID, parsed);

      const { fieldMappings } = lastUpsert().input;
      expect(fieldMappings.products).toEqual(parsed.store.fieldMappings.products);
      expect(fieldMappings.products).not.toBe(parsed.store.fieldMappings.products);
      expect(fieldMappings.orders).not.toBe(parsed.store.fieldMappings.orders);
    });
  });

  describe('view', () => {
    it.each<[string, Record<string, unknown>, StoreAuth]>([
      ['an api key', { store_auth_method: 'api_key' }, { method: 'api_key', token: API_TOKEN }],
      ['a bearer token', { store_auth_method: 'bearer' }, { method: 'bearer', token: API_TOKEN }],
      [
        'basic credentials',
        {
          store_auth_method: 'basic',
          store_api_token: undefined,
          store_username: 'u',
          store_password: 'p:w',
        },
        { method: 'basic', username: 'u', password: 'p:w' },
      ],
    ])('reads back %s as the client settings it was saved from', async (_label, overrides, auth) => {
      const parsed = config({
        ...overrides,
        store_base_url: 'http://127.0.0.1:8080/',
        products_path: '/catalog/items?status=publish',
        product_field_mappings: { name: 'title', price: 'pricing.amount' },
        store_page_size: '10',
      });
      const { connection: saved } = await service.saveFromConfig(INSTALLATION_ID, parsed);

      const view = service.view(saved);

      expect(view.connection).toBe(saved);
      expect(view.settings.auth).toEqual(auth);
      expect(view.settings).toEqual(parsed.store);
      expect(view.settings).toEqual(
        resolveStoreSettings({
          baseUrl: 'http://127.0.0.1:8080',
          auth,
          paths: { products: '/catalog/items?status=publish' },
          fieldMappings: { products: { name: 'title', price: 'pricing.amount' } },
          perPage: 10,
        }),
      );
    });

    it('crawls with the page size stored on the row', () => {
      const row = entity({
        perPage: 75,
        credentialsCiphertext: cipher.encrypt(JSON.stringify({ token: API_TOKEN })),
      });

      expect(service.view(row).settings.perPage).toBe(75);
    });

    it('exposes the decrypted webhook secret', async () => {
      const { connection: saved } = await service.saveFromConfig(
        INSTALLATION_ID,
        config({ store_webhook_secret: WEBHOOK_SECRET }),
      );

      expect(service.view(saved).webhookSecret).toBe(WEBHOOK_SECRET);
    });

    it('has no webhook secret when none is stored', async () => {
      const { connection: saved } = await service.saveFromConfig(INSTALLATION_ID, config());

      expect(service.view(saved)).not.toHaveProperty('webhookSecret');
    });

    it.each<[StoreConnectionEntity['authMethod'], object]>([
      ['basic', { token: API_TOKEN }],
      ['api_key', { username: 'u', password: 'p' }],
      ['bearer', { username: 'u', password: 'p' }],
    ])('throws when the stored credentials do not fit the %s method', (authMethod, credentials) => {
      const row = entity({ authMethod, credentialsCiphertext: cipher.encrypt(JSON.stringify(credentials)) });

      expect(() => service.view(row)).toThrow(
        `The stored credentials do not fit the auth method ${authMethod}`,
      );
    });

    it('does not echo the credential when the method does not fit', () => {
      const row = entity({
        authMethod: 'basic',
        credentialsCiphertext: cipher.encrypt(JSON.stringify({ token: API_TOKEN })),
      });

      let message = '';
      try {
        service.view(row);
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message).toMatch(/do not fit/);
      expect(message).not.toContain(API_TOKEN);
    });

    it('refuses credentials encrypted with another key', async () => {
      const { connection: saved } = await service.saveFromConfig(INSTALLATION_ID, config());
      const otherKeyService = new StoreConnectionService(
        repository as unknown as StoreConnectionRepository,
        new CredentialCipher('f'.repeat(64)),
      );

      expect(() => otherKeyService.view(saved)).toThrow(CredentialCipherError);
    });
  });

  describe('findById', () => {
    it('returns the view of a stored connection', async () => {
      const { connection: saved } = await service.saveFromConfig(
        INSTALLATION_ID,
        config({ store_webhook_secret: WEBHOOK_SECRET }),
      );

      const view = await service.findById(saved.id);

      expect(view?.connection.id).toBe(saved.id);
      expect(view?.settings.auth).toEqual({ method: 'api_key', token: API_TOKEN });
      expect(view?.webhookSecret).toBe(WEBHOOK_SECRET);
    });

    it('returns null for an unknown connection', async () => {
      await expect(service.findById(randomUUID())).resolves.toBeNull();
    });
  });
});

describe('newStoreToken', () => {
  it('is 43 URL-safe characters (32 random bytes, base64url, no padding)', () => {
    const token = newStoreToken();

    expect(token).toMatch(STORE_TOKEN_PATTERN);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('is different every time', () => {
    const tokens = Array.from({ length: 1000 }, () => newStoreToken());

    expect(new Set(tokens).size).toBe(tokens.length);
  });
});
