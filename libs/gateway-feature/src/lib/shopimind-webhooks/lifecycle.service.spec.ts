import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import type { SavedStoreConnection, StoreConnectionService } from '@storebridge/connections';
import { Subjects } from '@storebridge/contracts';
import { RecordingPublisher } from '@storebridge/messaging';
import type { InstallationEntity, InstallationStatus, StoreConnectionEntity } from '@storebridge/persistence';
import type {
  ExternalAccountClaim,
  InstallationRepository,
  InstallationStatusTimestamps,
  InstallationUpsert,
} from '@storebridge/gateway-persistence';
import { CredentialCipher } from '@storebridge/security';
import type { IntegrationConfig } from '@storebridge/shopimind-declaration';
import { LifecycleEventDto, type LifecycleEventName } from './dto/lifecycle-event.dto';
import type { ExternalAccountService, ExternalAccountStoreConfig } from '../oauth/external-account.service';
import { LifecycleService } from './lifecycle.service';

const CIPHER_KEY = '0123456789abcdef'.repeat(4);
const ACCESS_TOKEN = 'spm_live_access_token_0001';
const STORE_API_TOKEN = 'store_api_key_abc123';

// ---------------------------------------------------------------------------------------------------------
// In-memory fakes of the ports the service uses (only the methods it calls).
// ---------------------------------------------------------------------------------------------------------

type InstallationPort = Pick<
  InstallationRepository,
  | 'upsert'
  | 'findByInstallationId'
  | 'findByLegacyShopIntegrationId'
  | 'updateStatus'
  | 'setAccessTokenCiphertext'
  | 'findUninstalledOfShop'
  | 'reinstall'
  | 'uninstall'
>;

/**
 * Mirrors the real repository: upsert by `installationId`, absent optional fields keep their value; uninstall
 * deletes the installation's connection (from the table shared with the connection service fake).
 */
class InMemoryInstallations implements InstallationPort {
  readonly rows = new Map<string, InstallationEntity>();

  constructor(private readonly connections: ConnectionTable) {}

  async findUninstalledOfShop(shop: {
    shopDomain?: string;
    legacyShopIntegrationId?: string;
  }): Promise<InstallationEntity | null> {
    const domain = shop.shopDomain?.trim().toLowerCase();
    const row = [...this.rows.values()]
      .filter((candidate) => candidate.status === 'uninstalled')
      .filter(
        (candidate) =>
          (domain && candidate.shopDomain.toLowerCase() === domain) ||
          (shop.legacyShopIntegrationId !== undefined &&
            candidate.legacyShopIntegrationId === shop.legacyShopIntegrationId),
      )
      .sort((a, b) => (b.uninstalledAt?.getTime() ?? 0) - (a.uninstalledAt?.getTime() ?? 0))[0];
    return row ? { ...row } : null;
  }

  async reinstall(id: string, input: InstallationUpsert): Promise<InstallationEntity | null> {
    const row = this.rows.get(id);
    if (row?.status !== 'uninstalled') {
      return null;
    }
    const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    Object.assign(row, defined, { updatedAt: new Date() });
    return { ...row };
  }

  async uninstall(id: string, uninstalledAt: Date): Promise<void> {
    this.connections.delete(id);
    const row = this.rows.get(id);
    if (row) {
      Object.assign(row, { status: 'uninstalled', accessTokenCiphertext: null, uninstalledAt });
    }
  }

  async upsert(input: InstallationUpsert): Promise<InstallationEntity> {
    const existing = this.byInstallationId(input.installationId);
    const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    const now = new Date();
    const row: InstallationEntity = existing
      ? { ...existing, ...defined, updatedAt: now }
      : {
          id: randomUUID(),
          legacyShopIntegrationId: null,
          shopName: null,
          accessTokenCiphertext: null,
          externalAccountId: null,
          installedAt: null,
          activatedAt: null,
          deactivatedAt: null,
          uninstalledAt: null,
          createdAt: now,
          updatedAt: now,
          ...(defined as InstallationUpsert),
        };
    this.rows.set(row.id, row);
    return { ...row };
  }

  async findByInstallationId(installationId: string): Promise<InstallationEntity | null> {
    const row = this.byInstallationId(installationId);
    return row ? { ...row } : null;
  }

  async findByLegacyShopIntegrationId(legacyId: string): Promise<InstallationEntity | null> {
    const row = [...this.rows.values()].find((candidate) => candidate.legacyShopIntegrationId === legacyId);
    return row ? { ...row } : null;
  }

  async updateStatus(
    id: string,
    status: InstallationStatus,
    timestamps: InstallationStatusTimestamps = {},
  ): Promise<InstallationEntity | null> {
    const row = this.rows.get(id);
    if (!row) {
      return null;
    }
    Object.assign(row, timestamps, { status, updatedAt: new Date() });
    return { ...row };
  }

  async setAccessTokenCiphertext(id: string, accessTokenCiphertext: string | null): Promise<void> {
    const row = this.rows.get(id);
    if (row) {
      row.accessTokenCiphertext = accessTokenCiphertext;
    }
  }

  /** The single stored installation with this ShopiMind id; fails the test when there is none. */
  get(installationId: string): InstallationEntity {
    const row = this.byInstallationId(installationId);
    if (!row) {
      throw new Error(`no installation ${installationId}`);
    }
    return row;
  }

  private byInstallationId(installationId: string): InstallationEntity | undefined {
    return [...this.rows.values()].find((row) => row.installationId === installationId);
  }
}

/** Store connections keyed by `installations.id`, shared by the repository and service fakes. */
type ConnectionTable = Map<string, StoreConnectionEntity>;

/**
 * Keeps the id of an existing connection (reconfigured in place) and bumps `updatedAt`, like the real one;
 * an identical config is reported unchanged.
 */
class FakeStoreConnectionService implements Pick<
  StoreConnectionService,
  'saveFromConfig' | 'storedCatalogueSettings'
> {
  readonly saved: Array<{ installationId: string; config: IntegrationConfig }> = [];
  private clock = Date.UTC(2026, 0, 1);

  constructor(private readonly table: ConnectionTable) {}

  async storedCatalogueSettings(
    installationId: string,
  ): Promise<{ lang: string; currency: string } | undefined> {
    const existing = this.table.get(installationId);
    return existing && { lang: existing.lang, currency: existing.currency };
  }

  async saveFromConfig(installationId: string, config: IntegrationConfig): Promise<SavedStoreConnection> {
    this.saved.push({ installationId, config });
    this.clock += 1000;
    const existing = this.table.get(installationId);
    const configFingerprint = JSON.stringify(config);
    if (existing?.configFingerprint === configFingerprint) {
      return { connection: { ...existing }, changed: false };
    }
    const connection: StoreConnectionEntity = {
      id: existing?.id ?? randomUUID(),
      installationId,
      baseUrl: config.store.baseUrl,
      authMethod: config.store.auth.method,
      credentialsCiphertext: 'v1.fake.fake.fake',
      paths: config.store.paths,
      fieldMappings: {
        products: { ...config.store.fieldMappings.products },
        orders: { ...config.store.fieldMappings.orders },
      },
      lang: config.lang,
      currency: config.currency,
      syncIntervalMinutes: config.syncIntervalMinutes,
      perPage: config.store.perPage,
      webhookSecretCiphertext: null,
      configFingerprint,
      storeToken: existing?.storeToken ?? randomUUID(),
      createdAt: existing?.createdAt ?? new Date(this.clock),
      updatedAt: new Date(this.clock),
    };
    this.table.set(installationId, connection);
    return { connection: { ...connection }, changed: true };
  }
}

// ---------------------------------------------------------------------------------------------------------
// A real store health endpoint on a loopback port, so the service's StoreClient really goes over HTTP.
// ---------------------------------------------------------------------------------------------------------

interface FakeStore {
  baseUrl: string;
  requests: Array<{ method: string; url: string; headers: IncomingHttpHeaders }>;
  healthStatus: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

async function startFakeStore(): Promise<FakeStore> {
  const store: Omit<FakeStore, 'baseUrl' | 'close'> = { requests: [], healthStatus: 200 };
  const server = createServer((req, res) => {
    store.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(store.healthStatus, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: store.healthStatus === 200 ? 'ok' : 'down' }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{}');
  });
  const baseUrl = await listen(server);
  return Object.assign(store, { baseUrl, close: () => close(server) });
}

/** A loopback URL nobody listens on: the port was free a moment ago. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await close(server);
  return url;
}

// ---------------------------------------------------------------------------------------------------------

function event(body: Record<string, unknown>): LifecycleEventDto {
  return plainToInstance(LifecycleEventDto, body);
}

class FakeExternalAccounts implements Pick<
  ExternalAccountService,
  'storeConfigFor' | 'claim' | 'destroyClaimedBy'
> {
  readonly accounts = new Map<string, ExternalAccountStoreConfig>();
  readonly owners = new Map<string, string>();

  async claim(id: string, installationKey: string): Promise<ExternalAccountClaim> {
    if (!this.accounts.has(id)) {
      return 'unknown';
    }
    const owner = this.owners.get(id) ?? installationKey;
    this.owners.set(id, owner);
    return owner === installationKey ? 'claimed' : 'taken';
  }

  async destroyClaimedBy(installationKey: string): Promise<void> {
    for (const [id, owner] of this.owners) {
      if (owner === installationKey) {
        this.accounts.delete(id);
        this.owners.delete(id);
      }
    }
  }

  async storeConfigFor(
    id: string | null | undefined,
    installationKey: string,
  ): Promise<ExternalAccountStoreConfig | null> {
    return id && this.owners.get(id) === installationKey ? (this.accounts.get(id) ?? null) : null;
  }
}

describe('LifecycleService', () => {
  let store: FakeStore;
  let installations: InMemoryInstallations;
  let connectionTable: ConnectionTable;
  let storeConnections: FakeStoreConnectionService;
  let publisher: RecordingPublisher;
  let cipher: CredentialCipher;
  /** Type B accounts made on the consent page: id → the store settings they hold, and who claimed them. */
  let externalAccounts: FakeExternalAccounts;
  let service: LifecycleService;
  let logged: jest.SpyInstance;

  const validConfigs = (): Record<string, unknown> => ({
    store_base_url: store.baseUrl,
    store_auth_method: 'api_key',
    store_api_token: STORE_API_TOKEN,
    // Required since issue #16 point 4 (no invented EUR/en defaults).
    lang: 'en',
    currency: 'EUR',
  });

  beforeAll(async () => {
    store = await startFakeStore();
  });

  afterAll(async () => {
    await store.close();
  });

  beforeEach(() => {
    store.requests.length = 0;
    store.healthStatus = 200;
    connectionTable = new Map();
    installations = new InMemoryInstallations(connectionTable);
    storeConnections = new FakeStoreConnectionService(connectionTable);
    publisher = new RecordingPublisher();
    cipher = new CredentialCipher(CIPHER_KEY);
    externalAccounts = new FakeExternalAccounts();
    logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    // The fake store listens on http://127.0.0.1, as in development.
    service = lifecycleService({ allowPrivateStoreUrls: true });
  });

  function lifecycleService({ allowPrivateStoreUrls }: { allowPrivateStoreUrls: boolean }): LifecycleService {
    return new LifecycleService(
      installations as unknown as InstallationRepository,
      storeConnections as unknown as StoreConnectionService,
      cipher,
      publisher,
      externalAccounts as unknown as ExternalAccountService,
      { webhookSecrets: ['unused-here-0123456789'], signatureMaxAgeSeconds: 300, allowPrivateStoreUrls },
    );
  }

  afterEach(() => {
    jest.restoreAllMocks();
  });

  async function install(installationId = 'inst_1'): Promise<InstallationEntity> {
    const response = await service.handle(
      'install',
      event({
        event: 'install',
        installation_id: installationId,
        access_token: ACCESS_TOKEN,
        shop_domain: 'shop.example.com',
        shop_name: 'Example Shop',
      }),
    );
    expect(response).toEqual({ success: true });
    return installations.get(installationId);
  }

  async function activate(installationId = 'inst_1'): Promise<StoreConnectionEntity> {
    const response = await service.handle(
      'activate',
      event({ event: 'activate', installation_id: installationId, configs: validConfigs() }),
    );
    expect(response).toEqual({ success: true });
    const connection = connectionTable.get(installations.get(installationId).id);
    if (!connection) {
      throw new Error('activate saved no connection');
    }
    return connection;
  }

  describe('install', () => {
    it('stores the installation with its access token encrypted and answers success', async () => {
      const installation = await install();

      expect(installation).toMatchObject({
        installationId: 'inst_1',
        status: 'installed',
        shopDomain: 'shop.example.com',
        shopName: 'Example Shop',
      });
      expect(installation.installedAt).toBeInstanceOf(Date);
      const ciphertext = installation.accessTokenCiphertext;
      expect(typeof ciphertext).toBe('string');
      expect(ciphertext).not.toBe(ACCESS_TOKEN);
      expect(ciphertext).not.toContain(ACCESS_TOKEN);
      expect(cipher.decrypt(ciphertext as string)).toBe(ACCESS_TOKEN);
    });

    it('calls neither the store nor the bus: the key is still revoked at install time', async () => {
      await install();
      expect(store.requests).toEqual([]);
      expect(publisher.published).toEqual([]);
      expect(connectionTable.size).toBe(0);
    });

    it('keeps the shop domain empty rather than failing when ShopiMind omits it', async () => {
      await service.handle(
        'install',
        event({ event: 'install', installation_id: 'inst_2', access_token: 'tok' }),
      );
      expect(installations.get('inst_2').shopDomain).toBe('');
    });

    it('binds the external account of a Type B install', async () => {
      await service.handle(
        'install',
        event({ event: 'install', installation_id: 'inst_b', access_token: 'tok', external_account_id: 42 }),
      );
      expect(installations.get('inst_b').externalAccountId).toBe('42');
    });

    it('refuses an install without access_token and stores nothing', async () => {
      await expect(
        service.handle('install', event({ event: 'install', installation_id: 'inst_1' })),
      ).resolves.toEqual({ success: false, error: 'missing_access_token' });
      expect(installations.rows.size).toBe(0);
    });

    it('never logs the access token', async () => {
      await install();
      expect(logged).toHaveBeenCalled();
      expect(logged.mock.calls.flat().map(String).join('\n')).not.toContain(ACCESS_TOKEN);
    });
  });

  it.each<LifecycleEventName>(['install', 'activate', 'config_updated', 'deactivate', 'uninstall'])(
    'answers missing_installation_id to %p without any identity',
    async (name) => {
      await expect(
        service.handle(name, event({ event: name, access_token: 'tok', configs: validConfigs() })),
      ).resolves.toEqual({ success: false, error: 'missing_installation_id' });
      expect(installations.rows.size).toBe(0);
      expect(publisher.published).toEqual([]);
    },
  );

  it.each<LifecycleEventName>(['activate', 'config_updated', 'deactivate', 'uninstall'])(
    'answers unknown_installation to %p for an installation never installed',
    async (name) => {
      await install('inst_1');
      await expect(
        service.handle(name, event({ event: name, installation_id: 'inst_other', configs: validConfigs() })),
      ).resolves.toEqual({ success: false, error: 'unknown_installation' });
      expect(installations.get('inst_1').status).toBe('installed');
      expect(store.requests).toEqual([]);
      expect(publisher.published).toEqual([]);
    },
  );

  describe('activate', () => {
    it('checks the store, saves the connection, marks the installation active and requests a sync', async () => {
      const { id } = await install();
      const connection = await activate();

      // The health check really went to the configured store, with the configured credential.
      expect(store.requests).toHaveLength(1);
      expect(store.requests[0]).toMatchObject({ method: 'GET', url: '/health' });
      expect(store.requests[0].headers['x-api-key']).toBe(STORE_API_TOKEN);

      expect(storeConnections.saved).toHaveLength(1);
      expect(storeConnections.saved[0].installationId).toBe(id);
      expect(storeConnections.saved[0].config.store).toMatchObject({
        baseUrl: store.baseUrl,
        auth: { method: 'api_key', token: STORE_API_TOKEN },
      });

      const installation = installations.get('inst_1');
      expect(installation.status).toBe('active');
      expect(installation.activatedAt).toBeInstanceOf(Date);

      expect(publisher.published).toEqual([
        {
          subject: Subjects.syncRequested,
          payload: { connectionId: connection.id, trigger: 'activate' },
          options: { messageId: `activate:${connection.id}:${connection.configFingerprint}:0` },
        },
      ]);
    });

    it('replaces the stored access token when activate repeats it', async () => {
      await install();
      await service.handle(
        'activate',
        event({
          event: 'integration.activated',
          installation_id: 'inst_1',
          access_token: 'spm_rotated_token',
          configs: validConfigs(),
        }),
      );
      const ciphertext = installations.get('inst_1').accessTokenCiphertext as string;
      expect(ciphertext).not.toContain('spm_rotated_token');
      expect(cipher.decrypt(ciphertext)).toBe('spm_rotated_token');
    });

    it('keeps the install-time access token when activate does not repeat it', async () => {
      await install();
      await activate();
      expect(cipher.decrypt(installations.get('inst_1').accessTokenCiphertext as string)).toBe(ACCESS_TOKEN);
    });

    it.each<[string, Record<string, unknown> | undefined]>([
      ['no configs at all', undefined],
      ['no store_base_url', { store_auth_method: 'api_key', store_api_token: STORE_API_TOKEN }],
      ['an unknown auth method', { store_base_url: 'http://127.0.0.1:1', store_auth_method: 'oauth' }],
      ['api_key without token', { store_base_url: 'http://127.0.0.1:1', store_auth_method: 'api_key' }],
      [
        'a base URL with a path',
        {
          store_base_url: 'https://shop.example.com/api',
          store_auth_method: 'api_key',
          store_api_token: 't',
        },
      ],
    ])(
      'refuses a config with %s: nothing checked, saved or published, status unchanged',
      async (_l, configs) => {
        await install();
        const response = await service.handle(
          'activate',
          event({ event: 'activate', installation_id: 'inst_1', access_token: 'spm_new', configs }),
        );
        expect(response.success).toBe(false);
        expect(response.success ? '' : response.error).toMatch(/^invalid_config: /);
        expect(store.requests).toEqual([]);
        expect(storeConnections.saved).toEqual([]);
        expect(publisher.published).toEqual([]);
        const installation = installations.get('inst_1');
        expect(installation.status).toBe('installed');
        expect(installation.activatedAt).toBeNull();
        // A failed activate must not half-apply: the token of the failed event is not stored either.
        expect(cipher.decrypt(installation.accessTokenCiphertext as string)).toBe(ACCESS_TOKEN);
      },
    );

    it('refuses to activate when the store health endpoint answers 500', async () => {
      await install();
      store.healthStatus = 500;
      const response = await service.handle(
        'activate',
        event({ event: 'activate', installation_id: 'inst_1', configs: validConfigs() }),
      );
      expect(response.success).toBe(false);
      const error = response.success ? '' : response.error;
      expect(error).toMatch(/^connection_failed/);
      expect(error).toContain('500');
      expect(error).not.toContain(STORE_API_TOKEN);
      // One retry, as configured, then it gives up.
      expect(store.requests.map((request) => request.url)).toEqual(['/health', '/health']);
      expect(storeConnections.saved).toEqual([]);
      expect(publisher.published).toEqual([]);
      expect(installations.get('inst_1').status).toBe('installed');
    });

    it('refuses to activate when nothing listens at the store URL', async () => {
      await install();
      const response = await service.handle(
        'activate',
        event({
          event: 'activate',
          installation_id: 'inst_1',
          configs: { ...validConfigs(), store_base_url: await closedPortUrl() },
        }),
      );
      expect(response.success).toBe(false);
      expect(response.success ? '' : response.error).toMatch(/^connection_failed: .*connection refused/);
      expect(storeConnections.saved).toEqual([]);
      expect(publisher.published).toEqual([]);
      expect(installations.get('inst_1').status).toBe('installed');
    });

    it('re-activates an inactive installation and asks for a new sync', async () => {
      await install();
      await activate();
      await service.handle('deactivate', event({ event: 'deactivate', installation_id: 'inst_1' }));
      await activate();
      expect(installations.get('inst_1').status).toBe('active');
      expect(publisher.published).toHaveLength(2);
      const [first, second] = publisher.published.map((message) => message.options?.messageId);
      expect(second).not.toBe(first);
    });

    it('does nothing twice for a retried activate: one sync request, one activation time', async () => {
      await install();
      await activate();
      const activatedAt = installations.get('inst_1').activatedAt;

      await activate();

      expect(publisher.published).toHaveLength(1);
      expect(installations.get('inst_1').activatedAt).toBe(activatedAt);
    });

    it('re-syncs an active installation activated again with a different config', async () => {
      await install();
      await activate();

      await service.handle(
        'activate',
        event({ event: 'activate', installation_id: 'inst_1', configs: { ...validConfigs(), lang: 'de' } }),
      );

      expect(publisher.published).toHaveLength(2);
      expect(publisher.published[1].options?.messageId).not.toBe(publisher.published[0].options?.messageId);
    });
  });

  describe('config_updated', () => {
    it('keeps the stored language and currency of a connection when the config map has none', async () => {
      await install();
      await activate();
      const { lang: _lang, currency: _currency, ...withoutCatalogue } = validConfigs();

      const response = await service.handle(
        'config_updated',
        event({
          event: 'config_updated',
          installation_id: 'inst_1',
          configs: { ...withoutCatalogue, lang: '' },
        }),
      );

      expect(response).toEqual({ success: true });
      expect(storeConnections.saved.at(-1)?.config).toMatchObject({ lang: 'en', currency: 'EUR' });
    });

    it('refuses a first config without language or currency', async () => {
      await install();
      const { currency: _currency, ...withoutCurrency } = validConfigs();

      const response = await service.handle(
        'activate',
        event({ event: 'activate', installation_id: 'inst_1', configs: withoutCurrency }),
      );

      expect(response).toEqual({ success: false, error: expect.stringContaining('currency') });
      expect(storeConnections.saved).toEqual([]);
    });

    it('re-validates, re-checks the store and requests a sync with its own trigger and message id', async () => {
      await install();
      const connection = await activate();
      const response = await service.handle(
        'config_updated',
        event({
          event: 'integration.config_updated',
          installation_id: 'inst_1',
          configs: { ...validConfigs(), lang: 'fr', currency: 'USD' },
        }),
      );
      expect(response).toEqual({ success: true });
      expect(store.requests).toHaveLength(2);
      expect(storeConnections.saved[1].config).toMatchObject({ lang: 'fr', currency: 'USD' });
      expect(installations.get('inst_1').status).toBe('active');

      const updated = connectionTable.get(connection.installationId) as StoreConnectionEntity;
      expect(publisher.published[1]).toEqual({
        subject: Subjects.syncRequested,
        payload: { connectionId: connection.id, trigger: 'config_updated' },
        options: { messageId: `config_updated:${connection.id}:${updated.configFingerprint}:0` },
      });
      expect(publisher.published[1].options?.messageId).not.toBe(publisher.published[0].options?.messageId);
    });

    it('stores the new config of an installation not active yet without starting a crawl', async () => {
      await install();
      const response = await service.handle(
        'config_updated',
        event({ event: 'config_updated', installation_id: 'inst_1', configs: validConfigs() }),
      );

      expect(response).toEqual({ success: true });
      expect(storeConnections.saved).toHaveLength(1);
      expect(publisher.published).toEqual([]);
      expect(installations.get('inst_1').status).toBe('installed');
    });

    it('does not re-sync an unchanged config', async () => {
      await install();
      await activate();

      await expect(
        service.handle(
          'config_updated',
          event({ event: 'config_updated', installation_id: 'inst_1', configs: validConfigs() }),
        ),
      ).resolves.toEqual({ success: true });

      expect(publisher.published).toHaveLength(1);
    });

    it('stores a new config with success even while the store is down (best effort)', async () => {
      await install();
      await activate();
      store.healthStatus = 500;

      await expect(
        service.handle(
          'config_updated',
          event({
            event: 'config_updated',
            installation_id: 'inst_1',
            configs: { ...validConfigs(), lang: 'it' },
          }),
        ),
      ).resolves.toEqual({ success: true });

      expect(storeConnections.saved.at(-1)?.config.lang).toBe('it');
      expect(publisher.published).toHaveLength(2);
    });

    it('stores the config of an inactive installation without syncing it', async () => {
      await install();
      await activate();
      await service.handle('deactivate', event({ event: 'deactivate', installation_id: 'inst_1' }));

      await service.handle(
        'config_updated',
        event({
          event: 'config_updated',
          installation_id: 'inst_1',
          configs: { ...validConfigs(), lang: 'it' },
        }),
      );

      expect(storeConnections.saved.at(-1)?.config.lang).toBe('it');
      expect(publisher.published).toHaveLength(1);
      expect(installations.get('inst_1').status).toBe('inactive');
    });

    it('keeps the previous connection when the new config is invalid', async () => {
      await install();
      await activate();
      const response = await service.handle(
        'config_updated',
        event({
          event: 'config_updated',
          installation_id: 'inst_1',
          configs: { ...validConfigs(), lang: 'french' },
        }),
      );
      expect(response).toEqual({ success: false, error: expect.stringMatching(/^invalid_config: .*lang/) });
      expect(storeConnections.saved).toHaveLength(1);
      expect(publisher.published).toHaveLength(1);
      expect(installations.get('inst_1').status).toBe('active');
    });
  });

  describe('Type B installs (external account from the consent page)', () => {
    /** The install ShopiMind sends after the merchant connected their store as account `acc-1`. */
    const typeBInstall = (installationId: string) =>
      event({
        event: 'install',
        installation_id: installationId,
        access_token: ACCESS_TOKEN,
        external_account_id: 'acc-1',
      });

    beforeEach(() => {
      externalAccounts.accounts.set('acc-1', {
        store_base_url: store.baseUrl,
        store_auth_method: 'api_key',
        store_api_token: STORE_API_TOKEN,
      });
    });

    it('activates with the store of the bound external account when the form has no store settings', async () => {
      await service.handle('install', typeBInstall('inst_b'));

      await expect(
        service.handle(
          'activate',
          event({ event: 'activate', installation_id: 'inst_b', configs: { lang: 'fr', currency: 'EUR' } }),
        ),
      ).resolves.toEqual({ success: true });

      expect(storeConnections.saved[0].config.store).toMatchObject({
        baseUrl: store.baseUrl,
        auth: { method: 'api_key', token: STORE_API_TOKEN },
      });
      expect(storeConnections.saved[0].config.lang).toBe('fr');
      expect(store.requests[0].headers['x-api-key']).toBe(STORE_API_TOKEN);
    });

    it('refuses, storing nothing, an install naming an external account another installation holds', async () => {
      await expect(service.handle('install', typeBInstall('inst_b'))).resolves.toEqual({ success: true });

      await expect(service.handle('install', typeBInstall('inst_other'))).resolves.toEqual({
        success: false,
        error: 'external_account_taken',
      });
      await expect(installations.findByInstallationId('inst_other')).resolves.toBeNull();
    });

    it('destroys the external account and its credential at uninstall', async () => {
      await service.handle('install', typeBInstall('inst_b'));

      await service.handle('uninstall', event({ event: 'uninstall', installation_id: 'inst_b' }));

      expect(externalAccounts.accounts.has('acc-1')).toBe(false);
    });

    it('explains the missing store when neither the form nor an account has one', async () => {
      await install('inst_c');

      const response = await service.handle(
        'activate',
        event({ event: 'activate', installation_id: 'inst_c', configs: { lang: 'fr' } }),
      );

      expect(response).toEqual({ success: false, error: expect.stringMatching(/store_base_url/) });
    });
  });

  describe('store URL policy (ALLOW_PRIVATE_STORE_URLS=false)', () => {
    it.each([
      ['a loopback store over http', () => store.baseUrl, /must use https/],
      ['a private address over https', () => 'https://10.1.2.3', /private/],
      ['the cloud metadata address', () => 'https://169.254.169.254', /private/],
    ])('refuses %s before contacting it, and stores nothing', async (_case, baseUrl, error) => {
      await install();
      const refusing = lifecycleService({ allowPrivateStoreUrls: false });

      const response = await refusing.handle(
        'activate',
        event({
          event: 'activate',
          installation_id: 'inst_1',
          configs: { ...validConfigs(), store_base_url: baseUrl() },
        }),
      );

      expect(response).toEqual({ success: false, error: expect.stringMatching(error) });
      expect(store.requests).toHaveLength(0);
      expect(storeConnections.saved).toHaveLength(0);
      expect(publisher.published).toHaveLength(0);
      expect(installations.get('inst_1').status).toBe('installed');
    });
  });

  describe('deactivate', () => {
    it('marks the installation inactive and keeps its connection and token for the next activate', async () => {
      await install();
      await activate();
      await expect(
        service.handle('deactivate', event({ event: 'integration.deactivated', installation_id: 'inst_1' })),
      ).resolves.toEqual({ success: true });
      const installation = installations.get('inst_1');
      expect(installation.status).toBe('inactive');
      expect(installation.deactivatedAt).toBeInstanceOf(Date);
      expect(connectionTable.has(installation.id)).toBe(true);
      expect(cipher.decrypt(installation.accessTokenCiphertext as string)).toBe(ACCESS_TOKEN);
      expect(publisher.published).toHaveLength(1);
    });

    it('is idempotent for a retried event', async () => {
      await install();
      await activate();
      const deactivate = event({ event: 'deactivate', installation_id: 'inst_1' });
      await expect(service.handle('deactivate', deactivate)).resolves.toEqual({ success: true });
      await expect(service.handle('deactivate', deactivate)).resolves.toEqual({ success: true });
      expect(installations.get('inst_1').status).toBe('inactive');
    });
  });

  describe('uninstall', () => {
    it('deletes the connections, wipes the token and marks the installation uninstalled', async () => {
      const { id } = await install();
      await activate();
      await expect(
        service.handle('uninstall', event({ event: 'integration.uninstalled', installation_id: 'inst_1' })),
      ).resolves.toEqual({ success: true });
      const installation = installations.get('inst_1');
      expect(installation.status).toBe('uninstalled');
      expect(installation.uninstalledAt).toBeInstanceOf(Date);
      expect(installation.accessTokenCiphertext).toBeNull();
      expect(connectionTable.has(id)).toBe(false);
    });

    it('answers a retried uninstall with success and changes nothing', async () => {
      await install();
      await service.handle('uninstall', event({ event: 'uninstall', installation_id: 'inst_1' }));
      const before = { ...installations.get('inst_1') };

      await expect(
        service.handle('uninstall', event({ event: 'integration.uninstalled', installation_id: 'inst_1' })),
      ).resolves.toEqual({ success: true });
      expect(installations.get('inst_1')).toEqual(before);
    });

    it.each<LifecycleEventName>(['activate', 'config_updated', 'deactivate'])(
      'answers installation_uninstalled to a later %p and changes nothing',
      async (name) => {
        await install();
        await service.handle('uninstall', event({ event: 'uninstall', installation_id: 'inst_1' }));
        const before = { ...installations.get('inst_1') };
        store.requests.length = 0;

        await expect(
          service.handle(
            name,
            event({
              event: name,
              installation_id: 'inst_1',
              access_token: 'spm_new',
              configs: validConfigs(),
            }),
          ),
        ).resolves.toEqual({ success: false, error: 'installation_uninstalled' });
        expect(installations.get('inst_1')).toEqual(before);
        expect(store.requests).toEqual([]);
        expect(publisher.published).toEqual([]);
        expect(connectionTable.size).toBe(0);
      },
    );
  });

  describe('reinstall (issue #16: one copy of each record in ShopiMind)', () => {
    async function uninstall(installationId = 'inst_1'): Promise<void> {
      await expect(
        service.handle('uninstall', event({ event: 'uninstall', installation_id: installationId })),
      ).resolves.toEqual({ success: true });
    }

    function installEvent(body: Record<string, unknown>): LifecycleEventDto {
      return event({ event: 'install', access_token: 'spm_reinstalled', ...body });
    }

    it('accepts an install of the uninstalled installation_id: the same row, installed afresh', async () => {
      const { id } = await install();
      await activate();
      await uninstall();

      await expect(
        service.handle(
          'install',
          installEvent({ installation_id: 'inst_1', shop_domain: 'shop.example.com' }),
        ),
      ).resolves.toEqual({ success: true });

      const reinstalled = installations.get('inst_1');
      expect(reinstalled).toMatchObject({
        id,
        status: 'installed',
        activatedAt: null,
        deactivatedAt: null,
        uninstalledAt: null,
      });
      expect(cipher.decrypt(reinstalled.accessTokenCiphertext as string)).toBe('spm_reinstalled');
      expect(installations.rows.size).toBe(1);
    });

    it('takes up the uninstalled installation of the same shop_domain for a new installation_id', async () => {
      const { id } = await install('inst_old');
      await uninstall('inst_old');

      await expect(
        service.handle(
          'install',
          installEvent({ installation_id: 'inst_new', shop_domain: 'SHOP.example.com' }),
        ),
      ).resolves.toEqual({ success: true });

      expect(installations.get('inst_new')).toMatchObject({ id, status: 'installed' });
      expect(installations.rows.size).toBe(1);
    });

    it('takes up the uninstalled installation of the same legacy id_shop_integration', async () => {
      await service.handle(
        'install',
        event({ event: 'install', installation_id: 'inst_8', id_shop_integration: 8, access_token: 'tok' }),
      );
      const { id } = installations.get('inst_8');
      await uninstall('inst_8');

      await service.handle('install', installEvent({ installation_id: 'inst_9', id_shop_integration: '8' }));

      expect(installations.get('inst_9')).toMatchObject({
        id,
        status: 'installed',
        legacyShopIntegrationId: '8',
      });
    });

    it('makes its new connection for the same installation row, which its id mappings and data source hang on', async () => {
      const { id } = await install('inst_old');
      const before = await activate('inst_old');
      await uninstall('inst_old');
      expect(connectionTable.size).toBe(0);

      await service.handle(
        'install',
        installEvent({ installation_id: 'inst_new', shop_domain: 'shop.example.com' }),
      );
      const after = await activate('inst_new');

      expect(after.installationId).toBe(id);
      expect(after.id).not.toBe(before.id);
      expect(installations.get('inst_new').status).toBe('active');
      expect(publisher.published.map((message) => message.subject)).toEqual([
        Subjects.syncRequested,
        Subjects.syncRequested,
      ]);
    });

    it('never takes up an installation of the same shop that is not uninstalled', async () => {
      const live = await install('inst_live');

      await service.handle(
        'install',
        installEvent({ installation_id: 'inst_other', shop_domain: 'shop.example.com' }),
      );

      expect(installations.get('inst_other').id).not.toBe(live.id);
      expect(installations.get('inst_live')).toMatchObject({ id: live.id, status: 'installed' });
    });

    it('takes up nothing on an empty shop_domain', async () => {
      await service.handle('install', installEvent({ installation_id: 'inst_a' }));
      await uninstall('inst_a');

      await service.handle('install', installEvent({ installation_id: 'inst_b' }));

      expect(installations.get('inst_b').id).not.toBe(installations.get('inst_a').id);
    });
  });

  describe('legacy id_shop_integration', () => {
    it('installs under legacy:<id> and finds the installation again by that id alone', async () => {
      await expect(
        service.handle(
          'install',
          event({ event: 'install', id_shop_integration: 555, access_token: ACCESS_TOKEN }),
        ),
      ).resolves.toEqual({ success: true });
      const installed = installations.get('legacy:555');
      expect(installed.legacyShopIntegrationId).toBe('555');

      await expect(
        service.handle(
          'activate',
          event({ event: 'activate', id_shop_integration: '555', configs: validConfigs() }),
        ),
      ).resolves.toEqual({ success: true });
      expect(installations.get('legacy:555').status).toBe('active');
      expect(publisher.published).toHaveLength(1);

      await service.handle('uninstall', event({ event: 'uninstall', id_shop_integration: 555 }));
      expect(installations.get('legacy:555')).toMatchObject({
        status: 'uninstalled',
        accessTokenCiphertext: null,
      });
    });

    it('reaches an installation made with both ids through the legacy id alone', async () => {
      await service.handle(
        'install',
        event({ event: 'install', installation_id: 'inst_7', id_shop_integration: 7, access_token: 'tok' }),
      );
      await expect(
        service.handle('uninstall', event({ event: 'uninstall', id_shop_integration: 7 })),
      ).resolves.toEqual({ success: true });
      expect(installations.get('inst_7').status).toBe('uninstalled');
    });

    it('answers unknown_installation for a legacy id never installed', async () => {
      await expect(
        service.handle('deactivate', event({ event: 'deactivate', id_shop_integration: 999 })),
      ).resolves.toEqual({ success: false, error: 'unknown_installation' });
    });
  });
});
