import { randomBytes } from 'node:crypto';
import { ExpiringLinkSigner } from './expiring-link';

describe('ExpiringLinkSigner', () => {
  const signer = new ExpiringLinkSigner(randomBytes(32));
  const now = 1_800_000_000;
  const expires = now + 3600;
  const sig = signer.sign('connection-1', expires);

  it('accepts its own signature until the link expires', () => {
    expect(signer.check('connection-1', String(expires), sig, now)).toBe('valid');
    expect(signer.check('connection-1', String(expires), sig, expires)).toBe('valid');
  });

  it('says a link past its expiry is expired, not invalid', () => {
    expect(signer.check('connection-1', String(expires), sig, expires + 1)).toBe('expired');
  });

  it.each([
    ['another subject', 'connection-2', String(expires), sig],
    ['a later expiry', 'connection-1', String(expires + 1), sig],
    [
      'a tampered signature',
      'connection-1',
      String(expires),
      `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`,
    ],
    ['a truncated signature', 'connection-1', String(expires), sig.slice(0, 32)],
    ['a zero-padded expiry', 'connection-1', `0${expires}`, sig],
    ['a non-numeric expiry', 'connection-1', '1e10', sig],
    ['no expiry', 'connection-1', undefined, sig],
    ['no signature', 'connection-1', String(expires), undefined],
    ['a repeated query parameter', 'connection-1', [String(expires)], sig],
  ])('refuses %s', (_label, subject, sentExpires, sentSig) => {
    expect(signer.check(subject, sentExpires, sentSig, now)).toBe('invalid');
  });

  it('refuses a signature made with another key', () => {
    const other = new ExpiringLinkSigner(randomBytes(32));
    expect(signer.check('connection-1', String(expires), other.sign('connection-1', expires), now)).toBe(
      'invalid',
    );
  });

  it('refuses a key too short to sign with', () => {
    expect(() => new ExpiringLinkSigner(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
