import { inspect } from 'node:util';
import { DataSource, QueryFailedError } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { describeDatabaseError, loggableErrorText, summarizeDatabaseError } from './database-error-text';

const SECRET = 'ciphertext-SECRET-123';

describe('describeDatabaseError', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource({
      type: 'postgres',
      driver: new PGliteDriver({ dataDir: 'memory://' }).driver,
    });
    await dataSource.initialize();
    await dataSource.query(
      'CREATE TABLE "store_products" ("id" uuid PRIMARY KEY, "external_id" text NOT NULL UNIQUE, "payload" text)',
    );
    await dataSource.query(
      'INSERT INTO "store_products" ("id", "external_id", "payload") VALUES ($1, $2, $3)',
      ['00000000-0000-4000-8000-000000000001', SECRET, SECRET],
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  /** The error a statement fails with; the raw error is checked to carry the secret, or the test proves nothing. */
  async function failureOf(sql: string, parameters: unknown[]): Promise<QueryFailedError> {
    const error: unknown = await dataSource.query(sql, parameters).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(inspect(error, { depth: 5 })).toContain(SECRET);
    return error as QueryFailedError;
  }

  it('names the statement, table, SQLSTATE and constraint of a unique violation, not the values', async () => {
    const error = await failureOf(
      'INSERT INTO "store_products" ("id", "external_id", "payload") VALUES ($1, $2, $3)',
      ['00000000-0000-4000-8000-000000000002', SECRET, `payload ${SECRET}`],
    );

    const text = describeDatabaseError(error);

    expect(text).toContain('QueryFailedError 23505');
    expect(text).toContain('INSERT INTO "store_products"');
    expect(text).toContain('store_products_external_id_key');
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('Key (');
  });

  it('masks a value the server quotes in its message', async () => {
    const error = await failureOf('UPDATE "store_products" SET "payload" = $1 WHERE "id" = $2', [
      'x',
      SECRET,
    ]);
    // PostgreSQL's own message quotes the value: only the safe text is free of it.
    expect(error.message).toContain(SECRET);

    const text = describeDatabaseError(error);

    expect(text).toContain('22P02');
    expect(text).toContain('UPDATE "store_products"');
    expect(text).not.toContain('SECRET');
  });

  it('leaves out the bytes of a NUL the server refused', async () => {
    const error = await failureOf(
      'INSERT INTO "store_products" ("id", "external_id", "payload") VALUES ($1, $2, $3)',
      ['00000000-0000-4000-8000-000000000003', `${SECRET}-3`, `${SECRET}\u0000`],
    );

    const summary = summarizeDatabaseError(error);

    expect(summary).toEqual(expect.objectContaining({ name: 'QueryFailedError', code: '22021' }));
    expect(summary?.message).toContain('INSERT INTO "store_products"');
    expect(JSON.stringify(summary)).not.toContain('SECRET');
  });

  it('finds a database error wrapped as the cause of another', async () => {
    const cause = await failureOf('SELECT "payload" FROM "store_products" WHERE "id" = $1', [SECRET]);

    const text = describeDatabaseError(new Error(`Mirror write failed: ${cause.message}`, { cause }));

    expect(text).toContain('SELECT … FROM "store_products"');
    expect(text).not.toContain('SECRET');
  });

  it('reads the statement of a driver error without TypeORM, ignoring literals in it', () => {
    const driverError = Object.assign(new Error(`invalid input syntax for type integer: "${SECRET}"`), {
      name: 'error',
      severity: 'ERROR',
      code: '22P02',
      query: `DELETE FROM "sync_runs" WHERE "note" = 'from ${SECRET}' AND "pages" = $1`,
      params: [SECRET],
    });

    expect(describeDatabaseError(driverError)).toBe(
      'DatabaseError 22P02: DELETE FROM "sync_runs": invalid input syntax for type integer: "…"',
    );
  });

  it('gives a loggable text for any caught error, a database one without its values', async () => {
    const error = await failureOf('UPDATE "store_products" SET "payload" = $1 WHERE "id" = $2', [
      'x',
      SECRET,
    ]);

    expect(loggableErrorText(error)).toBe(describeDatabaseError(error));
    expect(loggableErrorText(new Error('Store answered HTTP 500'))).toBe('Store answered HTTP 500');
    expect(loggableErrorText('plain reason')).toBe('plain reason');
  });

  it('says nothing of errors that are not the database', () => {
    expect(describeDatabaseError(new Error('Store answered HTTP 500'))).toBeUndefined();
    expect(
      describeDatabaseError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
    ).toBeUndefined();
    expect(describeDatabaseError('QueryFailedError')).toBeUndefined();
    expect(describeDatabaseError(undefined)).toBeUndefined();
  });
});
