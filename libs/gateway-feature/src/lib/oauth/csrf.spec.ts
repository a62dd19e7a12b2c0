import { csrfCookieName, csrfTokenFor, isValidCsrf, newCsrfSecret, readCookie } from './csrf';

const ID = '6f1c2d3e-0000-4000-8000-000000000001';

describe('CSRF token', () => {
  it('is bound to the authorization and to its secret', () => {
    const secret = newCsrfSecret();
    const token = csrfTokenFor(secret, ID);

    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(csrfTokenFor(secret, ID)).toBe(token);
    expect(csrfTokenFor(secret, '6f1c2d3e-0000-4000-8000-000000000002')).not.toBe(token);
    expect(csrfTokenFor(newCsrfSecret(), ID)).not.toBe(token);
  });

  it('is valid only when the form and the cookie both carry it', () => {
    const token = csrfTokenFor(newCsrfSecret(), ID);
    const other = 'ab'.repeat(32);

    expect(isValidCsrf(token, token, token)).toBe(true);
    expect(isValidCsrf(token, token, undefined)).toBe(false);
    expect(isValidCsrf(token, undefined, token)).toBe(false);
    expect(isValidCsrf(token, other, token)).toBe(false);
    expect(isValidCsrf(token, token, other)).toBe(false);
    expect(isValidCsrf(token, '', '')).toBe(false);
  });

  it('names one cookie per authorization, with cookie-safe characters only', () => {
    expect(csrfCookieName(ID)).toBe('oauth_csrf_6f1c2d3e000040008000000000000001');
  });
});

describe('readCookie', () => {
  it.each<[string | undefined, string | undefined]>([
    ['a=1; oauth_csrf_x=tok; b=2', 'tok'],
    ['oauth_csrf_x=tok', 'tok'],
    ['  oauth_csrf_x = tok ', 'tok'],
    ['oauth_csrf_xy=other; xoauth_csrf_x=other', undefined],
    ['oauth_csrf_x=a=b', 'a=b'],
    ['', undefined],
    [undefined, undefined],
  ])('reads %p', (header, value) => {
    expect(readCookie(header, 'oauth_csrf_x')).toBe(value);
  });
});
