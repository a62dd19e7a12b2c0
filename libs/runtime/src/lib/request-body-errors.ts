import { HttpException, HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** The body-parser refusals an HTTP edge may want to answer in its own words (shopimind.md §3: 413, 400). */
export type RequestBodyProblem = 'payload_too_large' | 'invalid_json';

// body-parser marks its errors with a `type` (http-errors); only these two are the client's fault and common.
const PROBLEMS = new Map<string, { problem: RequestBodyProblem; status: HttpStatus }>([
  ['entity.too.large', { problem: 'payload_too_large', status: HttpStatus.PAYLOAD_TOO_LARGE }],
  ['entity.parse.failed', { problem: 'invalid_json', status: HttpStatus.BAD_REQUEST }],
]);

/** A request body refused by the body parser, before any route ran. Its message never echoes the body. */
export class RequestBodyException extends HttpException {
  constructor(
    readonly problem: RequestBodyProblem,
    status: HttpStatus,
    cause?: unknown,
  ) {
    super({ statusCode: status, error: problem }, status, { cause });
  }
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
