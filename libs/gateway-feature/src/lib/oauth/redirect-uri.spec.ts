import { callbackUrl, isAllowedRedirectUri, redirectOrigins } from './redirect-uri';

const ALLOWED = ['https://app.shopimind.com/oauth/callback', 'https://eu.shopimind.com/cb?region=eu'];

describe('isAllowedRedirectUri', () => {
  it.each([
    ['https://app.shopimind.com/oauth/callback', true],
    ['https://eu.shopimind.com/cb?region=eu', true],
    ['https://app.shopimind.com/oauth/callback/', false],
    ['https://app.shopimind.com/oauth/callback?x=1', false],
    ['https://app.shopimind.com/oauth/callback#x', false],
    ['https://app.shopimind.com/oauth/callback.evil.example', false],
    ['https://app.shopimind.com.evil.example/oauth/callback', false],
    ['http://app.shopimind.com/oauth/callback', false],
    ['HTTPS://APP.SHOPIMIND.COM/oauth/callback', false],
    ['https://eu.shopimind.com/cb', false],
  ])('%s → %p (exact match only)', (uri, allowed) => {
    expect(isAllowedRedirectUri(uri, ALLOWED)).toBe(allowed);
  });

  it('allows nothing with an empty list', () => {
    expect(isAllowedRedirectUri(ALLOWED[0], [])).toBe(false);
  });
});

describe('callbackUrl', () => {
  it('adds the parameters, encoded, and keeps the ones the redirect_uri already has', () => {
    const url = new URL(
      callbackUrl(ALLOWED[1], {
        state: 'a b&c=d',
        external_account_id: 'id-1',
        external_account_name: 'Shop & Co',
      }),
    );

    expect(url.origin + url.pathname).toBe('https://eu.shopimind.com/cb');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      region: 'eu',
      state: 'a b&c=d',
      external_account_id: 'id-1',
      external_account_name: 'Shop & Co',
    });
  });

  it('replaces a parameter of the same name instead of sending it twice', () => {
    const url = new URL(callbackUrl('https://app.example/cb?state=old', { state: 'new' }));

    expect(url.searchParams.getAll('state')).toEqual(['new']);
  });
});

describe('redirectOrigins', () => {
  it('lists each origin once and skips what is not a URL', () => {
    expect(redirectOrigins([...ALLOWED, 'https://app.shopimind.com/other', 'not a url'])).toEqual([
      'https://app.shopimind.com',
      'https://eu.shopimind.com',
    ]);
  });
});
