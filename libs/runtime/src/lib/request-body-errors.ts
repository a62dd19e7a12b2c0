import { HttpException, HttpStatus } from '@nestjs/common';
import { isJsonTooDeep, MAX_JSON_DEPTH } from '@storebridge/untrusted-input';
import type { NextFunction, Request, Response } from 'express';

/** The body refusals an HTTP edge may want to answer in its own words (shopimind.md §3: 413, 400). */
export type RequestBodyProblem =
  'payload_too_large' | 'invalid_json' | 'json_too_deep' | 'unsupported_encoding';

// body-parser marks its errors with a `type` (http-errors). These are the sender's fault: left untyped, Nest
// would log each at ERROR with a stack, which anyone could fill the logs with.
const PROBLEMS = new Map<string, { problem: RequestBodyProblem; status: HttpStatus }>([
  ['entity.too.large', { problem: 'payload_too_large', status: HttpStatus.PAYLOAD_TOO_LARGE }],
  ['entity.parse.failed', { problem: 'invalid_json', status: HttpStatus.BAD_REQUEST }],
  ['charset.unsupported', { problem: 'unsupported_encoding', status: HttpStatus.UNSUPPORTED_MEDIA_TYPE }],
  ['encoding.unsupported', { problem: 'unsupported_encoding', status: HttpStatus.UNSUPPORTED_MEDIA_TYPE }],
]);

/** A request body refused by the body parser, before any route ran. Its message never echoes the body. */
export class RequestBodyException extends HttpException {
  constructor(
    readonly problem: RequestBodyProblem,
    status: HttpStatus,
    cause?: unknown,
    /** A sentence for the sender, when the problem's code alone would not tell them what to change. */
    readonly reason?: string,
  ) {
    super({ statusCode: status, error: problem, ...(reason ? { message: reason } : {}) }, status, { cause });
  }
}

/**
 * Express middleware, placed right after the body parsers: a body nested deeper than MAX_JSON_DEPTH is refused
 * with a 400 before any guard, pipe or handler touches it, since recursive code (class-transformer, validation)
 * overflows the stack on thousands of levels and answers a 500, which senders retry. JSON.parse itself is
 * iterative in V8, and so is the depth walk.
 */
export function refuseDeepJson(request: Request, _response: Response, next: NextFunction): void {
  if (isJsonTooDeep(request.body, MAX_JSON_DEPTH)) {
    next(
      new RequestBodyException(
        'json_too_deep',
        HttpStatus.BAD_REQUEST,
        undefined,
        `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`,
      ),
    );
    return;
  }
  next();
}

/**
 * Express error middleware, placed right after the body parsers. Without it Nest turns invalid JSON into a
 * bare BadRequestException and leaves the 413 untyped, so no exception filter could tell them from other errors.
 */
export function requestBodyErrors(
  error: unknown,
  _request: Request,
  _response: Response,
  next: NextFunction,
): void {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  const known = typeof type === 'string' ? PROBLEMS.get(type) : undefined;
  next(known ? new RequestBodyException(known.problem, known.status, error) : error);
}
