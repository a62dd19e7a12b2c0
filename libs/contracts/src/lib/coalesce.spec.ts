import {
  mergeOrdersChanged,
  mergeProductsChanged,
  ordersChangedRecordCount,
  productsChangedRecordCount,
} from './coalesce';
import type { OrdersChangedEvent, ProductsChangedEvent } from './events';
import type { NormalizedOrder } from './normalized-order';
import type { NormalizedProduct } from './normalized-product';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const otherConnectionId = 'c2c2c2c2-0000-4000-8000-000000000002';
const syncRunId = '0d6c1f0e-9a55-4d7b-8f43-2b7e3f1c2a90';
const otherSyncRunId = '5b0e7c51-3f2d-4a8e-9c61-7d4e2a1b0f38';

function product(id: string, name = `Product ${id}`): NormalizedProduct {
  return { id, name, categories: [], tags: [], images: [], url: `https://shop.test/p/${id}` };
}

function order(id: string, status = 'pending'): NormalizedOrder {
  return { id, status } as NormalizedOrder;
}

function productsChanged(
  products: NormalizedProduct[],
  deletedIds: string[] = [],
  overrides: Partial<ProductsChangedEvent> = {},
): ProductsChangedEvent {
  return { connectionId, syncRunId: null, page: 0, products, deletedIds, ...overrides };
}

describe('mergeProductsChanged', () => {
  it.each<[string, ProductsChangedEvent[], NormalizedProduct[], string[]]>([
    [
      'keeps the records of every event, in order',
      [productsChanged([product('a')]), productsChanged([product('b')]), productsChanged([product('c')])],
      [product('a'), product('b'), product('c')],
      [],
    ],
    [
      'keeps the latest version of a record changed twice',
      [productsChanged([product('a', 'Old')]), productsChanged([product('a', 'New')])],
      [product('a', 'New')],
      [],
    ],
    [
      'drops a record deleted after its upsert, and lists its id as deleted',
      [productsChanged([product('a'), product('b')]), productsChanged([], ['a'])],
      [product('b')],
      ['a'],
    ],
    [
      'un-deletes a record upserted after its delete',
      [productsChanged([], ['a']), productsChanged([product('a', 'Back')])],
      [product('a', 'Back')],
      [],
    ],
    [
      'applies the upserts of one event before its deletes, as push writes them',
      [productsChanged([product('a')], ['a']), productsChanged([product('b')])],
      [product('b')],
      ['a'],
    ],
    [
      'lists an id deleted twice once',
      [productsChanged([], ['a']), productsChanged([], ['a', 'b'])],
      [],
      ['a', 'b'],
    ],
  ])('%s', (_label, events, products, deletedIds) => {
    expect(mergeProductsChanged(events)).toEqual({
      connectionId,
      syncRunId: null,
      page: 0,
      products,
      deletedIds,
    });
  });

  it('returns a single event unchanged, its crawl page included', () => {
    const page = productsChanged([product('a'), product('a')], ['b'], { syncRunId, page: 3 });

    expect(mergeProductsChanged([page])).toBe(page);
  });

  it('merges pages of one crawl into a change of that run and its first page', () => {
    const merged = mergeProductsChanged([
      productsChanged([product('a')], [], { syncRunId, page: 4 }),
      productsChanged([product('b')], [], { syncRunId, page: 5 }),
    ]);

    expect(merged).toMatchObject({ syncRunId, page: 4, products: [product('a'), product('b')] });
  });

  it.each<[string, Array<Partial<ProductsChangedEvent>>]>([
    ['a webhook change and a crawl page', [{}, { syncRunId, page: 2 }]],
    ['a crawl page and a webhook change', [{ syncRunId, page: 2 }, {}]],
    [
      'pages of two crawls',
      [
        { syncRunId, page: 2 },
        { syncRunId: otherSyncRunId, page: 1 },
      ],
    ],
  ])('merges %s into a change of no run and page 0', (_label, origins) => {
    const merged = mergeProductsChanged(
      origins.map((origin, index) => productsChanged([product(String(index))], [], origin)),
    );

    expect(merged).toMatchObject({ syncRunId: null, page: 0, products: [product('0'), product('1')] });
  });

  it.each<[string, unknown[]]>([
    ['no event', []],
    [
      'events of two connections',
      [productsChanged([]), productsChanged([], [], { connectionId: otherConnectionId })],
    ],
    ['products that are not a list', [productsChanged([]), { ...productsChanged([]), products: 'a' }]],
    ['deleted ids that are missing', [productsChanged([]), { connectionId, products: [] }]],
    [
      'a product without an id',
      [productsChanged([]), productsChanged([{ name: 'Lamp' } as NormalizedProduct])],
    ],
    [
      'a product that is not an object',
      [productsChanged([]), productsChanged([null as unknown as NormalizedProduct])],
    ],
    [
      'a deleted id that is not a string',
      [productsChanged([]), productsChanged([], [42 as unknown as string])],
    ],
  ])('refuses to merge %s', (_label, events) => {
    expect(() => mergeProductsChanged(events as ProductsChangedEvent[])).toThrow();
  });
});

describe('mergeOrdersChanged', () => {
  const ordersChanged = (orders: NormalizedOrder[], deletedIds: string[] = []): OrdersChangedEvent => ({
    connectionId,
    syncRunId: null,
    page: 0,
    orders,
    deletedIds,
  });

  it.each<[string, OrdersChangedEvent[], NormalizedOrder[], string[]]>([
    [
      'keeps the latest version of each order',
      [ordersChanged([order('1', 'pending'), order('2')]), ordersChanged([order('1', 'paid')])],
      [order('2'), order('1', 'paid')],
      [],
    ],
    [
      'drops an order deleted after its upsert',
      [ordersChanged([order('1')]), ordersChanged([], ['1'])],
      [],
      ['1'],
    ],
    [
      'un-deletes an order upserted after its delete',
      [ordersChanged([], ['1']), ordersChanged([order('1')])],
      [order('1')],
      [],
    ],
  ])('%s', (_label, events, orders, deletedIds) => {
    expect(mergeOrdersChanged(events)).toEqual({
      connectionId,
      syncRunId: null,
      page: 0,
      orders,
      deletedIds,
    });
  });

  it('returns a single event unchanged', () => {
    const event = ordersChanged([order('1')]);

    expect(mergeOrdersChanged([event])).toBe(event);
  });

  it('merges pages of one crawl into a change of that run and its first page', () => {
    const merged = mergeOrdersChanged([
      { ...ordersChanged([order('1')]), syncRunId, page: 7 },
      { ...ordersChanged([order('2')]), syncRunId, page: 8 },
    ]);

    expect(merged).toMatchObject({ syncRunId, page: 7, orders: [order('1'), order('2')] });
  });

  it('refuses orders that are not a list', () => {
    expect(() =>
      mergeOrdersChanged([ordersChanged([]), { ...ordersChanged([]), orders: {} as NormalizedOrder[] }]),
    ).toThrow('orders');
  });
});

describe('record counts', () => {
  it.each<[string, number, number]>([
    ['a webhook of one record', 1, 0],
    ['a webhook of one delete', 0, 1],
    ['a full crawl page with deletes', 100, 3],
  ])('counts upserts and deletes of %s', (_label, upserts, deletes) => {
    const ids = Array.from({ length: upserts }, (_, index) => `p${index}`);
    const deletedIds = Array.from({ length: deletes }, (_, index) => `d${index}`);

    expect(
      productsChangedRecordCount(
        productsChanged(
          ids.map((id) => product(id)),
          deletedIds,
        ),
      ),
    ).toBe(upserts + deletes);
    expect(
      ordersChangedRecordCount({
        connectionId,
        syncRunId: null,
        page: 0,
        orders: ids.map((id) => order(id)),
        deletedIds,
      }),
    ).toBe(upserts + deletes);
  });

  it('refuses to count a payload whose records are not a list', () => {
    expect(() =>
      productsChangedRecordCount({ ...productsChanged([]), products: undefined as never }),
    ).toThrow();
    expect(() => ordersChangedRecordCount({ connectionId } as OrdersChangedEvent)).toThrow();
  });
});
