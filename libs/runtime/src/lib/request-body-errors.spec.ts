import { HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequestBodyException, refuseDeepJson, requestBodyErrors } from './request-body-errors';

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

  it.each(['charset.unsupported', 'encoding.unsupported'])(
    'types %s as a 415 of the sender, not an error of ours',
    (type) => {
      const exception = passedOn(bodyParserError(type, 415)) as RequestBodyException;

      expect(exception).toBeInstanceOf(RequestBodyException);
      expect(exception.getResponse()).toEqual({
        statusCode: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        error: 'unsupported_encoding',
      });
    },
  );

  it.each([
    ['another body-parser error', bodyParserError('stream.not.readable', 500)],
    ['an error without a type', new Error('boom')],
    ['a thrown string', 'boom'],
  ])('passes %s on unchanged', (_label, error) => {
    expect(passedOn(error)).toBe(error);
  });
});

describe('refuseDeepJson', () => {
  /** `levels` arrays inside each other, parsed as body-parser does. */
  function nestedArrays(levels: number): unknown {
    return JSON.parse('['.repeat(levels) + ']'.repeat(levels));
  }

  function verdictOn(body: unknown): unknown {
    const next = jest.fn();
    refuseDeepJson({ body } as Request, {} as Response, next);
    expect(next).toHaveBeenCalledTimes(1);
    return next.mock.calls[0][0];
  }

  it.each([
    ['no body', undefined],
    ['a scalar', 'x'],
    ['a flat form', { state: 'st_1', store_base_url: 'https://shop.example.com' }],
    ['a body 64 levels deep', nestedArrays(64)],
  ])('lets %s through', (_label, body) => {
    expect(verdictOn(body)).toBeUndefined();
  });

  it.each([65, 5_000, 100_000])('refuses a body %i levels deep with a 400 and the reason', (levels) => {
    const refused = verdictOn(nestedArrays(levels));

    expect(refused).toBeInstanceOf(RequestBodyException);
    const exception = refused as RequestBodyException;
    expect(exception.problem).toBe('json_too_deep');
    expect(exception.getStatus()).toBe(HttpStatus.BAD_REQUEST);
    expect(exception.getResponse()).toEqual({
      statusCode: HttpStatus.BAD_REQUEST,
      error: 'json_too_deep',
      message: 'the JSON body is nested deeper than 64 levels',
    });
  });
});
