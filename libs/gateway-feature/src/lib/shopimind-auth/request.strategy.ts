import type { Request } from 'express';

export type RequestVerified = (error: unknown, user?: unknown, info?: unknown) => void;
export type RequestVerify = (request: Request, done: RequestVerified) => unknown;

/**
 * The smallest passport strategy: hands the whole request to a verify callback, which @nestjs/passport's
 * `PassportStrategy()` supplies (it calls the subclass's `validate`). passport-strategy's `Strategy` ships no
 * types and only declares `authenticate`, so this stands in for it. passport runs each request on a copy of
 * the registered strategy (`Object.create`) to which it attaches `success`, `fail` and `error`.
 */
export class RequestStrategy {
  declare success: (user: unknown, info?: unknown) => void;
  declare fail: (challenge?: unknown, status?: number) => void;
  declare error: (error: unknown) => void;

  constructor(private readonly verify: RequestVerify) {}

  authenticate(request: Request): void {
    this.verify(request, (error, user, info) => {
      if (error) {
        this.error(error);
      } else if (user) {
        this.success(user, info);
      } else {
        this.fail(info, 401);
      }
    });
  }
}
