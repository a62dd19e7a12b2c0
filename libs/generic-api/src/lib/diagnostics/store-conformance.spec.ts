import { DemoStore, DemoStoreOptions, startDemoStore } from '@storebridge/demo-store';
import { resolveStoreSettings, StoreAuth, StoreConnectionSettings } from '../store-settings';
import {
  ConformanceCheckId,
  ConformanceReport,
  ConformanceStatus,
  checkStoreConformance,
  suggestProductField,
} from './store-conformance';

const KEY = 'conformance-secret-key';
const apiKeyAuth: StoreAuth = { method: 'api_key', token: KEY };

async function runAgainst(
  options: DemoStoreOptions,
  auth: StoreAuth = apiKeyAuth,
  mappings: Record<string, string> = {},
): Promise<ConformanceReport> {
  const store: DemoStore = await startDemoStore(options);
  try {
    const settings: StoreConnectionSettings = resolveStoreSettings({
      baseUrl: store.url,
      auth,
      perPage: 20,
      fieldMappings: { products: mappings },
    });
    return await checkStoreConformance(settings, { allowPrivate: true, maxRetryWaitMs: 20 });
  } finally {
    await store.close();
  }
}

function statuses(report: ConformanceReport): Partial<Record<ConformanceCheckId, ConformanceStatus>> {
  return Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
}

function check(report: ConformanceReport, id: ConformanceCheckId): ReturnType<typeof report.checks.find> {
  return report.checks.find((candidate) => candidate.id === id);
}

const ALL_PASS: Record<ConformanceCheckId, ConformanceStatus> = {
  address: 'pass',
  health: 'pass',
  auth_required: 'pass',
  products_page_1: 'pass',
  products_page_2: 'pass',
  far_page: 'pass',
  required_fields: 'pass',
  aliases: 'pass',
  field_suggestions: 'pass',
  product_url: 'pass',
  rate_limit: 'pass',
};

describe('checkStoreConformance', () => {
  it.each<[string, DemoStoreOptions, Partial<Record<ConformanceCheckId, ConformanceStatus>>, boolean]>([
    ['a conformant store passes every check', { productCount: 45, apiKey: KEY }, ALL_PASS, true],
    ['an array-shaped store passes', { productCount: 45, apiKey: KEY, shape: 'array' }, ALL_PASS, true],
    ['an alias-named store passes', { productCount: 45, apiKey: KEY, fieldStyle: 'aliases' }, ALL_PASS, true],
    [
      'a store with CSV categories and string prices passes',
      { productCount: 45, apiKey: KEY, categoriesAsCsv: true, pricesAsStrings: true },
      ALL_PASS,
      true,
    ],
    [
      'a store that ignores ?page fails the page-2 and far-page checks',
      { productCount: 45, apiKey: KEY, ignorePageParam: true },
      { ...ALL_PASS, products_page_2: 'fail', far_page: 'fail' },
      false,
    ],
    ['a store without auth warns', { productCount: 45 }, { ...ALL_PASS, auth_required: 'warn' }, true],
    [
      'a rate-limited store with Retry-After passes',
      { productCount: 45, apiKey: KEY, rateLimit: { every: 3, retryAfterSeconds: 0 } },
      ALL_PASS,
      true,
    ],
    [
      'a store with 502 bursts passes through retries',
      { productCount: 45, apiKey: KEY, failures: { every: 4, status: 502, html: true } },
      ALL_PASS,
      true,
    ],
    ['a small catalogue passes without a page 2', { productCount: 3, apiKey: KEY }, ALL_PASS, true],
  ])('%s', async (_label, options, expected, ok) => {
    const report = await runAgainst(options);
    expect(statuses(report)).toEqual(expected);
    expect(report.ok).toBe(ok);
  });

  it('reports the 429s it saw and their Retry-After', async () => {
    const report = await runAgainst({
      productCount: 45,
      apiKey: KEY,
      rateLimit: { every: 2, retryAfterSeconds: 0 },
    });
    expect(check(report, 'rate_limit')?.detail).toMatch(
      /^\d+ of \d+ requests answered 429, each with Retry-After/,
    );
  });

  it('names the response shape of page 1', async () => {
    const envelope = await runAgainst({ productCount: 5, apiKey: KEY });
    const array = await runAgainst({ productCount: 5, apiKey: KEY, shape: 'array' });
    expect(check(envelope, 'products_page_1')?.detail).toContain('envelope');
    expect(check(array, 'products_page_1')?.detail).toContain('bare JSON array');
  });

  it('lists the aliases an alias-named store uses', async () => {
    const report = await runAgainst({ productCount: 5, apiKey: KEY, fieldStyle: 'aliases' });
    const detail = check(report, 'aliases')?.detail ?? '';
    expect(detail).toContain('name ← title');
    expect(detail).toContain('price ← selling_price');
    expect(detail).toContain('permalink ← product_url');
  });

  it('explains the page-2 failure of a store ignoring ?page', async () => {
    const report = await runAgainst({ productCount: 45, apiKey: KEY, ignorePageParam: true });
    expect(check(report, 'products_page_2')).toMatchObject({
      detail: expect.stringContaining('ignores the "page" parameter'),
      fix: expect.stringContaining('"page"'),
    });
  });

  it('stops after a rejected credential, without printing it', async () => {
    const report = await runAgainst(
      { productCount: 5, apiKey: KEY },
      { method: 'api_key', token: 'wrong-key' },
    );
    expect(statuses(report)).toEqual({ address: 'pass', health: 'fail' });
    expect(JSON.stringify(report)).not.toContain('wrong-key');
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  it('checks bearer and basic stores the same way', async () => {
    const bearer = await runAgainst(
      { productCount: 5, auth: { method: 'bearer', token: 'tok' } },
      { method: 'bearer', token: 'tok' },
    );
    const basic = await runAgainst(
      { productCount: 5, auth: { method: 'basic', username: 'u', password: 'p' } },
      { method: 'basic', username: 'u', password: 'p' },
    );
    expect(statuses(bearer)).toEqual(ALL_PASS);
    expect(statuses(basic)).toEqual(ALL_PASS);
  });

  it('refuses a private address unless allowed', async () => {
    const settings = resolveStoreSettings({ baseUrl: 'http://127.0.0.1:9', auth: apiKeyAuth });
    const report = await checkStoreConformance(settings, { allowPrivate: false });
    expect(statuses(report)).toEqual({ address: 'fail' });
    expect(report.ok).toBe(false);
  });

  it('suggests mappings for unknown fields that look like known ones', async () => {
    const store = await startDemoStore({ productCount: 0 });
    try {
      const records = [
        { ProductID: 7, ProductName: 'Mug', PriceEUR: '9.90', ImageLink: 'https://x/1.jpg', misc: 1 },
      ];
      const fetchImpl: typeof fetch = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input.toString());
        return url.pathname === '/api/products'
          ? Response.json(url.searchParams.get('page') === '1' ? records : [])
          : fetch(input, init);
      };
      const settings = resolveStoreSettings({ baseUrl: store.url, auth: apiKeyAuth });
      const report = await checkStoreConformance(settings, { allowPrivate: true, fetchImpl });
      expect(check(report, 'required_fields')?.status).toBe('fail');
      const suggestions = check(report, 'field_suggestions');
      expect(suggestions?.status).toBe('fail');
      expect(suggestions?.fix).toContain('"id":"ProductID"');
      expect(suggestions?.fix).toContain('"name":"ProductName"');
      expect(suggestions?.fix).toContain('"price":"PriceEUR"');
      expect(suggestions?.fix).toContain('"images":"ImageLink"');
      expect(suggestions?.detail).toContain('Ignored: misc');
      expect(check(report, 'product_url')?.status).toBe('warn');
    } finally {
      await store.close();
    }
  });

  it.each([
    ['productName', 'name'],
    ['Product-Title', 'name'],
    ['SellingPrice', 'price'],
    ['compare_at_price', 'regular_price'],
    ['stockLevel', 'stock_quantity'],
    ['main_image', 'images'],
    ['canonicalUrl', 'permalink'],
    ['url_handle', 'slug'],
    ['whatever', undefined],
  ])('suggests %s → %s', (key, field) => {
    expect(suggestProductField(key)).toBe(field);
  });
});
