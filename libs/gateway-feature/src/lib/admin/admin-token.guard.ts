import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ADMIN_OPTIONS, type AdminOptions } from './admin.options';

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time: both sides are hashed first, so neither the
 * token's characters nor its length show in the time a refusal takes. Anything else is a bare 401.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(ADMIN_OPTIONS) options: Pick<AdminOptions, 'token'>) {
    this.expected = digest(options.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const header = http.getRequest<Request>().headers.authorization;
    const presented = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (presented !== undefined && timingSafeEqual(digest(presented), this.expected)) {
      return true;
    }
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="admin"');
    throw new UnauthorizedException();
  }
}
