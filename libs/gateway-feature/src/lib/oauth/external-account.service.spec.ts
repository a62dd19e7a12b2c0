import { randomUUID } from 'node:crypto';
import type {
  ExternalAccountEntity,
  ExternalAccountInput,
  ExternalAccountRepository,
} from '@storebridge/persistence';
import { StoredCredentialsMismatchError } from '@storebridge/connections';
import { CredentialCipher } from '@storebridge/security';
import { ExternalAccountService } from './external-account.service';

class InMemoryAccounts implements Pick<ExternalAccountRepository, 'create' | 'findById'> {
  readonly rows = new Map<string, ExternalAccountEntity>();
  readonly lookups: string[] = [];

  async create(input: ExternalAccountInput): Promise<ExternalAccountEntity> {
    const row = { id: randomUUID(), ...input, createdAt: new Date() };
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

    await expect(service.storeConfigFor(account.id)).resolves.toEqual({
      store_base_url: 'https://shop.example.com',
      ...expected,
    });
  });

  it.each([undefined, null, '', 'ext_1', "1' OR '1'='1"])(
    'answers null without a lookup for the malformed id %p',
    async (id) => {
      await expect(service.storeConfigFor(id)).resolves.toBeNull();
      expect(accounts.lookups).toEqual([]);
    },
  );

  it('answers null for an unknown account', async () => {
    await expect(service.storeConfigFor(randomUUID())).resolves.toBeNull();
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

    await expect(service.storeConfigFor(account.id)).rejects.toThrow(StoredCredentialsMismatchError);
  });
});
