import { Logger } from '@nestjs/common';
import { StoredCredentialsMismatchError, type StoreConnectionService } from '@storebridge/connections';
import { CredentialCipher } from '@storebridge/security';
import { FakeStoreConnections } from '../test/fakes';
import { findReadableConnection } from './readable-connection';

describe('findReadableConnection', () => {
  const logger = new Logger('spec');
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  function failingWith(failure: Error): StoreConnectionService {
    return { findById: () => Promise.reject(failure) } as unknown as StoreConnectionService;
  }

  it('gives the connection it finds', async () => {
    const connections = new FakeStoreConnections();
    const view = connections.add({ baseUrl: 'https://shop.test', auth: { method: 'api_key', token: 'k' } });

    expect(await findReadableConnection(connections.asService(), view.connection.id, logger, 'Sync')).toBe(
      view,
    );
  });

  it('skips, with a warning, a connection that is gone', async () => {
    const connections = new FakeStoreConnections();

    expect(
      await findReadableConnection(connections.asService(), 'gone', logger, 'Sync requested'),
    ).toBeNull();
    expect(warn).toHaveBeenCalledWith('Sync requested for unknown connection gone; skipped');
  });

  it.each([
    [
      'another key',
      () => new CredentialCipher('ab'.repeat(32)).decrypt(new CredentialCipher('cd'.repeat(32)).encrypt('x')),
    ],
    [
      'a credential of the wrong shape',
      () => {
        throw new StoredCredentialsMismatchError('basic');
      },
    ],
  ])('skips, with an error naming the fix, a credential encrypted with %s', async (_label, read) => {
    const failure = (() => {
      try {
        read();
      } catch (thrown) {
        return thrown as Error;
      }
      throw new Error('expected the read to fail');
    })();

    expect(await findReadableConnection(failingWith(failure), 'c1', logger, 'Sync requested')).toBeNull();
    expect(error).toHaveBeenCalledWith(expect.stringContaining('saving the configuration again'));
  });

  it('lets any other failure through, for redelivery (the database may be back soon)', async () => {
    await expect(
      findReadableConnection(failingWith(new Error('connection terminated')), 'c1', logger, 'Sync'),
    ).rejects.toThrow('connection terminated');
  });
});
