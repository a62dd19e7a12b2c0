import fc from 'fast-check';
import { toNormalizedOrder, toNormalizedProduct } from '@storebridge/store-normalization';
import { resolveStoreSettings } from '../store-settings';
import {
  connectionInputOf,
  expectedRecordOf,
  GENERATED_ENTITIES,
  GeneratedStoreServer,
  type ModelRecord,
  renderRecord,
  servesRepeatedPage,
  type StoreMoment,
  type StoreQuirks,
  storeQuirksArbitrary,
  type StoreScenario,
  storeScenarioArbitrary,
  tellsLastPage,
} from './generated-store';

const aRecord = fc.record({
  key: fc.integer({ min: 1, max: 10_000 }),
  flaw: fc.constantFrom<ModelRecord['flaw']>('none', 'missing_id', 'missing_name'),
  priceCents: fc.integer({ min: 0, max: 500_000_00 }),
  createdAt: fc.integer({ min: 1_500_000_000, max: 1_800_000_000 }),
  label: fc.nat({ max: 11 }),
});

function momentOf(products: ModelRecord[]): StoreMoment {
  return { products, orders: [], duplicates: { products: [], orders: [] }, outage: null };
}

function scenarioOf(quirks: StoreQuirks, moment: StoreMoment): StoreScenario {
  return { quirks, moments: [moment] };
}

/** A well-behaved store for the examples: canonical fields, envelope, nothing transient. */
function plainQuirks(overrides: Partial<StoreQuirks['products']> = {}): StoreQuirks {
  const [quirks] = fc.sample(storeQuirksArbitrary(), { seed: 1, numRuns: 1 });
  const entity = {
    ...quirks.products,
    path: '/api/products',
    shape: 'envelope' as const,
    meta: 'complete' as const,
    pageCap: null,
    emptyLastPage: false,
    ignoresPage: false,
    ...overrides,
  };
  return {
    ...quirks,
    auth: { method: 'bearer', token: 'secret' },
    perPage: 10,
    transientRate: 0,
    products: entity,
  };
}

async function get(store: GeneratedStoreServer, path: string, auth = 'Bearer secret'): Promise<Response> {
  return fetch(`${store.baseUrl}${path}`, { headers: { authorization: auth } });
}

describe('generated stores', () => {
  it('spell every record so that the spec normalization reads back the model (ids, names, prices, dates)', () => {
    fc.assert(
      fc.property(storeQuirksArbitrary(), aRecord, (quirks, record) => {
        const settings = resolveStoreSettings(connectionInputOf(quirks, 'https://store.example.com'));
        const product = toNormalizedProduct(renderRecord('products', record, quirks.products), {
          baseUrl: settings.baseUrl,
          mappings: settings.fieldMappings.products,
        });
        const order = toNormalizedOrder(renderRecord('orders', record, quirks.orders), {
          mappings: settings.fieldMappings.orders,
        });

        if (record.flaw === 'none') {
          expect(product.product).toMatchObject(expectedRecordOf('products', record, quirks.products));
          expect(order.order).toMatchObject(expectedRecordOf('orders', record, quirks.orders));
        } else {
          expect(product.skipReason).toBe(record.flaw);
        }
        if (record.flaw === 'missing_id') {
          expect(order.skipReason).toBe('missing_id');
        }
        if (record.flaw === 'missing_name') {
          // An order needs no name: the flaw is the product's only.
          expect(order.order).toMatchObject(expectedRecordOf('orders', record, quirks.orders));
        }
      }),
    );
  });

  it('keep the final two moments of a scenario equal and free of outages', () => {
    fc.assert(
      fc.property(storeScenarioArbitrary(), ({ moments }) => {
        const [before, last] = moments.slice(-2);
        expect(last).toEqual(before);
        expect(last.outage).toBeNull();
      }),
    );
  });

  it('never make a store without page meta serve the same page twice (a crawl could not tell it from a clamp)', () => {
    fc.assert(
      fc.property(storeScenarioArbitrary(), ({ quirks, moments }) => {
        for (const moment of moments) {
          for (const entity of GENERATED_ENTITIES) {
            if (!tellsLastPage(quirks[entity]) && !quirks[entity].ignoresPage) {
              expect(servesRepeatedPage(moment, entity, quirks)).toBe(false);
            }
          }
        }
      }),
    );
  });

  describe('served on loopback', () => {
    let store: GeneratedStoreServer | undefined;

    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('answers 401 to a request without the store credential', async () => {
      store = await GeneratedStoreServer.start(scenarioOf(plainQuirks(), momentOf([])), 3);

      expect((await get(store, '/api/products', 'Bearer wrong')).status).toBe(401);
      expect((await get(store, '/api/products')).status).toBe(200);
    });

    it('caps the page size silently and clamps pages past the end to the last one', async () => {
      const records = Array.from({ length: 7 }, (_, index) => ({
        key: index + 1,
        flaw: 'none' as const,
        priceCents: 100,
        createdAt: 1_700_000_000,
        label: 0,
      }));
      const quirks = plainQuirks({
        fields: 'canonical',
        idStyle: 'number',
        pageCap: 3,
        shape: 'array',
        outOfRange: 'clamp',
      });
      const served = await GeneratedStoreServer.start(scenarioOf(quirks, momentOf(records)), 3);
      store = served;

      const ids = async (page: number): Promise<unknown[]> => {
        const body = (await (await get(served, `/api/products?page=${page}&per_page=10`)).json()) as Array<{
          id: unknown;
        }>;
        return body.map((record) => record.id);
      };

      expect(await ids(1)).toEqual([1, 2, 3]);
      expect(await ids(3)).toEqual([7]);
      expect(await ids(9)).toEqual([7]);
    });

    it('fails a page transiently at most the retry budget per crawl, then answers it', async () => {
      store = await GeneratedStoreServer.start(
        scenarioOf({ ...plainQuirks(), transientRate: 1, transientKinds: ['503'] }, momentOf([])),
        2,
      );
      store.serve(momentOf([]), 100);

      const statuses = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        statuses.push((await get(store, '/api/products?page=1&per_page=10')).status);
      }

      expect(statuses).toEqual([503, 503, 200]);
      expect(store.requests.map((request) => request.outcome)).toEqual(['503', '503', 'ok']);
    });
  });
});
