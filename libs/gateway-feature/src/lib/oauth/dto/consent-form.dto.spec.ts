import { parseConsentBinding, parseConsentForm, redisplayedValues } from './consent-form.dto';

const ID = '6f1c2d3e-0000-4000-8000-000000000001';
const TOKEN = 'ab'.repeat(32);

describe('parseConsentBinding', () => {
  it('accepts a uuid and a 64-hex token', () => {
    expect(parseConsentBinding({ authorization_id: ID, csrf_token: TOKEN })).toEqual({
      authorization_id: ID,
      csrf_token: TOKEN,
    });
  });

  it.each([
    ['no fields', {}],
    ['an id that is not a uuid', { authorization_id: 'x', csrf_token: TOKEN }],
    ['a short token', { authorization_id: ID, csrf_token: 'abc' }],
    ['a repeated field (an array once parsed)', { authorization_id: [ID, ID], csrf_token: TOKEN }],
  ])('refuses %s', (_label, body) => {
    expect(parseConsentBinding(body)).toBeNull();
  });
});

describe('parseConsentForm', () => {
  it('builds api_key auth from the token, trimmed', () => {
    const parsed = parseConsentForm({
      store_base_url: ' https://shop.example.com ',
      store_auth_method: 'api_key',
      store_api_token: ' key_1 ',
      store_password: 'ignored',
    });

    expect(parsed).toEqual({
      ok: true,
      form: expect.objectContaining({ store_base_url: 'https://shop.example.com' }),
      auth: { method: 'api_key', token: 'key_1' },
    });
  });

  it('builds basic auth and keeps the spaces of a password', () => {
    const parsed = parseConsentForm({
      store_base_url: 'https://shop.example.com',
      store_auth_method: 'basic',
      store_username: 'merchant',
      store_password: ' pass word ',
    });

    expect(parsed).toEqual(
      expect.objectContaining({
        ok: true,
        auth: { method: 'basic', username: 'merchant', password: ' pass word ' },
      }),
    );
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no base URL', { store_auth_method: 'api_key', store_api_token: 'k' }, /Store URL/],
    [
      'an unknown auth method',
      { store_base_url: 'https://s.example', store_auth_method: 'oauth' },
      /authentication method/,
    ],
    [
      'a bearer method without token',
      { store_base_url: 'https://s.example', store_auth_method: 'bearer' },
      /API key or token/,
    ],
    [
      'a control character in the account name',
      {
        store_base_url: 'https://s.example',
        store_auth_method: 'api_key',
        store_api_token: 'k',
        account_name: 'a\u0007b',
      },
      /control characters/,
    ],
    [
      'an account name over 100 characters',
      {
        store_base_url: 'https://s.example',
        store_auth_method: 'api_key',
        store_api_token: 'k',
        account_name: 'x'.repeat(101),
      },
      /at most 100/,
    ],
    [
      'a protocol-relative health path',
      {
        store_base_url: 'https://s.example',
        store_auth_method: 'api_key',
        store_api_token: 'k',
        health_path: '//evil',
      },
      /single "\/"/,
    ],
  ])('explains %s', (_label, body, message) => {
    const parsed = parseConsentForm(body);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.errors.join(' ')).toMatch(message);
  });

  it('gives one message per wrong field', () => {
    const parsed = parseConsentForm({});

    expect(parsed.ok ? [] : parsed.errors).toHaveLength(3);
  });
});

describe('redisplayedValues', () => {
  it('keeps what is not secret and drops the token and password', () => {
    const values = redisplayedValues({
      store_base_url: ' https://s.example ',
      store_auth_method: 'basic',
      store_api_token: 'secret-token',
      store_username: 'merchant',
      store_password: 'secret-password',
      account_name: 'Mine',
    });

    expect(values).toEqual({
      storeBaseUrl: 'https://s.example',
      storeAuthMethod: 'basic',
      storeUsername: 'merchant',
      healthPath: '/health',
      accountName: 'Mine',
    });
    expect(JSON.stringify(values)).not.toMatch(/secret/);
  });

  it('falls back to defaults for odd or repeated fields', () => {
    expect(redisplayedValues({ store_auth_method: 'oauth', store_base_url: ['a', 'b'] })).toEqual(
      expect.objectContaining({ storeAuthMethod: 'api_key', storeBaseUrl: '' }),
    );
  });
});
