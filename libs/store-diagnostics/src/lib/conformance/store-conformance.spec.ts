import { DemoStore, DemoStoreOptions, startDemoStore } from '@storebridge/demo-store';
import {
  EntityQuirks,
  FakeStoreServer,
  GeneratedStoreServer,
  ModelRecord,
  StoreQuirks,
  TransientKind,
} from '@storebridge/store-client/testing';
import { resolveStoreSettings, StoreAuth, StoreConnectionSettings } from '@storebridge/store-client';
import {
  ConformanceCheck,
  ConformanceCheckId,
  ConformanceReport,
  ConformanceStatus,
} from './conformance-report';
import { suggestProductField } from './field-name-checks';
import { checkStoreConformance } from './store-conformance';

const KEY = 'conformance-secret-key';
const apiKeyAuth: StoreAuth = { method: 'api_key', token: KEY };

async function runAgainst(
  options: DemoStoreOptions,
  auth: StoreAuth = apiKeyAuth,
  mappings: Record<string, string> = {},
): Promise<ConformanceReport> {
  const store: DemoStore = await startDemoStore({ orderCount: 30, ...options });
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

type Statuses = Partial<Record<ConformanceCheckId, ConformanceStatus>>;

function statuses(report: ConformanceReport): Statuses {
  return Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
}

function check(report: ConformanceReport, id: ConformanceCheckId): ConformanceCheck | undefined {
  return report.checks.find((candidate) => candidate.id === id);
}

const PRODUCTS_PASS: Statuses = {
  'products.page_1': 'pass',
  'products.shape': 'pass',
  'products.page_cap': 'pass',
  'products.meta': 'pass',
  'products.page_2': 'pass',
  'products.far_page': 'pass',
  'products.skipped_records': 'pass',
  'products.aliases': 'pass',
  'products.field_suggestions': 'pass',
  'products.product_url': 'pass',
};

const ORDERS_PASS: Statuses = {
  'orders.page_1': 'pass',
  'orders.shape': 'pass',
  'orders.page_cap': 'pass',
  'orders.meta': 'pass',
  'orders.page_2': 'pass',
  'orders.far_page': 'pass',
  'orders.skipped_records': 'pass',
  'orders.aliases': 'pass',
};

/** A conformant store that never rate limited the doctor. */
const ALL_PASS: Statuses = {
  address: 'pass',
  health: 'pass',
  auth_required: 'pass',
  ...PRODUCTS_PASS,
  ...ORDERS_PASS,
  rate_limit: 'not_observed',
};

const ARRAY_PASS: Statuses = { ...ALL_PASS, 'products.meta': 'not_observed', 'orders.meta': 'not_observed' };

describe('checkStoreConformance against the demo store', () => {
  it.each<[string, DemoStoreOptions, Statuses, boolean]>([
    [
      'a conformant store passes every check it can observe',
      { productCount: 45, apiKey: KEY },
      ALL_PASS,
      true,
    ],
    [
      'an array-shaped store passes, its meta not observed',
      { productCount: 45, apiKey: KEY, shape: 'array' },
      ARRAY_PASS,
      true,
    ],
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
      {
        ...ALL_PASS,
        'products.page_2': 'fail',
        'products.far_page': 'fail',
        'products.meta': 'warn',
        'orders.page_2': 'fail',
        'orders.far_page': 'fail',
        'orders.meta': 'warn',
      },
      false,
    ],
    ['a store without auth warns', { productCount: 45 }, { ...ALL_PASS, auth_required: 'warn' }, true],
    [
      'a rate-limited store with Retry-After passes',
      { productCount: 45, apiKey: KEY, rateLimit: { every: 3, retryAfterSeconds: 0 } },
      { ...ALL_PASS, rate_limit: 'pass' },
      true,
    ],
    [
      'a store with 502 bursts passes through retries',
      { productCount: 45, apiKey: KEY, failures: { every: 4, status: 502, html: true } },
      ALL_PASS,
      true,
    ],
    [
      'a small catalogue passes without a page 2',
      { productCount: 3, orderCount: 2, apiKey: KEY },
      ALL_PASS,
      true,
    ],
  ])('%s', async (_label, options, expected, ok) => {
    const report = await runAgainst(options);
    expect(statuses(report)).toEqual(expected);
    expect(report.ok).toBe(ok);
    expect(report.reached).toBe(true);
  });

  it('says "not observed" for 429 handling when the store never rate limited', async () => {
    const report = await runAgainst({ productCount: 45, apiKey: KEY });
    expect(check(report, 'rate_limit')).toMatchObject({
      status: 'not_observed',
      detail: expect.stringMatching(
        new RegExp(`^Sent ${report.requests} requests; the store never rate limited them`),
      ),
    });
  });

  it('reports the 429s it saw and their Retry-After', async () => {
    const report = await runAgainst({
      productCount: 45,
      apiKey: KEY,
      rateLimit: { every: 2, retryAfterSeconds: 0 },
    });
    expect(check(report, 'rate_limit')?.detail).toMatch(
      /^\d+ of \d+ requests answered 429, each with a usable Retry-After/,
    );
  });

  it('names the response shape of page 1 and what it means for the stop rules', async () => {
    const envelope = await runAgainst({ productCount: 5, apiKey: KEY });
    const array = await runAgainst({ productCount: 5, apiKey: KEY, shape: 'array' });
    expect(check(envelope, 'products.shape')?.detail).toContain('current_page >= last_page');
    expect(check(array, 'products.shape')?.detail).toMatch(/bare JSON array\. It has no last_page/);
    expect(check(array, 'orders.shape')?.detail).toContain('bare JSON array');
  });

  it('says a small catalogue fits on one page only from its meta or an empty page 2', async () => {
    const envelope = await runAgainst({ productCount: 3, apiKey: KEY });
    const array = await runAgainst({ productCount: 3, apiKey: KEY, shape: 'array' });
    expect(check(envelope, 'products.page_cap')?.detail).toContain('meta says last_page 1 with total 3');
    expect(check(array, 'products.page_cap')?.detail).toContain('page 2 is empty');
  });

  it('checks orders as well as products', async () => {
    const report = await runAgainst({ productCount: 5, orderCount: 25, apiKey: KEY });
    expect(check(report, 'orders.page_1')).toMatchObject({
      entity: 'orders',
      title: 'Orders: page 1 parses',
      detail: expect.stringContaining('GET /api/orders?page=1&per_page=20 answered 20 orders'),
    });
    expect(check(report, 'orders.skipped_records')?.detail).toBe('All 25 orders of pages 1-2 have an id.');
  });

  it('lists the aliases an alias-named store uses', async () => {
    const report = await runAgainst({ productCount: 5, apiKey: KEY, fieldStyle: 'aliases' });
    const detail = check(report, 'products.aliases')?.detail ?? '';
    expect(detail).toContain('name ← title');
    expect(detail).toContain('price ← selling_price');
    expect(detail).toContain('permalink ← product_url');
  });

  it('explains the page-2 failure of a store ignoring ?page', async () => {
    const report = await runAgainst({ productCount: 45, apiKey: KEY, ignorePageParam: true });
    expect(check(report, 'products.page_2')).toMatchObject({
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
    expect(report.reached).toBe(true);
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

  it('refuses a private address unless allowed, without reaching the store', async () => {
    const settings = resolveStoreSettings({ baseUrl: 'http://127.0.0.1:9', auth: apiKeyAuth });
    const report = await checkStoreConformance(settings, { allowPrivate: false });
    expect(statuses(report)).toEqual({ address: 'fail' });
    expect(report).toMatchObject({ ok: false, reached: false, requests: 0 });
  });

  it('says a store that does not answer was not reached', async () => {
    const fake = await FakeStoreServer.start(() => ({ json: {} }));
    const baseUrl = fake.baseUrl;
    await fake.close();
    const settings = resolveStoreSettings({ baseUrl, auth: apiKeyAuth });
    const report = await checkStoreConformance(settings, { allowPrivate: true, maxRetryWaitMs: 1 });
    expect(statuses(report)).toEqual({ address: 'pass', health: 'fail' });
    expect(report.reached).toBe(false);
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
      expect(check(report, 'products.skipped_records')).toMatchObject({
        status: 'fail',
        detail: '1 of 1 products of page 1 would be skipped (1 missing_id): page 1 index 0 (missing_id).',
      });
      const suggestions = check(report, 'products.field_suggestions');
      expect(suggestions?.status).toBe('fail');
      expect(suggestions?.fix).toContain('"id":"ProductID"');
      expect(suggestions?.fix).toContain('"name":"ProductName"');
      expect(suggestions?.fix).toContain('"price":"PriceEUR"');
      expect(suggestions?.fix).toContain('"images":"ImageLink"');
      expect(suggestions?.detail).toContain('Ignored: misc');
      expect(check(report, 'products.product_url')?.status).toBe('warn');
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

// ---------------------------------------------------------------------------------------------------------------
// Stores we did not write (issue #18): generated with one quirk at a time.
// ---------------------------------------------------------------------------------------------------------------

const GENERATED_AUTH: StoreAuth = { method: 'api_key', token: 'generated-key' };

function entityQuirks(path: string, overrides: Partial<EntityQuirks> = {}): EntityQuirks {
  return {
    path,
    fields: 'canonical',
    aliasPick: 0,
    idStyle: 'number',
    priceFormat: 'number',
    dateFormat: 'iso',
    shape: 'envelope',
    meta: 'complete',
    metaDropped: [],
    totalOffset: 0,
    metaPerPage: 'served',
    pageCap: null,
    outOfRange: 'empty',
    emptyLastPage: false,
    ignoresPage: false,
    ...overrides,
  };
}

function modelRecords(
  count: number,
  firstKey: number,
  flaws: Record<number, ModelRecord['flaw']> = {},
): ModelRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    key: firstKey + index,
    flaw: flaws[index] ?? 'none',
    priceCents: 1000 + index,
    createdAt: 1_700_000_000 + index,
    label: index,
  }));
}

interface GeneratedCase {
  products?: Partial<EntityQuirks>;
  orders?: Partial<EntityQuirks>;
  productCount?: number;
  orderCount?: number;
  orderFlaws?: Record<number, ModelRecord['flaw']>;
  perPage?: number;
  transient?: { kinds: TransientKind[]; rate: number };
}

async function runAgainstGenerated(scenario: GeneratedCase): Promise<ConformanceReport> {
  const quirks: StoreQuirks = {
    auth: GENERATED_AUTH,
    perPage: scenario.perPage ?? 50,
    latencyMs: 0,
    transientRate: scenario.transient?.rate ?? 0,
    transientKinds: scenario.transient?.kinds ?? ['503'],
    retryAfterSeconds: 0,
    seed: 7,
    products: entityQuirks('/v2/items', scenario.products),
    orders: entityQuirks('/v2/sales', scenario.orders),
  };
  const moment = {
    products: modelRecords(scenario.productCount ?? 30, 1),
    orders: modelRecords(scenario.orderCount ?? 30, 10_001, scenario.orderFlaws),
    duplicates: { products: [], orders: [] },
    outage: null,
  };
  const store = await GeneratedStoreServer.start({ quirks, moments: [moment] }, 1);
  try {
    const settings = resolveStoreSettings({
      baseUrl: store.baseUrl,
      auth: GENERATED_AUTH,
      perPage: quirks.perPage,
      // The generated store has no health endpoint: its products list answers 200.
      paths: { health: quirks.products.path, products: quirks.products.path, orders: quirks.orders.path },
    });
    return await checkStoreConformance(settings, { allowPrivate: true, maxRetryWaitMs: 20 });
  } finally {
    await store.close();
  }
}

describe('checkStoreConformance against generated stores', () => {
  it.each<[string, Partial<EntityQuirks>]>([
    ['bare array', { shape: 'array' }],
    ['envelope without meta', { meta: 'absent' }],
    ['envelope whose meta echoes the per_page asked', { metaPerPage: 'asked' }],
  ])('never says "fits on one page" when the store caps its page silently (%s)', async (_label, quirks) => {
    const report = await runAgainstGenerated({
      products: { pageCap: 25, ...quirks },
      productCount: 237,
      perPage: 50,
    });
    const products = report.checks.filter((candidate) => candidate.entity === 'products');
    expect(products.map((candidate) => candidate.detail).join('\n')).not.toContain('fits on one page');
    expect(check(report, 'products.page_cap')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining(
        'serves 25 per page although 50 were asked (page 1 held 25 and page 2 more); the sync learns the real size',
      ),
    });
    expect(check(report, 'products.page_2')?.status).toBe('pass');
  });

  it('warns that meta.per_page names the size asked, not the one served', async () => {
    const report = await runAgainstGenerated({
      products: { pageCap: 25, metaPerPage: 'asked' },
      productCount: 237,
      perPage: 50,
    });
    expect(check(report, 'products.meta')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('meta.per_page says 50 but the full page 1 holds 25'),
    });
  });

  it('names a total that disagrees with the records served', async () => {
    const report = await runAgainstGenerated({
      products: { meta: 'lying_total', totalOffset: 3 },
      productCount: 30,
      perPage: 10,
    });
    expect(check(report, 'products.meta')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('total says 33 but 2 full pages of 10 and the 10 of page 3 make 30'),
    });
  });

  it('says the list fits on one page when meta says last_page 1 with a total that agrees', async () => {
    const report = await runAgainstGenerated({ products: { pageCap: 25 }, productCount: 20, perPage: 50 });
    expect(check(report, 'products.page_cap')).toMatchObject({
      status: 'pass',
      detail: 'The list fits on one page: 20 products, and meta says last_page 1 with total 20.',
    });
  });

  it('takes a cap declared in meta.per_page even when the list fits on that page', async () => {
    const report = await runAgainstGenerated({ products: { pageCap: 25 }, productCount: 25, perPage: 50 });
    expect(check(report, 'products.page_cap')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('serves 25 per page although 50 were asked (meta.per_page says 25)'),
    });
  });

  it('detects a bare array and says its meta is not observed', async () => {
    const report = await runAgainstGenerated({ orders: { shape: 'array' } });
    expect(check(report, 'orders.shape')?.detail).toContain('A bare JSON array. It has no last_page');
    expect(check(report, 'orders.meta')?.status).toBe('not_observed');
    expect(check(report, 'products.shape')?.detail).toContain('An envelope {data, meta}');
  });

  it.each<[string, Partial<EntityQuirks>, number]>([
    ['a bare array filling its pages exactly', { shape: 'array', outOfRange: 'clamp' }, 30],
    ['an envelope', { outOfRange: 'clamp' }, 25],
  ])('detects a store clamping out-of-range pages (%s)', async (_label, quirks, count) => {
    const report = await runAgainstGenerated({ products: quirks, productCount: count, perPage: 10 });
    expect(check(report, 'products.far_page')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining(
        'the store clamps out-of-range pages; the sync stops on a repeated page',
      ),
    });
  });

  it('tells a clamped page 2 of a one-page list from a store ignoring ?page', async () => {
    const report = await runAgainstGenerated({
      products: { shape: 'array', outOfRange: 'clamp' },
      productCount: 7,
      perPage: 10,
    });
    expect(check(report, 'products.page_2')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('the list fits on one page and the store answers a page past its end'),
    });
    expect(check(report, 'products.page_cap')?.status).toBe('not_observed');
    expect(report.ok).toBe(true);
  });

  it('fails a bare-array store that ignores ?page, told apart by pages of one record', async () => {
    const report = await runAgainstGenerated({
      products: { shape: 'array', ignoresPage: true },
      productCount: 30,
      perPage: 10,
    });
    expect(check(report, 'products.page_2')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('the store ignores the "page" parameter'),
    });
    expect(report.ok).toBe(false);
  });

  it('warns on a 404 past the end and says what the sync does there', async () => {
    const report = await runAgainstGenerated({
      products: { shape: 'array', outOfRange: 'not_found' },
      productCount: 30,
      perPage: 10,
    });
    expect(check(report, 'products.far_page')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('answered 404. Without last_page'),
    });
  });

  it.each<[string, TransientKind]>([
    ['an HTTP date', '429_date'],
    ['seconds', '429_seconds'],
  ])('passes 429 handling once it saw 429s with a Retry-After in %s', async (_label, kind) => {
    const report = await runAgainstGenerated({ transient: { kinds: [kind], rate: 1 } });
    expect(check(report, 'rate_limit')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('each with a usable Retry-After'),
    });
  });

  it.each<[string, Record<string, string>, string]>([
    ['without Retry-After', {}, '1 without Retry-After'],
    ['with an unreadable Retry-After', { 'retry-after': 'soon' }, '1 with an unreadable Retry-After'],
  ])('warns on 429s %s', async (_label, headers, expected) => {
    let answered = 0;
    const fake = await FakeStoreServer.start(({ path }) => {
      answered += 1;
      if (answered === 5) {
        return { status: 429, json: { error: 'slow down' }, headers };
      }
      return path === '/health' ? { json: { status: 'ok' } } : { json: [] };
    });
    try {
      const settings = resolveStoreSettings({ baseUrl: fake.baseUrl, auth: apiKeyAuth });
      const report = await checkStoreConformance(settings, { allowPrivate: true, maxRetryWaitMs: 1 });
      expect(check(report, 'rate_limit')).toMatchObject({
        status: 'warn',
        detail: expect.stringContaining(expected),
      });
    } finally {
      await fake.close();
    }
  });

  it('checks orders with the order aliases and the real order normalizer', async () => {
    const report = await runAgainstGenerated({
      orders: { fields: 'alias' },
      orderCount: 12,
      orderFlaws: { 3: 'missing_id', 8: 'missing_id' },
      perPage: 10,
    });
    expect(check(report, 'orders.aliases')?.detail).toContain('id ← order_id');
    expect(check(report, 'orders.aliases')?.detail).toContain('total ← total_amount');
    expect(check(report, 'orders.skipped_records')).toMatchObject({
      status: 'warn',
      detail:
        '2 of 12 orders of pages 1-2 would be skipped (2 missing_id): page 1 index 3 (missing_id), page 1 index 8 (missing_id).',
    });
  });
});
