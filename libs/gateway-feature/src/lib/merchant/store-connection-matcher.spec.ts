import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { encryptStoreCredentials } from '@storebridge/connections';
import type { StoreConnectionEntity, StoreConnectionRepository } from '@storebridge/persistence';
import * as security from '@storebridge/security';
import type { StoreAuth } from '@storebridge/store-client';
import { sameCredential, StoreConnectionMatcher } from './store-connection-matcher';

jest.mock('@storebridge/security', () => {
  const actual = jest.requireActual<typeof import('@storebridge/security')>('@storebridge/security');
  return { ...actual, safeEqualText: jest.fn(actual.safeEqualText) };
});

const cipher = new security.CredentialCipher('ab'.repeat(32));
const STORE_URL = 'https://shop.example.com';
const TOKEN = 'sk_live_the-merchant-token';

class FakeConnections implements Pick<StoreConnectionRepository, 'findByBaseUrl'> {
  readonly rows: StoreConnectionEntity[] = [];
  readonly asked: string[] = [];

  add(
    baseUrl: string,
    auth: StoreAuth,
    ciphertext = encryptStoreCredentials(cipher, auth),
  ): StoreConnectionEntity {
    const row = {
      id: randomUUID(),
      installationId: randomUUID(),
      baseUrl,
      authMethod: auth.method,
      credentialsCiphertext: ciphertext,
      storeToken: `token-${this.rows.length}`,
      webhookSecretCiphertext: null,
    } as StoreConnectionEntity;
    this.rows.push(row);
    return row;
  }

  async findByBaseUrl(baseUrl: string): Promise<StoreConnectionEntity[]> {
    this.asked.push(baseUrl);
    return this.rows.filter((row) => row.baseUrl === baseUrl);
  }
}

function configMap(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { store_base_url: STORE_URL, store_auth_method: 'api_key', store_api_token: TOKEN, ...overrides };
}

describe('StoreConnectionMatcher', () => {
  let connections: FakeConnections;
  let matcher: StoreConnectionMatcher;

  beforeEach(() => {
    connections = new FakeConnections();
    matcher = new StoreConnectionMatcher(connections as unknown as StoreConnectionRepository, cipher);
    jest.mocked(security.safeEqualText).mockClear();
  });

  it('finds the connection whose store base URL and credential the config map holds', async () => {
    const connection = connections.add(STORE_URL, { method: 'api_key', token: TOKEN });
    connections.add('https://other.example.com', { method: 'api_key', token: TOKEN });

    await expect(matcher.matching(configMap())).resolves.toEqual([connection]);
  });

  it('compares the base URL as stored: normalized the same way the connection was saved', async () => {
    const connection = connections.add(STORE_URL, { method: 'api_key', token: TOKEN });

    await expect(
      matcher.matching(configMap({ store_base_url: 'https://SHOP.example.com/' })),
    ).resolves.toEqual([connection]);
    expect(connections.asked).toEqual([STORE_URL]);
  });

  it.each([
    ['another token', { store_api_token: 'sk_live_the-merchant-tokeN' }],
    ['a prefix of the token', { store_api_token: TOKEN.slice(0, -1) }],
    ['another authentication method with the same token', { store_auth_method: 'bearer' }],
    ['another store', { store_base_url: 'https://other.example.com' }],
  ])('matches nothing with %s', async (_label, overrides) => {
    connections.add(STORE_URL, { method: 'api_key', token: TOKEN });

    await expect(matcher.matching(configMap(overrides))).resolves.toEqual([]);
  });

  it('matches basic credentials only when both username and password are right', async () => {
    const connection = connections.add(STORE_URL, { method: 'basic', username: 'admin', password: 'pw-1' });
    const basic = (username: string, password: string) =>
      configMap({ store_auth_method: 'basic', store_username: username, store_password: password });

    await expect(matcher.matching(basic('admin', 'pw-1'))).resolves.toEqual([connection]);
    await expect(matcher.matching(basic('admin', 'pw-2'))).resolves.toEqual([]);
    await expect(matcher.matching(basic('root', 'pw-1'))).resolves.toEqual([]);
  });

  it('answers every connection of the store holding the credential, in the repository order', async () => {
    const first = connections.add(STORE_URL, { method: 'api_key', token: TOKEN });
    connections.add(STORE_URL, { method: 'api_key', token: 'another-token' });
    const third = connections.add(STORE_URL, { method: 'api_key', token: TOKEN });

    await expect(matcher.matching(configMap())).resolves.toEqual([first, third]);
  });

  it('does not read the database for a config map that is not a valid configuration', async () => {
    connections.add(STORE_URL, { method: 'api_key', token: TOKEN });

    await expect(matcher.matching({ store_base_url: STORE_URL })).resolves.toEqual([]);
    await expect(matcher.matching(configMap({ store_api_token: '' }))).resolves.toEqual([]);
    expect(connections.asked).toEqual([]);
  });

  it('skips a connection whose stored credential cannot be read with our key', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const other = new security.CredentialCipher('cd'.repeat(32));
    connections.add(
      STORE_URL,
      { method: 'api_key', token: TOKEN },
      other.encrypt(JSON.stringify({ token: TOKEN })),
    );
    const readable = connections.add(STORE_URL, { method: 'api_key', token: TOKEN });

    await expect(matcher.matching(configMap())).resolves.toEqual([readable]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/cannot be read/));
    warn.mockRestore();
  });

  it('compares the secrets in constant time', async () => {
    connections.add(STORE_URL, { method: 'api_key', token: TOKEN });

    await matcher.matching(configMap({ store_api_token: 'a-wrong-token' }));

    expect(security.safeEqualText).toHaveBeenCalledWith(TOKEN, 'a-wrong-token');
  });
});

describe('sameCredential', () => {
  beforeEach(() => jest.mocked(security.safeEqualText).mockClear());

  it('compares the password even when the username already differs, so timing does not tell which', () => {
    expect(
      sameCredential(
        { method: 'basic', username: 'admin', password: 'pw' },
        { method: 'basic', username: 'root', password: 'pw' },
      ),
    ).toBe(false);
    expect(security.safeEqualText).toHaveBeenCalledTimes(2);
  });

  it.each<[string, StoreAuth, StoreAuth, boolean]>([
    ['the same api key', { method: 'api_key', token: 't' }, { method: 'api_key', token: 't' }, true],
    [
      'an api key against a bearer token',
      { method: 'api_key', token: 't' },
      { method: 'bearer', token: 't' },
      false,
    ],
    [
      'a token against basic credentials',
      { method: 'bearer', token: 't' },
      { method: 'basic', username: 't', password: 't' },
      false,
    ],
  ])('tells %s', (_label, stored, given, same) => {
    expect(sameCredential(stored, given)).toBe(same);
  });
});
