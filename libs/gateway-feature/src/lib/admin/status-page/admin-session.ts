import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CredentialCipher, ExpiringLinkSigner } from '@storebridge/security';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';

export const ADMIN_SESSION_COOKIE = 'storebridge_admin_session';

/** A working day: a forgotten browser tab stops being a way in by itself. */
export const ADMIN_SESSION_SECONDS = 8 * 60 * 60;

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Browser sessions of the admin pages, without stored state: the cookie holds `<id>.<expires>.<sig>`, an HMAC
 * over the id and expiry, never the token. The key is derived from CREDENTIALS_KEY for this purpose and bound to
 * ADMIN_TOKEN, so changing the token ends every open session.
 */
@Injectable()
export class AdminSessions {
  private readonly signer: ExpiringLinkSigner;

  constructor(cipher: CredentialCipher, @Inject(ADMIN_OPTIONS) options: Pick<AdminOptions, 'token'>) {
    const key = createHmac('sha256', cipher.purposeKey('admin-session'))
      .update(options.token, 'utf8')
      .digest();
    this.signer = new ExpiringLinkSigner(key);
  }

  /** A new session's cookie value. */
  issue(nowSeconds: number = unixNow()): string {
    const id = randomBytes(16).toString('base64url');
    const expires = nowSeconds + ADMIN_SESSION_SECONDS;
    return `${id}.${expires}.${this.signer.sign(subject(id), expires)}`;
  }

  /** The cookie value as received; anything odd is simply not a session. */
  isValid(value: string | undefined, nowSeconds: number = unixNow()): boolean {
    const [id, expires, sig, ...rest] = (value ?? '').split('.');
    if (rest.length > 0 || id === undefined || !SESSION_ID.test(id)) {
      return false;
    }
    return this.signer.check(subject(id), expires, sig, nowSeconds) === 'valid';
  }

  /** `Set-Cookie` of a new session: HttpOnly, SameSite=Strict, Secure when the request came over https. */
  setCookie(value: string, secure: boolean): string {
    return cookie(value, ADMIN_SESSION_SECONDS, secure);
  }

  clearCookie(secure: boolean): string {
    return cookie('', 0, secure);
  }
}

function subject(id: string): string {
  return `admin-session:${id}`;
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${ADMIN_SESSION_COOKIE}=${value}`,
    'Path=/admin',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
