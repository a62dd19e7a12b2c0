import { CredentialCipher, CredentialCipherError } from './credential-cipher';

const KEY = 'a'.repeat(64);

describe('CredentialCipher', () => {
  const cipher = new CredentialCipher(KEY);

  it('round-trips a secret without storing it in clear', () => {
    const stored = cipher.encrypt('spm_live_secret');
    expect(stored).not.toContain('spm_live_secret');
    expect(cipher.decrypt(stored)).toBe('spm_live_secret');
  });

  it('uses a fresh IV for each encryption', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('round-trips an empty string', () => {
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
  });

  it('rejects a value encrypted with another key', () => {
    const other = new CredentialCipher('b'.repeat(64));
    expect(() => cipher.decrypt(other.encrypt('x'))).toThrow(CredentialCipherError);
  });

  it('rejects a tampered ciphertext', () => {
    const stored = cipher.encrypt('token');
    const parts = stored.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow(/could not be decrypted/);
  });

  it.each(['', 'plain-text', 'v2.a.b.c', 'v1.a.b'])('rejects the malformed value %p', (value) => {
    expect(() => cipher.decrypt(value)).toThrow(CredentialCipherError);
  });

  it.each(['', 'abc', 'z'.repeat(64), 'a'.repeat(63)])('refuses the key %p', (key) => {
    expect(() => new CredentialCipher(key)).toThrow(/64 hexadecimal/);
  });

  describe('fingerprint', () => {
    it('is stable for a value and differs between values', () => {
      const cipher = new CredentialCipher(KEY);

      expect(cipher.fingerprint('config-a')).toBe(cipher.fingerprint('config-a'));
      expect(cipher.fingerprint('config-a')).not.toBe(cipher.fingerprint('config-b'));
    });

    it('depends on the key, so a leaked fingerprint cannot be checked against guesses without it', () => {
      const other = new CredentialCipher('0'.repeat(64));

      expect(new CredentialCipher(KEY).fingerprint('secret')).not.toBe(other.fingerprint('secret'));
      expect(new CredentialCipher(KEY).fingerprint('secret')).not.toContain('secret');
    });
  });
  describe('purposeKey', () => {
    it('is 32 bytes, stable for a purpose, different between purposes and keys', () => {
      const cipher = new CredentialCipher(KEY);
      const key = cipher.purposeKey('merchant-link');

      expect(key).toHaveLength(32);
      expect(cipher.purposeKey('merchant-link').equals(key)).toBe(true);
      expect(cipher.purposeKey('other').equals(key)).toBe(false);
      expect(new CredentialCipher('0'.repeat(64)).purposeKey('merchant-link').equals(key)).toBe(false);
    });

    it('is not the encryption key', () => {
      expect(new CredentialCipher(KEY).purposeKey('merchant-link').toString('hex')).not.toBe(
        KEY.toLowerCase(),
      );
    });
  });
});
