import { hmacSha256Hex, safeEqualHex } from './hmac';

describe('hmacSha256Hex', () => {
  it('matches the RFC 4231 test case 2 digest', () => {
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('safeEqualHex', () => {
  const sig = hmacSha256Hex('k', 'm');
  it.each([
    ['the same signature', sig, true],
    ['a different signature', hmacSha256Hex('k', 'n'), false],
    ['a truncated signature', sig.slice(0, 10), false],
    ['upper-case hex of the same bytes', sig.toUpperCase(), true],
    ['non-hex garbage', 'zz'.repeat(32), false],
    ['an empty string', '', false],
  ])('compares %s', (_label, received, expected) => {
    expect(safeEqualHex(sig, received)).toBe(expected);
  });
});
