import { QueryFailedError } from 'typeorm';
import { RedactingLogger, redactSecrets } from './redacting-logger';

describe('redactSecrets', () => {
  it.each([
    ['an authorization header', 'Authorization: Bearer eyJhbGciOi.secret', 'Authorization: [redacted]'],
    ['an API key header', 'x-api-key=sk_live_123', 'x-api-key=[redacted]'],
    [
      'a JSON access token',
      '{"access_token":"spm_abc","event":"install"}',
      '{"access_token":"[redacted]","event":"install"}',
    ],
    ['a password field', "password: 'hunter2'", "password: '[redacted]'"],
    ['credentials in a URL', 'postgres://app:s3cret@db:5432/x', 'postgres://app:[redacted]@db:5432/x'],
  ])('masks %s', (_label, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('leaves ordinary messages alone', () => {
    const message = 'Synced 250 products for connection 7a0e3c51 in 1.2 s';
    expect(redactSecrets(message)).toBe(message);
  });
});

describe('RedactingLogger', () => {
  const SECRET = 'ciphertext-SECRET-123';
  let written: string;

  beforeEach(() => {
    written = '';
    const capture = (chunk: string | Uint8Array): boolean => {
      written += String(chunk);
      return true;
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** A unique violation as TypeORM reports it from the pg driver: statement, parameters and the server's detail. */
  function uniqueViolation(): QueryFailedError {
    const driverError = Object.assign(
      new Error('duplicate key value violates unique constraint "UQ_mapping"'),
      {
        name: 'error',
        severity: 'ERROR',
        code: '23505',
        detail: `Key (external_id)=(${SECRET}) already exists.`,
        table: 'id_mappings',
        constraint: 'UQ_mapping',
      },
    );
    return new QueryFailedError(
      'INSERT INTO "id_mappings"("connection_id", "external_id", "ciphertext") VALUES ($1, $2, $3)',
      ['7a0e3c51', SECRET, SECRET],
      driverError,
    );
  }

  it('prints a database error as its statement and code, without its values', () => {
    const logger = new RedactingLogger('Test', 'log');

    // Nest's ExceptionsHandler logs an unhandled error as the object itself.
    logger.error(uniqueViolation());
    logger.warn(new Error('Write failed', { cause: uniqueViolation() }));

    expect(written).toContain('QueryFailedError 23505: INSERT INTO "id_mappings"');
    expect(written).toContain('constraint UQ_mapping');
    expect(written).not.toContain('SECRET');
    expect(written).not.toContain('7a0e3c51');
  });

  it('prints other errors as before', () => {
    new RedactingLogger('Test', 'log').error(new Error('Store answered HTTP 500'));

    expect(written).toContain('Store answered HTTP 500');
  });
});
