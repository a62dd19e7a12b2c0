import { randomUUID } from 'node:crypto';
import type { ExternalAccountEntity } from '@storebridge/persistence';
import type {
  ExternalAccountClaim,
  ExternalAccountInput,
  ExternalAccountRepository,
} from '@storebridge/gateway-persistence';
import { StoredCredentialsMismatchError } from '@storebridge/connections';
import { CredentialCipher } from '@storebridge/security';
import { ExternalAccountService } from './external-account.service';

class InMemoryAccounts implements Pick<
  ExternalAccountRepository,
  'create' | 'findById' | 'claim' | 'deleteClaimedBy'
> {
  readonly rows = new Map<string, ExternalAccountEntity>();
  readonly lookups: string[] = [];

  async claim(id: string, installationKey: string): Promise<ExternalAccountClaim> {
    const row = this.rows.get(id);
    if (!row) {
      return 'unknown';
    }
    if (row.installationKey !== null && row.installationKey !== installationKey) {
      return 'taken';
    }
    row.installationKey = installationKey;
    return 'claimed';
  }

  async deleteClaimedBy(installationKey: string): Promise<void> {
    for (const [id, row] of this.rows) {
      if (row.installationKey === installationKey) {
        this.rows.delete(id);
      }
    }
  }

  async create(input: ExternalAccountInput): Promise<ExternalAccountEntity> {
    const row = { id: randomUUID(), ...input, installationKey: null, createdAt: new Date() };
    this.rows.set(row.id, row);
    return { ...row };
  }

  async findById(id: string): Promise<ExternalAccountEntity | null> {
    this.lookups.push(id);
    return this.rows.get(id) ?? null;
  }
}

describe('ExternalAccountService', () => {
  const cipher = new CredentialCipher('cd'.repeat(32));
  let accounts: InMemoryAccounts;
  let service: ExternalAccountService;

  beforeEach(() => {
    accounts = new InMemoryAccounts();
    service = new ExternalAccountService(accounts as unknown as ExternalAccountRepository, cipher);
  });

  it('stores the credentials encrypted, in the store connections format', async () => {
    const account = await service.create({
      name: 'shop.example.com',
      baseUrl: 'https://shop.example.com',
      auth: { method: 'basic', username: 'merchant', password: 'pa55-SECRET' },
    });

    expect(account).toEqual(
      expect.objectContaining({
        name: 'shop.example.com',
        baseUrl: 'https://shop.example.com',
        authMethod: 'basic',
      }),
    );
    expect(account.credentialsCiphertext).not.toContain('pa55-SECRET');
    expect(JSON.parse(cipher.decrypt(account.credentialsCiphertext))).toEqual({
      username: 'merchant',
      password: 'pa55-SECRET',
    });
  });

  it.each([
    [
      { method: 'api_key', token: 'key_1' } as const,
      { store_auth_method: 'api_key', store_api_token: 'key_1' },
    ],
    [
      { method: 'bearer', token: 'tok_1' } as const,
      { store_auth_method: 'bearer', store_api_token: 'tok_1' },
    ],
    [
      { method: 'basic', username: 'u', password: 'p' } as const,
      { store_auth_method: 'basic', store_username: 'u', store_password: 'p' },
    ],
  ])('gives the store config entries of a %j account', async (auth, expected) => {
    const account = await service.create({ name: 'n', baseUrl: 'https://shop.example.com', auth });
    await service.claim(account.id, 'inst_1');

    await expect(service.storeConfigFor(account.id, 'inst_1')).resolves.toEqual({
      store_base_url: 'https://shop.example.com',
      ...expected,
    });
  });

  it.each([undefined, null, '', 'ext_1', "1' OR '1'='1"])(
    'answers null without a lookup for the malformed id %p',
    async (id) => {
      await expect(service.storeConfigFor(id, 'inst_1')).resolves.toBeNull();
      expect(accounts.lookups).toEqual([]);
    },
  );

  it('answers null for an unknown account', async () => {
    await expect(service.storeConfigFor(randomUUID(), 'inst_1')).resolves.toBeNull();
  });

  it('gives no store config to an installation that did not claim the account', async () => {
    const account = await service.create({
      name: 'n',
      baseUrl: 'https://shop.example.com',
      auth: { method: 'api_key', token: 'k' },
    });
    await expect(service.storeConfigFor(account.id, 'inst_1')).resolves.toBeNull();

    await service.claim(account.id, 'inst_1');

    await expect(service.claim(account.id, 'inst_2')).resolves.toBe('taken');
    await expect(service.storeConfigFor(account.id, 'inst_2')).resolves.toBeNull();
  });

  it('destroys the account an installation claimed', async () => {
    const account = await service.create({
      name: 'n',
      baseUrl: 'https://shop.example.com',
      auth: { method: 'api_key', token: 'k' },
    });
    await service.claim(account.id, 'inst_1');

    await service.destroyClaimedBy('inst_1');

    expect(accounts.rows.size).toBe(0);
  });

  it('claims no malformed id', async () => {
    await expect(service.claim('ext_1', 'inst_1')).resolves.toBe('unknown');
    expect(accounts.lookups).toEqual([]);
  });

  it('fails loudly when the stored credentials do not fit the auth method', async () => {
    const account = await service.create({
      name: 'n',
      baseUrl: 'https://shop.example.com',
      auth: { method: 'api_key', token: 'k' },
    });
    const row = accounts.rows.get(account.id);
    if (row) {
      row.authMethod = 'basic';
    }
    await service.claim(account.id, 'inst_1');

    await expect(service.storeConfigFor(account.id, 'inst_1')).rejects.toThrow(
      StoredCredentialsMismatchError,
    );
  });
});
