import {
  canonicalQuery,
  rfc3986Encode,
  signedShopimindQueryString,
  signShopimindQuery,
  verifyShopimindQuery,
  type QuerySignatureCheck,
} from './shopimind-query-signature';

const SECRET = 'whsec_current_0123456789';
const now = 1_800_000_000;
const params = {
  state: 'st_0123456789',
  redirect_uri: 'https://app.shopimind.com/oauth/callback',
  ts: String(now),
};

function check(overrides: Partial<QuerySignatureCheck> = {}): QuerySignatureCheck {
  return {
    params: { ...params, sig: signShopimindQuery(SECRET, params) },
    secrets: [SECRET],
    nowSeconds: now,
    maxAgeSeconds: 300,
    maxFutureSeconds: 60,
    ...overrides,
  };
}

describe('canonicalQuery', () => {
  it('sorts by key, leaves out sig and percent-encodes per RFC 3986', () => {
    expect(
      canonicalQuery({
        ts: '1700000000',
        state: "a b*!'()~",
        sig: 'ignored',
        redirect_uri: 'https://x.test/cb?a=1&b=2',
      }),
    ).toBe(
      'redirect_uri=https%3A%2F%2Fx.test%2Fcb%3Fa%3D1%26b%3D2&state=a%20b%2A%21%27%28%29~&ts=1700000000',
    );
  });

  it('encodes non-ASCII characters as UTF-8 bytes with upper-case hex', () => {
    expect(rfc3986Encode('Café/é')).toBe('Caf%C3%A9%2F%C3%A9');
    expect(canonicalQuery({ shop_name: 'Boutique Élise' })).toBe('shop_name=Boutique%20%C3%89lise');
  });

  it('gives the same string whatever the order or transport encoding of the URL', () => {
    const plus = new URLSearchParams('ts=1&state=a+b&redirect_uri=https%3a%2f%2fx.test');
    const percent = new URLSearchParams('redirect_uri=https%3A%2F%2Fx.test&state=a%20b&ts=1');

    expect(canonicalQuery(plus)).toBe(canonicalQuery(percent));
    expect(canonicalQuery(plus)).toBe('redirect_uri=https%3A%2F%2Fx.test&state=a%20b&ts=1');
  });

  it('orders repeated keys by value so pairs have one canonical form', () => {
    expect(
      canonicalQuery([
        ['b', '2'],
        ['a', 'z'],
        ['a', 'y'],
      ]),
    ).toBe('a=y&a=z&b=2');
  });

  it('sorts on the encoded key (byte order), so upper case comes before lower case', () => {
    expect(canonicalQuery({ b: '1', B: '2', 'a b': '3' })).toBe('B=2&a%20b=3&b=1');
  });
});

describe('signShopimindQuery', () => {
  it('signs <ts>.<canonical query> with HMAC-SHA256 (vector from openssl dgst -hmac)', () => {
    expect(
      signShopimindQuery('k', {
        state: 'a b*',
        ts: '1700000000',
        redirect_uri: 'https://app.shopimind.com/oauth/callback',
      }),
    ).toBe('733bec713704d7de217d12dbb825a5ebee912a7ac4ceb404b9eeba4d109769f7');
  });

  it('refuses to sign a query without ts', () => {
    expect(() => signShopimindQuery('k', { state: 'x' })).toThrow(/ts/);
  });

  it('builds a query string that verifies once parsed back', () => {
    const query = signedShopimindQueryString(SECRET, { ...params, shop_name: 'Tom & Jerry <3' });

    expect(verifyShopimindQuery(check({ params: new URLSearchParams(query) }))).toBe('valid');
  });
});

describe('verifyShopimindQuery', () => {
  it('accepts a fresh signature', () => {
    expect(verifyShopimindQuery(check())).toBe('valid');
  });

  it('accepts a rotated-out secret still in the list', () => {
    const sig = signShopimindQuery('whsec_previous_012345', params);

    expect(
      verifyShopimindQuery(check({ params: { ...params, sig }, secrets: [SECRET, 'whsec_previous_012345'] })),
    ).toBe('valid');
  });

  it.each<[string, Partial<QuerySignatureCheck>, string]>([
    ['no sig', { params }, 'missing'],
    ['no ts', { params: { state: params.state, sig: 'ab' } }, 'missing'],
    ['a ts older than the window', { nowSeconds: now + 301 }, 'stale'],
    ['a ts too far in the future', { nowSeconds: now - 61 }, 'future'],
    ['another secret', { secrets: ['whsec_other_0123456789'] }, 'mismatch'],
    [
      'a changed redirect_uri',
      {
        params: {
          ...params,
          redirect_uri: 'https://evil.example/cb',
          sig: signShopimindQuery(SECRET, params),
        },
      },
      'mismatch',
    ],
    [
      'an added parameter',
      { params: { ...params, extra: '1', sig: signShopimindQuery(SECRET, params) } },
      'mismatch',
    ],
    [
      'a repeated parameter',
      {
        params: [
          ...Object.entries(params),
          ['state', 'other'],
          ['sig', signShopimindQuery(SECRET, params)],
        ] as Array<[string, string]>,
      },
      'duplicate_parameter',
    ],
  ])('rejects %s', (_label, overrides, verdict) => {
    expect(verifyShopimindQuery(check(overrides))).toBe(verdict);
  });
});
