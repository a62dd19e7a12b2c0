import { createHash, timingSafeEqual } from 'node:crypto';
import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { readCookie } from '../oauth/csrf';
import { ADMIN_OPTIONS, type AdminOptions } from './admin.options';
import { ADMIN_SESSION_COOKIE, AdminSessions } from './status-page/admin-session';

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

/** A browser session only reads: the commands (POST) stay with API clients holding the token itself. */
const SESSION_METHODS = new Set(['GET', 'HEAD']);

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time: both sides are hashed first, so neither the
 * token's characters nor its length show in the time a refusal takes. For reading, the signed session cookie
 * the login form sets (a browser cannot send the header) will do too. Anything else is a bare 401.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    @Inject(ADMIN_OPTIONS) options: Pick<AdminOptions, 'token'>,
    @Optional() private readonly sessions?: AdminSessions,
  ) {
    this.expected = digest(options.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    if (this.isAuthenticated(http.getRequest<Request>())) {
      return true;
    }
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="admin"');
    throw new UnauthorizedException();
  }

  /** The admin token, in constant time. */
  isAdminToken(presented: string): boolean {
    return timingSafeEqual(digest(presented), this.expected);
  }

  isAuthenticated(request: Pick<Request, 'headers' | 'method'>): boolean {
    const header = request.headers.authorization;
    const presented = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (presented !== undefined && this.isAdminToken(presented)) {
      return true;
    }
    return (
      this.sessions !== undefined &&
      SESSION_METHODS.has(request.method) &&
      this.sessions.isValid(readCookie(request.headers.cookie, ADMIN_SESSION_COOKIE))
    );
  }
}
