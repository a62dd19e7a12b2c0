import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { runMain } from './run-main';

describe('runMain', () => {
  let errors: jest.SpyInstance;
  let exited: Promise<number | string | null | undefined>;

  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    exited = new Promise((resolve) => {
      jest.spyOn(process, 'exit').mockImplementation((code) => {
        resolve(code);
        return undefined as never;
      });
    });
  });

  afterEach(() => jest.restoreAllMocks());

  it('logs a database error that stopped the start-up without the values it quotes, and exits 1', async () => {
    const driverError = Object.assign(
      new Error('invalid input syntax for type uuid: "ciphertext-SECRET-123"'),
      {
        code: '22P02',
      },
    );
    const failure = new QueryFailedError(
      'SELECT "id" FROM "installations" WHERE "id" = $1',
      ['ciphertext-SECRET-123'],
      driverError,
    );

    runMain(() => Promise.reject(failure));

    expect(await exited).toBe(1);
    const [line] = errors.mock.calls[0] as [string];
    expect(line).toContain('Start-up failed: QueryFailedError 22P02: SELECT … FROM "installations"');
    expect(line).not.toContain('SECRET');
  });

  it('logs the stack of any other start-up failure', async () => {
    runMain(() => Promise.reject(new Error('port 3000 in use')));

    expect(await exited).toBe(1);
    expect(errors).toHaveBeenCalledWith(
      expect.stringMatching(/^Start-up failed: Error: port 3000 in use\n\s+at /),
    );
  });
});
