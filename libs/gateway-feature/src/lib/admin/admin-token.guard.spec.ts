import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { CredentialCipher } from '@storebridge/security';
import { AdminTokenGuard } from './admin-token.guard';
import { ADMIN_SESSION_COOKIE, AdminSessions } from './status-page/admin-session';

const TOKEN = 'admin-token-0123456789abcdef0123456789';

function contextWith(authorization: string | string[] | undefined): {
  context: ExecutionContext;
  headers: Record<string, string>;
} {
  const headers: Record<string, string> = {};
  const request = { headers: authorization === undefined ? {} : { authorization } };
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

describe('AdminTokenGuard', () => {
  const guard = new AdminTokenGuard({ token: TOKEN });

  it('lets the ADMIN_TOKEN Bearer through', () => {
    expect(guard.canActivate(contextWith(`Bearer ${TOKEN}`).context)).toBe(true);
  });

  it.each([
    ['no Authorization header', undefined],
    ['another token', 'Bearer admin-token-0123456789abcdef0123456788'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token and more', `Bearer ${TOKEN}x`],
    ['the token without the Bearer scheme', TOKEN],
    ['another scheme', `Basic ${TOKEN}`],
    ['a lower-case scheme', `bearer ${TOKEN}`],
    ['two spaces', `Bearer  ${TOKEN}`],
    ['an empty Bearer', 'Bearer '],
    ['a non-ASCII token', `Bearer ${TOKEN}é`],
  ])('refuses %s with a 401 that names the Bearer scheme', (_label, authorization) => {
    const { context, headers } = contextWith(authorization);

    expect(() => guard.canActivate(context)).toThrow(UnauthorizedException);
    expect(headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="admin"' });
  });

  it('refuses a header sent twice (an array), whatever it holds', () => {
    expect(() => guard.canActivate(contextWith([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]).context)).toThrow(
      UnauthorizedException,
    );
  });
});

describe('AdminTokenGuard with browser sessions', () => {
  const sessions = new AdminSessions(new CredentialCipher('ab'.repeat(32)), { token: TOKEN });
  const guard = new AdminTokenGuard({ token: TOKEN }, sessions);
  const request = (method: string, cookie: string | undefined, authorization?: string) => ({
    method,
    headers: {
      ...(cookie === undefined ? {} : { cookie }),
      ...(authorization === undefined ? {} : { authorization }),
    },
  });

  it('lets a signed session read (GET, HEAD), never send a command (POST)', () => {
    const cookie = `other=1; ${ADMIN_SESSION_COOKIE}=${sessions.issue()}`;

    expect(guard.isAuthenticated(request('GET', cookie))).toBe(true);
    expect(guard.isAuthenticated(request('HEAD', cookie))).toBe(true);
    expect(guard.isAuthenticated(request('POST', cookie))).toBe(false);
  });

  it('refuses a forged or missing session, and still takes the Bearer token', () => {
    expect(guard.isAuthenticated(request('GET', `${ADMIN_SESSION_COOKIE}=${TOKEN}`))).toBe(false);
    expect(guard.isAuthenticated(request('GET', undefined))).toBe(false);
    expect(guard.isAuthenticated(request('POST', undefined, `Bearer ${TOKEN}`))).toBe(true);
  });
});
