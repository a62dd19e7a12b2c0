import { loadEnv, PushEnv } from '@storebridge/config';
import { PushOutcomeEntity } from '@storebridge/persistence';
import { aPersistedConnection } from '@storebridge/persistence/testing';
import { createTestDataSource, createTestDatabase, testDatabaseUrl, testNatsUrl } from '@storebridge/testing';
import { DataSource } from 'typeorm';
import { DEAD_LETTERS_EXIT, runDeadLetters } from './dead-letters-cli';

function pushEnv(databaseUrl: string): PushEnv {
  return loadEnv(PushEnv, {
    DATABASE_URL: databaseUrl,
    NATS_URL: testNatsUrl(),
    CREDENTIALS_KEY: 'ab'.repeat(32),
  });
}

async function listDeadLetters(
  databaseUrl: string,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runDeadLetters({ filter: {}, replay: false }, pushEnv(databaseUrl), {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { exitCode, stdout, stderr };
}

async function tablesOf(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
  );
  return rows.map((row) => row.table_name);
}

describe('dead-letters on PostgreSQL', () => {
  it('refuses an unmigrated database and leaves it untouched', async () => {
    const database = await createTestDatabase();
    try {
      const { exitCode, stdout, stderr } = await listDeadLetters(database.url);

      expect(exitCode).toBe(DEAD_LETTERS_EXIT.failed);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^database schema is behind: \d+ migration\(s\) pending/);
      expect(stderr).toContain('run the service once (it migrates at boot)');
      const dataSource = await createTestDataSource(database.url);
      try {
        expect(await tablesOf(dataSource)).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await database.drop();
    }
  });

  describe('on the migrated database', () => {
    let dataSource: DataSource;
    let connectionId: string;

    beforeAll(async () => {
      dataSource = await createTestDataSource();
      connectionId = await aPersistedConnection(dataSource);
      await dataSource.getRepository(PushOutcomeEntity).insert({
        connectionId,
        entity: 'products',
        storeId: 'p-42',
        contentHash: 'hash-1',
        status: 'rejected',
        reasons: ['price: must be a number'],
        attempts: 3,
        record: { id: 'p-42' },
      });
    });

    afterAll(async () => {
      await dataSource.getRepository(PushOutcomeEntity).delete({ connectionId });
      await dataSource.destroy();
    });

    it('lists the dead letters', async () => {
      const { exitCode, stdout, stderr } = await listDeadLetters(testDatabaseUrl());

      expect({ exitCode, stderr }).toEqual({ exitCode: DEAD_LETTERS_EXIT.ok, stderr: '' });
      expect(stdout).toContain(`${connectionId}  products  p-42  rejected 3x`);
      expect(stdout).toContain('    price: must be a number');
    });
  });
});
