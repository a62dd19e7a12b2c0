import { CredentialCipher } from '@storebridge/security';
import { ADMIN_SESSION_COOKIE, ADMIN_SESSION_SECONDS, AdminSessions } from './admin-session';

const TOKEN = 'admin-token-0123456789abcdef0123456789';
const cipher = new CredentialCipher('ab'.repeat(32));
const NOW = 1_800_000_000;

describe('AdminSessions', () => {
  const sessions = new AdminSessions(cipher, { token: TOKEN });

  it('accepts its own session until it expires, and holds neither the token nor the key', () => {
    const value = sessions.issue(NOW);

    expect(sessions.isValid(value, NOW)).toBe(true);
    expect(sessions.isValid(value, NOW + ADMIN_SESSION_SECONDS)).toBe(true);
    expect(sessions.isValid(value, NOW + ADMIN_SESSION_SECONDS + 1)).toBe(false);
    expect(value).not.toContain(TOKEN);
    expect(value).not.toContain('ab'.repeat(32));
  });

  it('gives each session its own id', () => {
    expect(sessions.issue(NOW)).not.toBe(sessions.issue(NOW));
  });

  it('refuses a session of another admin token, so changing the token signs everyone out', () => {
    const other = new AdminSessions(cipher, { token: `${TOKEN}-rotated` });

    expect(other.isValid(sessions.issue(NOW), NOW)).toBe(false);
  });

  it.each([
    ['nothing', undefined],
    ['an empty value', ''],
    ['the admin token itself', TOKEN],
    [
      'a longer expiry',
      (value: string) => value.replace(/\.(\d+)\./, (_m, e: string) => `.${Number(e) + 1}.`),
    ],
    ['a tampered id', (value: string) => `A${value.slice(1)}`],
    ['an extra part', (value: string) => `${value}.x`],
  ])('refuses %s', (_label, make) => {
    const value = typeof make === 'function' ? make(sessions.issue(NOW)) : make;

    expect(sessions.isValid(value, NOW)).toBe(false);
  });

  it('sets an HttpOnly, SameSite=Strict cookie for /admin, Secure over https only', () => {
    expect(sessions.setCookie('v', true)).toBe(
      `${ADMIN_SESSION_COOKIE}=v; Path=/admin; Max-Age=${ADMIN_SESSION_SECONDS}; HttpOnly; SameSite=Strict; Secure`,
    );
    expect(sessions.setCookie('v', false)).not.toContain('Secure');
    expect(sessions.clearCookie(false)).toContain('Max-Age=0');
  });
});
