import {
  InvalidIntegrationConfigError,
  parseIntegrationConfig,
  parseStoreFormConfig,
} from './integration-config';

const base = {
  store_base_url: 'https://shop.example.com',
  store_auth_method: 'api_key',
  store_api_token: 'sk_live_123',
  lang: 'en',
  currency: 'USD',
};

function problemsOf(configs: Record<string, unknown>): string {
  try {
    parseIntegrationConfig(configs);
  } catch (error) {
    if (error instanceof InvalidIntegrationConfigError) {
      return error.problems.join('\n');
    }
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseIntegrationConfig', () => {
  it.each([
    ['currency', 'currency is required'],
    ['lang', 'lang is required'],
  ])('refuses a config without %s: it has no invented default (issue #16)', (key, problem) => {
    const configs: Record<string, unknown> = { ...base };
    delete configs[key];
    expect(problemsOf(configs)).toContain(problem);
    expect(problemsOf({ ...configs, [key]: ' ' })).toContain(problem);
  });

  it('keeps the language and currency of an existing connection when the config map has none', () => {
    const { lang: _lang, currency: _currency, ...withoutThem } = base;
    const stored = { lang: 'fr', currency: 'CHF' };
    expect(parseIntegrationConfig({ ...withoutThem, currency: '', lang: null }, stored)).toMatchObject(
      stored,
    );
    expect(parseIntegrationConfig(base, stored)).toMatchObject({ lang: 'en', currency: 'USD' });
  });

  it('applies defaults for paths, page size and interval', () => {
    const config = parseIntegrationConfig(base);
    expect(config).toEqual({
      store: {
        baseUrl: 'https://shop.example.com',
        auth: { method: 'api_key', token: 'sk_live_123' },
        paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
        fieldMappings: { products: {}, orders: {} },
        perPage: 50,
      },
      lang: 'en',
      currency: 'USD',
      syncIntervalMinutes: 1440,
      excludedCategories: [],
    });
  });

  it.each<[string, unknown, string[]]>([
    ['a multiselect array', [' Sale ', 'Gifts', 'Sale'], ['Sale', 'Gifts']],
    ['a comma-separated string', 'Sale, Gifts ,,Home', ['Sale', 'Gifts', 'Home']],
    ['an empty list', [], []],
    ['nothing', undefined, []],
  ])('reads excluded categories from %s, trimmed and without duplicates', (_label, value, expected) => {
    expect(parseIntegrationConfig({ ...base, excluded_categories: value }).excludedCategories).toEqual(
      expected,
    );
  });

  it('reads form strings: custom paths, JSON mappings, interval, basic auth, webhook secret', () => {
    const config = parseIntegrationConfig({
      store_base_url: ' https://shop.example.com/ ',
      store_auth_method: 'basic',
      store_username: 'reader',
      store_password: 'p:ss',
      products_path: '/v2/items',
      product_field_mappings: '{"name": "title", "price": "pricing.amount"}',
      order_field_mappings: { id: 'order_ref' },
      lang: 'fr',
      currency: 'USD',
      sync_interval_minutes: '60',
      store_page_size: ' 100 ',
      store_webhook_secret: 'whsec_abcdefghijklmnop',
      unknown_field: 'ignored',
    });
    expect(config.store.auth).toEqual({ method: 'basic', username: 'reader', password: 'p:ss' });
    expect(config.store.paths.products).toBe('/v2/items');
    expect(config.store.perPage).toBe(100);
    expect(config.store.fieldMappings).toEqual({
      products: { name: 'title', price: 'pricing.amount' },
      orders: { id: 'order_ref' },
    });
    expect(config).toMatchObject({
      lang: 'fr',
      currency: 'USD',
      syncIntervalMinutes: 60,
      storeWebhookSecret: 'whsec_abcdefghijklmnop',
    });
  });

  it.each([
    ['a missing base URL', { ...base, store_base_url: undefined }, 'store_base_url'],
    ['a base URL with a path', { ...base, store_base_url: 'https://shop.example.com/api' }, 'store_base_url'],
    ['an unknown auth method', { ...base, store_auth_method: 'oauth' }, 'store_auth_method'],
    ['a token method without token', { ...base, store_api_token: '' }, 'store_api_token'],
    [
      'basic auth without password',
      { ...base, store_auth_method: 'basic', store_username: 'u' },
      'store_password',
    ],
    [
      'mappings that are not JSON',
      { ...base, product_field_mappings: '{name: title' },
      'product_field_mappings',
    ],
    ['mappings that are an array', { ...base, order_field_mappings: '["id"]' }, 'order_field_mappings'],
    [
      'a mapping to a non-string',
      { ...base, product_field_mappings: '{"name": 3}' },
      'product_field_mappings',
    ],
    ['a path without slash', { ...base, orders_path: 'api/orders' }, 'orders_path'],
    ['a too short interval', { ...base, sync_interval_minutes: '1' }, 'sync_interval_minutes'],
    ['a page size of zero', { ...base, store_page_size: '0' }, 'store_page_size'],
    ['a page size above the per_page limit', { ...base, store_page_size: 101 }, 'store_page_size'],
    ['a fractional page size', { ...base, store_page_size: '2.5' }, 'store_page_size'],
    ['a page size that is not a number', { ...base, store_page_size: 'fifty' }, 'store_page_size'],
    ['a lower-case currency', { ...base, currency: 'eur' }, 'currency'],
    ['excluded categories that are not names', { ...base, excluded_categories: [3] }, 'excluded_categories'],
    ['a too short webhook secret', { ...base, store_webhook_secret: 'short' }, 'store_webhook_secret'],
  ])('rejects %s, naming the field', (_label, configs, field) => {
    expect(problemsOf(configs)).toContain(field);
  });

  it.each([
    ['a number', 1, 1],
    ['a form string', '25', 25],
    ['a blank form field', '', 50],
  ])('reads the page size from %s into the store settings', (_label, value, perPage) => {
    expect(parseIntegrationConfig({ ...base, store_page_size: value }).store.perPage).toBe(perPage);
  });

  it('never echoes a secret in its problems', () => {
    const text = problemsOf({
      ...base,
      store_auth_method: 'basic',
      store_username: 'u',
      store_password: undefined,
      store_api_token: 'sk_secret_value',
    });
    expect(text).not.toContain('sk_secret_value');
  });
});

describe('parseStoreFormConfig', () => {
  const { lang: _lang, currency: _currency, ...storeOnly } = base;

  it('reads the store and the exclusions of a form whose language and currency are not filled in yet', () => {
    expect(parseStoreFormConfig({ ...storeOnly, excluded_categories: 'Sale' })).toEqual({
      store: parseIntegrationConfig(base).store,
      excludedCategories: ['Sale'],
    });
  });

  it('still refuses a store part it cannot use', () => {
    expect(() => parseStoreFormConfig({ ...storeOnly, store_base_url: undefined })).toThrow(
      InvalidIntegrationConfigError,
    );
  });
});
