import {
  DEFAULT_PER_PAGE,
  DEFAULT_STORE_PATHS,
  resolveStoreSettings,
  StoreConnectionInput,
  StoreSettingsError,
} from './store-settings';

const input = (overrides: Partial<StoreConnectionInput> = {}): StoreConnectionInput => ({
  baseUrl: 'https://shop.example',
  auth: { method: 'api_key', token: 'k-123' },
  ...overrides,
});

describe('resolveStoreSettings', () => {
  it('fills in the spec defaults', () => {
    expect(resolveStoreSettings(input())).toEqual({
      baseUrl: 'https://shop.example',
      auth: { method: 'api_key', token: 'k-123' },
      paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
      fieldMappings: { products: {}, orders: {} },
      perPage: DEFAULT_PER_PAGE,
    });
    expect(DEFAULT_STORE_PATHS).toEqual({
      health: '/health',
      products: '/api/products',
      orders: '/api/orders',
    });
    expect(DEFAULT_PER_PAGE).toBe(50);
  });

  it('keeps given paths, mappings and page size', () => {
    const settings = resolveStoreSettings(
      input({
        paths: { products: ' /wp-json/shop/v1/products ' },
        fieldMappings: { products: { price: ' pricing.amount ' } },
        perPage: 100,
      }),
    );
    expect(settings).toMatchObject({
      paths: { health: '/health', products: '/wp-json/shop/v1/products', orders: '/api/orders' },
      fieldMappings: { products: { price: 'pricing.amount' }, orders: {} },
      perPage: 100,
    });
  });

  it.each([
    ['https://shop.example/', 'https://shop.example'],
    ['  https://Shop.Example  ', 'https://shop.example'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
  ])('normalizes the base URL %p', (baseUrl, expected) => {
    expect(resolveStoreSettings(input({ baseUrl })).baseUrl).toBe(expected);
  });

  it.each<[string, Partial<StoreConnectionInput>, string]>([
    ['a relative base URL', { baseUrl: 'shop.example' }, 'baseUrl'],
    ['an ftp base URL', { baseUrl: 'ftp://shop.example' }, 'baseUrl'],
    ['a base URL with a path', { baseUrl: 'https://shop.example/api' }, 'baseUrl'],
    ['a base URL with a query', { baseUrl: 'https://shop.example?key=1' }, 'baseUrl'],
    ['a base URL with credentials', { baseUrl: 'https://user:pw@shop.example' }, 'baseUrl'],
    ['a path without a leading slash', { paths: { products: 'api/products' } }, 'paths.products'],
    ['a protocol-relative path', { paths: { health: '//evil.example/health' } }, 'paths.health'],
    ['per_page 0', { perPage: 0 }, 'perPage'],
    ['per_page above 100', { perPage: 101 }, 'perPage'],
    ['a fractional per_page', { perPage: 2.5 }, 'perPage'],
    ['an empty token', { auth: { method: 'bearer', token: '' } }, 'auth.token'],
    ['a token with a line break', { auth: { method: 'api_key', token: 'abc\r\nX-Evil: 1' } }, 'auth.token'],
    ['an empty basic user', { auth: { method: 'basic', username: '', password: 'p' } }, 'auth.username'],
    [
      'a basic user with a colon',
      { auth: { method: 'basic', username: 'a:b', password: 'p' } },
      'auth.username',
    ],
    ['an empty mapping', { fieldMappings: { products: { price: ' ' } } }, 'fieldMappings.products.price'],
  ])('refuses %s', (_label, overrides, field) => {
    expect(() => resolveStoreSettings(input(overrides))).toThrow(StoreSettingsError);
    expect(() => resolveStoreSettings(input(overrides))).toThrow(`"${field}"`);
  });

  it('never quotes the credential in its errors', () => {
    expect(() =>
      resolveStoreSettings(input({ auth: { method: 'api_key', token: 'sk live secret' } })),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret') }));
  });
});
