import { DataSource, QueryFailedError } from 'typeorm';
import { openDataSource, truncateTables } from '@storebridge/persistence/testing';
import { ExternalAccountEntity } from '@storebridge/persistence';
import { ExternalAccountRepository } from './external-account.repository';

describe('ExternalAccountRepository', () => {
  let dataSource: DataSource;
  let accounts: ExternalAccountRepository;

  beforeAll(async () => {
    dataSource = await openDataSource();
    accounts = new ExternalAccountRepository(dataSource.getRepository(ExternalAccountEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  it('creates an account and finds it by id', async () => {
    const created = await accounts.create({
      name: 'shop.example.com',
      baseUrl: 'https://shop.example.com',
      authMethod: 'basic',
      credentialsCiphertext: 'v1.iv.tag.ciphertext',
    });

    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(created.installationKey).toBeNull();
    expect(await accounts.findById(created.id)).toEqual(created);
  });

  it('answers null for an unknown id', async () => {
    expect(await accounts.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('gives an account to the first installation that claims it, and to no other', async () => {
    const account = await accounts.create({
      name: 'shop.example.com',
      baseUrl: 'https://shop.example.com',
      authMethod: 'api_key',
      credentialsCiphertext: 'v1.iv.tag.ciphertext',
    });

    expect(await accounts.claim(account.id, 'inst_a')).toBe('claimed');
    expect(await accounts.claim(account.id, 'inst_a')).toBe('claimed');
    expect(await accounts.claim(account.id, 'inst_b')).toBe('taken');
    expect(await accounts.claim('00000000-0000-0000-0000-000000000000', 'inst_b')).toBe('unknown');
    expect(await accounts.findById(account.id)).toMatchObject({ installationKey: 'inst_a' });
  });

  it('lets two installs racing for one account have it once', async () => {
    const account = await accounts.create({
      name: 'n',
      baseUrl: 'https://shop.example.com',
      authMethod: 'api_key',
      credentialsCiphertext: 'c',
    });

    const outcomes = await Promise.all(['inst_a', 'inst_b'].map((key) => accounts.claim(account.id, key)));

    expect(outcomes.sort()).toEqual(['claimed', 'taken']);
  });

  it("deletes the accounts an installation claimed, credentials included, and no other's", async () => {
    const input = { name: 'n', baseUrl: 'https://shop.example.com', authMethod: 'api_key' as const };
    const mine = await accounts.create({ ...input, credentialsCiphertext: 'mine' });
    const theirs = await accounts.create({ ...input, credentialsCiphertext: 'theirs' });
    await accounts.claim(mine.id, 'inst_a');
    await accounts.claim(theirs.id, 'inst_b');

    await accounts.deleteClaimedBy('inst_a');

    expect(await accounts.findById(mine.id)).toBeNull();
    expect(await accounts.findById(theirs.id)).not.toBeNull();
  });

  it('rejects an unknown auth method (check constraint)', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO external_accounts (name, base_url, auth_method, credentials_ciphertext) VALUES ('n', 'u', 'oauth', 'c')`,
      ),
    ).rejects.toThrow(QueryFailedError);
  });
});
