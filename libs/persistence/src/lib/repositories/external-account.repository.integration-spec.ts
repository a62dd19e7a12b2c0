import { DataSource, QueryFailedError } from 'typeorm';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { ExternalAccountEntity } from '../entities';
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
    expect(await accounts.findById(created.id)).toEqual(created);
  });

  it('answers null for an unknown id', async () => {
    expect(await accounts.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('rejects an unknown auth method (check constraint)', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO external_accounts (name, base_url, auth_method, credentials_ciphertext) VALUES ('n', 'u', 'oauth', 'c')`,
      ),
    ).rejects.toThrow(QueryFailedError);
  });
});
