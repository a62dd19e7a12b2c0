import { runWithCorrelation } from '@storebridge/messaging';
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

describe('RedactingLogger formats', () => {
  let stdout: string;
  let stderr: string;

  beforeEach(() => {
    stdout = '';
    stderr = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function jsonLines(): Array<Record<string, unknown>> {
    return stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('writes one JSON object a line, with time, level, context and message', () => {
    const logger = new RedactingLogger('Service', 'log', 'json');

    logger.log('Synced 250 products', 'SyncRunner');
    logger.warn('Slow store');

    expect(jsonLines()).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        level: 'info',
        context: 'SyncRunner',
        msg: 'Synced 250 products',
      },
      { time: expect.any(String), level: 'warn', context: 'Service', msg: 'Slow store' },
    ]);
  });

  it('adds the correlation scope to every line written inside it', () => {
    const logger = new RedactingLogger('Service', 'log', 'json');
    const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';

    runWithCorrelation({ correlationId: 'req-1', connectionId }, () => logger.log('inside'));
    logger.log('outside');

    const [inside, outside] = jsonLines();
    expect(inside).toMatchObject({ msg: 'inside', correlationId: 'req-1', connectionId });
    expect(outside).not.toHaveProperty('correlationId');
  });

  it('redacts secrets by path in structured fields', () => {
    const logger = new RedactingLogger('Service', 'log', 'json');

    logger.log({
      msg: 'Calling ShopiMind',
      req: {
        headers: {
          authorization: 'Bearer AUTH-SECRET',
          'x-api-key': 'KEY-SECRET',
          cookie: 'sid=COOKIE-SECRET',
        },
      },
      installation: { access_token: 'TOKEN-SECRET', name: 'shop' },
      password: 'PASSWORD-SECRET',
      credentials: { key: 'CREDENTIALS-SECRET' },
    });

    expect(stdout).not.toMatch(/SECRET/);
    const [line] = jsonLines();
    expect(line).toMatchObject({
      msg: 'Calling ShopiMind',
      req: { headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', cookie: '[redacted]' } },
      installation: { access_token: '[redacted]', name: 'shop' },
      password: '[redacted]',
      credentials: '[redacted]',
    });
  });

  it('masks what looks like a secret in messages, field values and stacks', () => {
    const logger = new RedactingLogger('Service', 'log', 'json');

    logger.log('Retrying with password: "hunter2"');
    logger.warn({ msg: 'Store refused', url: 'https://app:DBSECRET@store.test/api' });
    logger.error(new Error('call failed: Authorization: Bearer eyJSECRET'));

    expect(stdout).not.toMatch(/hunter2|DBSECRET|eyJSECRET/);
    expect(jsonLines().map((line) => line['msg'])).toEqual([
      'Retrying with password: "[redacted]"',
      'Store refused',
      'call failed: Authorization: [redacted]',
    ]);
  });

  it('writes only the levels LOG_LEVEL lets through', () => {
    const logger = new RedactingLogger('Service', 'warn', 'json');

    logger.debug('detail');
    logger.log('routine');
    logger.warn('odd');
    logger.error('broken');

    expect(jsonLines().map((line) => line['level'])).toEqual(['warn', 'error']);
  });

  it('writes debug and verbose lines at the verbose level', () => {
    const logger = new RedactingLogger('Service', 'verbose', 'json');

    logger.debug('detail');
    logger.verbose('more detail');

    expect(jsonLines().map((line) => line['level'])).toEqual(['debug', 'trace']);
  });

  it('writes one readable line in text format, errors to stderr', () => {
    const logger = new RedactingLogger('Service', 'log', 'text');

    runWithCorrelation({ correlationId: 'req-9' }, () => {
      logger.log({ msg: 'Pushed products', written: 48, entity: 'products' }, 'PushTargetService');
      logger.error('Store answered HTTP 500', 'SyncRunner');
    });

    expect(stdout).toMatch(
      /^\d{4}-\d\d-\d\dT\S+ INFO {2}\[PushTargetService\] Pushed products written=48 entity=products \[cid req-9\]\n$/,
    );
    expect(stderr).toMatch(/ERROR \[SyncRunner\] Store answered HTTP 500 \[cid req-9\]\n$/);
  });

  it('keeps the stack Nest passes with an error', () => {
    const logger = new RedactingLogger('Service', 'log', 'json');
    const stack = 'Error: boom\n    at handler (/app/main.js:10:5)';

    logger.error('Unhandled', stack, 'ExceptionsHandler');

    expect(jsonLines()).toEqual([
      expect.objectContaining({ context: 'ExceptionsHandler', msg: 'Unhandled', err: { stack } }),
    ]);
  });
});
