import { randomUUID } from 'node:crypto';
import type { InstallationEntity, StoreConnectionEntity } from '@storebridge/persistence';
import { CredentialCipher } from '@storebridge/security';
import { ShopimindWriteError } from '@storebridge/shopimind-client';
import type { ShopimindProduct } from '@storebridge/shopimind-mapping';
import {
  sandboxProductFixture,
  startShopimindSandbox,
  type SandboxCredentials,
  type ShopimindSandbox,
} from '@storebridge/shopimind-sandbox';
import { aConnection, anInstallation } from '../../test/fakes';
import { ShopimindTargets } from './shopimind-targets';

const KEY = 'c0ffee'.repeat(10) + 'c0ff';

type ActiveInstallation = InstallationEntity & { accessTokenCiphertext: string };

describe('ShopimindTargets', () => {
  let sandbox: ShopimindSandbox;
  let cipher: CredentialCipher;
  let targets: ShopimindTargets;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.reset();
    cipher = new CredentialCipher(KEY);
    targets = new ShopimindTargets(cipher, { shopimindApiUrl: sandbox.url });
  });

  function activeSandboxInstallation(): SandboxCredentials {
    const credentials = sandbox.createInstallation();
    sandbox.setActive(credentials.installationId, true);
    return credentials;
  }

  function installationFor(credentials: SandboxCredentials, id: string = randomUUID()): ActiveInstallation {
    return {
      ...anInstallation({ id, installationId: credentials.installationId }),
      accessTokenCiphertext: cipher.encrypt(credentials.accessToken),
    };
  }

  function connectionOf(installation: InstallationEntity): StoreConnectionEntity {
    return aConnection(installation.id, { baseUrl: 'https://shop.example.com:8443' });
  }

  /** How many times a target was opened against the sandbox: each open lists the data sources once. */
  function opens(): number {
    return sandbox.requestLog().filter((entry) => entry.method === 'GET' && entry.path === '/v1/data-sources')
      .length;
  }

  const product = (productId: number): ShopimindProduct =>
    sandboxProductFixture({ product_id: productId }) as unknown as ShopimindProduct;

  it("opens a writer on the installation's token and one data source labelled after the store and installation", async () => {
    const credentials = activeSandboxInstallation();
    const installation = installationFor(credentials);
    const connection = connectionOf(installation);

    const target = await targets.for(installation, connection);

    const [dataSource] = sandbox.dataSources(credentials.installationId);
    expect(sandbox.dataSources(credentials.installationId)).toHaveLength(1);
    expect(dataSource.label).toBe(`storebridge shop.example.com:8443 (${installation.id.slice(0, 8)})`);
    expect(dataSource.type).toBe('api');
    expect(target.dataSourceId).toBe(dataSource.id_data_source);
    await expect(target.writer.saveProducts([product(1)])).resolves.toMatchObject({ kind: 'accepted' });
    expect(sandbox.products(credentials.installationId)).toHaveLength(1);
  });

  it('reuses the target of an installation while its token ciphertext is unchanged', async () => {
    const installation = installationFor(activeSandboxInstallation());
    const connection = connectionOf(installation);

    const first = await targets.for(installation, connection);
    const second = await targets.for({ ...installation }, connection);

    expect(second).toBe(first);
    expect(opens()).toBe(1);
  });

  it('opens a target once for concurrent callers', async () => {
    const installation = installationFor(activeSandboxInstallation());
    const connection = connectionOf(installation);

    const [first, second] = await Promise.all([
      targets.for(installation, connection),
      targets.for(installation, connection),
    ]);

    expect(second).toBe(first);
    expect(opens()).toBe(1);
  });

  it('keeps one target per installation', async () => {
    const one = installationFor(activeSandboxInstallation());
    const two = installationFor(activeSandboxInstallation());

    const first = await targets.for(one, connectionOf(one));
    const second = await targets.for(two, connectionOf(two));

    expect(second).not.toBe(first);
    expect(await targets.for(one, connectionOf(one))).toBe(first);
    expect(await targets.for(two, connectionOf(two))).toBe(second);
    expect(opens()).toBe(2);
  });

  it('opens a new target when the access token changed, and writes with the new token', async () => {
    const oldCredentials = activeSandboxInstallation();
    const installation = installationFor(oldCredentials);
    const connection = connectionOf(installation);
    const before = await targets.for(installation, connection);

    // Reinstalled: ShopiMind issued a new key (here: the key of another sandbox installation) for the same row.
    const newCredentials = activeSandboxInstallation();
    const rotated = { ...installation, accessTokenCiphertext: cipher.encrypt(newCredentials.accessToken) };
    const after = await targets.for(rotated, connection);

    expect(after).not.toBe(before);
    expect(opens()).toBe(2);
    await after.writer.saveProducts([product(42)]);
    expect(sandbox.products(newCredentials.installationId)).toHaveLength(1);
    expect(sandbox.products(oldCredentials.installationId)).toHaveLength(0);
    expect(await targets.for(rotated, connection)).toBe(after);
  });

  it('finds its data source again instead of creating a second one', async () => {
    const credentials = activeSandboxInstallation();
    const installation = installationFor(credentials);
    const connection = connectionOf(installation);
    const first = await targets.for(installation, connection);

    const restarted = new ShopimindTargets(cipher, { shopimindApiUrl: sandbox.url });
    const second = await restarted.for(installation, connection);

    expect(second).not.toBe(first);
    expect(second.dataSourceId).toBe(first.dataSourceId);
    expect(sandbox.dataSources(credentials.installationId)).toHaveLength(1);
  });

  it('finds the same data source after a reinstall: the connection is new, the installation row the same', async () => {
    const credentials = activeSandboxInstallation();
    const installation = installationFor(credentials);
    const before = await targets.for(installation, connectionOf(installation));

    // Uninstall deleted the connection; the reinstalled shop's activate made a new one, to the same store.
    const reinstalled = { ...installation, accessTokenCiphertext: cipher.encrypt(credentials.accessToken) };
    const restarted = new ShopimindTargets(cipher, { shopimindApiUrl: sandbox.url });
    const after = await restarted.for(reinstalled, connectionOf(installation));

    expect(after.dataSourceId).toBe(before.dataSourceId);
    expect(sandbox.dataSources(credentials.installationId)).toHaveLength(1);
  });

  it('keeps the label of an installation migrated with the key of the connection it had then', async () => {
    const credentials = activeSandboxInstallation();
    const installation = { ...installationFor(credentials), dataSourceKey: '0a1b2c3d' };

    await targets.for(installation, connectionOf(installation));

    expect(sandbox.dataSources(credentials.installationId).map((source) => source.label)).toEqual([
      'storebridge shop.example.com:8443 (0a1b2c3d)',
    ]);
  });

  it('does not cache a failed open: the next call tries again', async () => {
    // Created but not activated: the sandbox answers 401 to every call, as ShopiMind does.
    const credentials = sandbox.createInstallation();
    const installation = installationFor(credentials);
    const connection = connectionOf(installation);

    const failure = targets.for(installation, connection);
    await expect(failure).rejects.toBeInstanceOf(ShopimindWriteError);
    await expect(failure).rejects.toMatchObject({ outcome: { kind: 'not_active' } });

    sandbox.setActive(credentials.installationId, true);
    const target = await targets.for(installation, connection);

    expect(opens()).toBe(2);
    expect(target.dataSourceId).toBe(sandbox.dataSources(credentials.installationId)[0].id_data_source);
    expect(await targets.for(installation, connection)).toBe(target);
  });

  it('fails to open with a token ciphertext it cannot decrypt', async () => {
    const installation = installationFor(activeSandboxInstallation());
    const foreign = new CredentialCipher('1'.repeat(64)).encrypt('spm_token');

    await expect(
      targets.for({ ...installation, accessTokenCiphertext: foreign }, connectionOf(installation)),
    ).rejects.toThrow(/could not be decrypted/);
    expect(opens()).toBe(0);
  });
});
