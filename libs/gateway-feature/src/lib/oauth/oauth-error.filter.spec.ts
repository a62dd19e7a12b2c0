import { Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { errorPageFor, OAuthErrorFilter } from './oauth-error.filter';
import { OAuthErrorCode } from './oauth.exception';

describe('errorPageFor', () => {
  it('gives every error code its own title and tells the merchant how to start again', () => {
    const pages = Object.values(OAuthErrorCode).map(errorPageFor);

    expect(new Set(pages.map((page) => page.title)).size).toBe(pages.length);
    for (const page of pages) {
      expect(page.message).toContain('Go back to ShopiMind');
    }
  });
});

describe('OAuthErrorFilter', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('logs a failed statement without the values it carried', () => {
    const secret = 'ciphertext-SECRET-123';
    const driverError = Object.assign(new Error(`invalid input syntax for type uuid: "${secret}"`), {
      code: '22P02',
      severity: 'ERROR',
    });
    const failure = new QueryFailedError(
      'SELECT * FROM "oauth_authorizations" WHERE "id" = $1',
      [secret],
      driverError,
    );
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const response: Pick<Response, 'status' | 'set' | 'send'> = {
      status: () => response as Response,
      set: () => response as Response,
      send: () => response as Response,
    };
    const host = new ExecutionContextHost([{}, response]);

    new OAuthErrorFilter().catch(failure, host);

    expect(logged).toHaveBeenCalledTimes(1);
    const line = JSON.stringify(logged.mock.calls[0]);
    expect(line).toContain('22P02');
    expect(line).not.toContain(secret);
  });
});
