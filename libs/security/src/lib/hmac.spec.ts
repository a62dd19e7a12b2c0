import { hmacSha256Hex, safeEqualHex, safeEqualText } from './hmac';

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

describe('safeEqualText', () => {
  it.each([
    ['the same text', 'sk_live_123', 'sk_live_123', true],
    ['another text of the same length', 'sk_live_123', 'sk_live_124', false],
    ['a prefix', 'sk_live_123', 'sk_live_12', false],
    ['a longer text', 'sk_live_123', 'sk_live_1234', false],
    ['an empty text', 'sk_live_123', '', false],
    ['two empty texts', '', '', true],
    ['the same text in another case', 'Secret', 'secret', false],
  ])('compares %s', (_label, expected, received, equal) => {
    expect(safeEqualText(expected, received)).toBe(equal);
  });
});
