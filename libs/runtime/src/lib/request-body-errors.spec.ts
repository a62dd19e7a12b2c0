import { HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequestBodyException, requestBodyErrors } from './request-body-errors';

/** body-parser's errors are http-errors objects: an Error with `status` and `type`. */
function bodyParserError(type: string, status: number, base: Error = new Error('refused')): Error {
  return Object.assign(base, { type, status, statusCode: status, expose: true });
}

function passedOn(error: unknown): unknown {
  const next = jest.fn();
  requestBodyErrors(error, {} as Request, {} as Response, next);
  expect(next).toHaveBeenCalledTimes(1);
  return next.mock.calls[0][0];
}

describe('requestBodyErrors', () => {
  it.each([
    ['a body over the limit', bodyParserError('entity.too.large', 413), 'payload_too_large', 413],
    [
      'unparseable JSON',
      bodyParserError('entity.parse.failed', 400, new SyntaxError('Unexpected token')),
      'invalid_json',
      400,
    ],
  ])('turns %s into a RequestBodyException', (_label, error, problem, status) => {
    const passed = passedOn(error);

    expect(passed).toBeInstanceOf(RequestBodyException);
    const exception = passed as RequestBodyException;
    expect(exception.problem).toBe(problem);
    expect(exception.getStatus()).toBe(status);
    expect(exception.cause).toBe(error);
  });

  it("never repeats the parser's message, which may quote the body", () => {
    const exception = passedOn(
      bodyParserError('entity.parse.failed', 400, new SyntaxError('"spm_secret_token" is not valid JSON')),
    ) as RequestBodyException;

    expect(JSON.stringify(exception.getResponse())).not.toContain('spm_secret_token');
    expect(exception.getResponse()).toEqual({ statusCode: HttpStatus.BAD_REQUEST, error: 'invalid_json' });
  });

  it.each([
    ['another body-parser error', bodyParserError('encoding.unsupported', 415)],
    ['an error without a type', new Error('boom')],
    ['a thrown string', 'boom'],
  ])('passes %s on unchanged', (_label, error) => {
    expect(passedOn(error)).toBe(error);
  });
});
