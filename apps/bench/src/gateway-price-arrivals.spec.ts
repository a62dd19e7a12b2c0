import type { SandboxProductAcceptance } from '@storebridge/shopimind-sandbox';
import { PriceArrivals, sellingPrice } from './gateway-price-arrivals';

function accepted(productId: string, price: number, acceptedAt: number, priceDiscount: number | null = null) {
  return {
    sequence: 0,
    acceptedAt,
    productId,
    lang: 'fr',
    price,
    priceDiscount,
  } satisfies SandboxProductAcceptance;
}

const sent = (sentAt: number, status = 200) => ({ sentAt, status, latencyMs: 1 });

describe('PriceArrivals', () => {
  it('times each update from its webhook to the first record at its new price', () => {
    const arrivals = new PriceArrivals([
      { shopimindProductId: '11', price: 1000.01 },
      { shopimindProductId: '12', price: 1000.02 },
    ]);
    arrivals.answered([sent(100), sent(110)]);
    arrivals.observe([accepted('11', 5, 150), accepted('12', 1000.02, 300), accepted('99', 1000.01, 320)]);
    expect(arrivals.pending()).toBe(1);

    arrivals.observe([accepted('11', 1000.01 + 1e-9, 400), accepted('11', 1000.01, 500)]);

    expect(arrivals.figures()).toEqual({
      accepted: 2,
      arrived: 2,
      lost: 0,
      lastArrivalAt: 400,
      latenciesMs: [300, 190],
    });
  });

  it('waits only for the updates answered 200, and counts those that never came as lost', () => {
    const arrivals = new PriceArrivals([
      { shopimindProductId: '1', price: 2 },
      { shopimindProductId: '2', price: 2 },
      { shopimindProductId: '3', price: 2 },
    ]);
    arrivals.answered([sent(0), sent(0, 500), sent(0)]);
    arrivals.observe([accepted('1', 2, 10)]);

    expect(arrivals.pending()).toBe(1);
    expect(arrivals.figures()).toMatchObject({ accepted: 2, arrived: 1, lost: 1 });
  });

  it('refuses a product updated twice in one phase: the first price could be skipped', () => {
    expect(
      () =>
        new PriceArrivals([
          { shopimindProductId: '1', price: 2 },
          { shopimindProductId: '1', price: 3 },
        ]),
    ).toThrow('product 1 is updated twice in one phase');
  });

  it('reads the discounted price when the record has one', () => {
    expect(sellingPrice({ price: 20, priceDiscount: 15 })).toBe(15);
    expect(sellingPrice({ price: 20, priceDiscount: null })).toBe(20);
  });
});
