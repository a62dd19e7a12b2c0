import { signShopimindPayload, verifyShopimindSignature, type SignatureCheck } from './shopimind-signature';

const SECRET = 'whsec_current_0123456789';
const body = Buffer.from('{"event":"install","installation_id":"inst_1"}');
const now = 1_800_000_000;

function check(overrides: Partial<SignatureCheck> = {}): SignatureCheck {
  const timestamp = String(now);
  return {
    signature: signShopimindPayload(SECRET, timestamp, body),
    timestamp,
    rawBody: body,
    secrets: [SECRET],
    nowSeconds: now,
    maxAgeSeconds: 300,
    maxFutureSeconds: 60,
    ...overrides,
  };
}

describe('verifyShopimindSignature', () => {
  it('accepts a fresh signature over the exact raw bytes', () => {
    expect(verifyShopimindSignature(check())).toBe('valid');
  });

  it('signs <timestamp>.<body> with HMAC-SHA256 (vector from openssl dgst -hmac)', () => {
    expect(signShopimindPayload('k', 1700000000, '{"a":1}')).toBe(
      '1b6ad1bc9bf48c52ce01939866d5877c6cc4e87ddad27e16673cb8c4964394a3',
    );
  });

  it.each<[string, Partial<SignatureCheck>, string]>([
    ['no signature', { signature: undefined }, 'missing'],
    ['no timestamp', { timestamp: undefined }, 'missing'],
    ['a non-numeric timestamp', { timestamp: '2026-01-01' }, 'malformed_timestamp'],
    ['a timestamp older than the window', { nowSeconds: now + 301 }, 'stale'],
    ['a timestamp too far in the future', { nowSeconds: now - 61 }, 'future'],
    ['a signature made with another secret', { secrets: ['whsec_other_0123456789'] }, 'mismatch'],
    [
      'a body changed by one byte',
      { rawBody: Buffer.from(body.toString().replace('inst_1', 'inst_2')) },
      'mismatch',
    ],
    ['a signature that is not hex', { signature: 'not-a-signature' }, 'mismatch'],
  ])('rejects %s', (_label, overrides, verdict) => {
    expect(verifyShopimindSignature(check(overrides))).toBe(verdict);
  });

  it('accepts the edges of the window', () => {
    expect(verifyShopimindSignature(check({ nowSeconds: now + 300 }))).toBe('valid');
    expect(verifyShopimindSignature(check({ nowSeconds: now - 60 }))).toBe('valid');
  });

  it('accepts the previous secret during a rotation, and upper-case hex', () => {
    const signature = signShopimindPayload('whsec_previous_012345', String(now), body).toUpperCase();
    expect(verifyShopimindSignature(check({ signature, secrets: [SECRET, 'whsec_previous_012345'] }))).toBe(
      'valid',
    );
  });
});
