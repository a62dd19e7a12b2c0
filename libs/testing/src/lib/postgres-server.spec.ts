import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { startPostgres } from './postgres-server';

async function selectOne(url: string): Promise<unknown> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    const result = await client.query<{ one: number; database: string }>(
      'SELECT 1 AS one, current_database() AS database',
    );
    return result.rows[0];
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  // initdb alone can take several seconds on a busy machine: hence the long timeout.
  it('starts a loopback server with the test database, then stops it and removes its files', async () => {
    const postgres = await startPostgres();
    try {
      expect(postgres.url).toBe(`postgres://postgres@127.0.0.1:${postgres.port}/storebridge_test`);
      await expect(selectOne(postgres.url)).resolves.toEqual({ one: 1, database: 'storebridge_test' });
    } finally {
      await postgres.stop();
    }
    expect(existsSync(postgres.dataDir)).toBe(false);
    await expect(selectOne(postgres.url)).rejects.toThrow();
  }, 60_000);
});
