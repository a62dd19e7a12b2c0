import fc from 'fast-check';
import { sandboxProductFixture } from './sandbox-fixtures';
import { ProductAcceptLog } from './sandbox-product-accepts';
import { ShopimindSandbox, startShopimindSandbox } from './sandbox.server';

describe('ProductAcceptLog', () => {
  it('numbers the accepted records and reads on from the last one seen', () => {
    const log = new ProductAcceptLog(10);
    log.add(sandboxProductFixture({ product_id: 7, price: 12.5 }), 1_000);
    log.add(sandboxProductFixture({ product_id: 8, price: 30, price_discount: 24 }), 1_005);

    expect(log.since()).toEqual([
      { sequence: 1, acceptedAt: 1_000, productId: '7', lang: 'en', price: 12.5, priceDiscount: null },
      { sequence: 2, acceptedAt: 1_005, productId: '8', lang: 'en', price: 30, priceDiscount: 24 },
    ]);
    expect(log.since(1).map((entry) => entry.productId)).toEqual(['8']);
    expect(log.since(2)).toEqual([]);
    expect(log.lastSequence()).toBe(2);
  });

  it('keeps at most its capacity, the newest records', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 70 }),
        (capacity, added, afterSequence) => {
          const log = new ProductAcceptLog(capacity);
          for (let k = 1; k <= added; k += 1) {
            log.add(sandboxProductFixture({ product_id: k }), k);
          }
          const kept = Array.from({ length: added }, (_, k) => k + 1).slice(-capacity);
          expect(log.since().map((entry) => entry.sequence)).toEqual(kept);
          expect(log.since(afterSequence).map((entry) => Number(entry.productId))).toEqual(
            kept.filter((sequence) => sequence > afterSequence),
          );
        },
      ),
    );
  });

  it('refuses a capacity below 1', () => {
    expect(() => new ProductAcceptLog(0)).toThrow('productAcceptLogCapacity must be a positive integer');
  });
});

describe('ShopiMind sandbox product acceptances', () => {
  let sandbox: ShopimindSandbox;
  let accessToken: string;
  let installationId: string;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox({ productAcceptLogCapacity: 3 });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.reset();
    ({ installationId, accessToken } = sandbox.createInstallation());
    sandbox.setActive(installationId, true);
  });

  const saveProducts = (products: unknown[]) =>
    fetch(`${sandbox.url}/v1/products`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'spm-api-key': accessToken },
      body: JSON.stringify(products),
    });

  it('logs each stored product record with its price, not the refused ones nor injected faults', async () => {
    const before = Date.now();
    await saveProducts([
      sandboxProductFixture({ product_id: 1, price: 10 }),
      sandboxProductFixture({ product_id: 2, price: -1 }),
    ]);
    sandbox.injectFaults({ status: 503, burst: 1 });
    await saveProducts([sandboxProductFixture({ product_id: 3, price: 30 })]);
    await saveProducts([sandboxProductFixture({ product_id: 1, price: 11, price_discount: 9 })]);

    const accepted = sandbox.productAcceptances(installationId);
    expect(
      accepted.map(({ productId, price, priceDiscount }) => ({ productId, price, priceDiscount })),
    ).toEqual([
      { productId: '1', price: 10, priceDiscount: null },
      { productId: '1', price: 11, priceDiscount: 9 },
    ]);
    expect(accepted.every((entry) => entry.acceptedAt >= before && entry.acceptedAt <= Date.now())).toBe(
      true,
    );
    expect(sandbox.productAcceptances(installationId, accepted[0].sequence)).toEqual([accepted[1]]);
  });

  it('forgets the oldest records beyond its capacity and starts over for a new installation', async () => {
    await saveProducts([1, 2, 3, 4].map((id) => sandboxProductFixture({ product_id: id })));
    expect(sandbox.productAcceptances(installationId).map((entry) => entry.productId)).toEqual([
      '2',
      '3',
      '4',
    ]);

    const other = sandbox.createInstallation();
    expect(sandbox.productAcceptances(other.installationId)).toEqual([]);
  });

  it('refuses a capacity that cannot hold a record', async () => {
    await expect(startShopimindSandbox({ productAcceptLogCapacity: 0 })).rejects.toThrow(
      'productAcceptLogCapacity must be a positive integer',
    );
  });
});
