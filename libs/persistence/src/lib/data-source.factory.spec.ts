import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSourceOptions, pgliteDataDir } from './data-source.factory';
import { persistenceEntities } from './entities';
import { migrations } from './migrations';

describe('createDataSourceOptions', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'persistence-options-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('connects to PostgreSQL when a database URL is given, even with a data directory', () => {
    const options = createDataSourceOptions({ databaseUrl: 'postgres://u@db:5432/storebridge', dataDir });

    expect(options).toEqual(
      expect.objectContaining({
        type: 'postgres',
        url: 'postgres://u@db:5432/storebridge',
        synchronize: false,
        migrationsRun: false,
        entities: persistenceEntities,
        migrations,
      }),
    );
    expect(options).not.toHaveProperty('driver');
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });

  it('embeds PGlite in <dataDir>/pglite without a URL, creating the folder', () => {
    const options = createDataSourceOptions({ dataDir });

    expect(options).toEqual(
      expect.objectContaining({ type: 'postgres', synchronize: false, migrationsRun: false }),
    );
    expect(options).not.toHaveProperty('url');
    expect(options).toHaveProperty('driver');
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
  });

  it('keeps the embedded database in memory for memory://', () => {
    expect(pgliteDataDir('memory://')).toBe('memory://');
    expect(createDataSourceOptions({ dataDir: 'memory://' })).toHaveProperty('driver');
  });

  it('never lets TypeORM print a failed statement with its parameters', () => {
    const printed: unknown[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => printed.push(...args));
    }
    const { logger } = new DataSource(
      createDataSourceOptions({ databaseUrl: 'postgres://u@db:5432/storebridge' }),
    );

    logger.logQueryError(new Error('duplicate key'), 'INSERT INTO "id_mappings" VALUES ($1)', [
      'ciphertext-SECRET-123',
    ]);
    jest.restoreAllMocks();

    expect(JSON.stringify(printed)).not.toContain('SECRET');
  });

  it('refuses to guess where the data lives when given neither', () => {
    expect(() => createDataSourceOptions({})).toThrow(/database URL or a data directory/);
  });
});
