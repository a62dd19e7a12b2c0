import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NormalizedProduct, ProductsChangedEvent } from '@storebridge/contracts';
import { recordContentHash } from '@storebridge/persistence';
import { SHOPIMIND_CHUNK_SIZES, type WriteOutcome } from '@storebridge/shopimind-client';
import fc from 'fast-check';
import { accepted, FakePushWorld } from '../../test/fakes';
import { ProductPushService } from './product-push.service';

const unavailable: WriteOutcome = { kind: 'transient', statusCode: 503, message: 'Service Unavailable' };

function aProduct(id: string, price = 10, overrides: Partial<NormalizedProduct> = {}): NormalizedProduct {
  return {
    id,
    name: `Product ${id}`,
    price,
    categories: [],
    tags: [],
    images: [],
    url: `https://shop.example.com/p/${id}`,
    ...overrides,
  };
}

function productsNumbered(count: number): NormalizedProduct[] {
  return Array.from({ length: count }, (_, index) => aProduct(`prod_${index}`));
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'succeeded',
    (reason: unknown) => reason,
  );
}

// Issue #17: during a ShopiMind outage a redelivered message wrote again the records ShopiMind had accepted.
describe('ProductPushService on a redelivered message', () => {
  let world: FakePushWorld;
  let service: ProductPushService;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    world = new FakePushWorld();
    service = new ProductPushService(world.pushTargets, world.idMappingRepository, world.productParts);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function anEvent(
    products: NormalizedProduct[],
    deletedIds: string[] = [],
    connectionId = world.connection.id,
  ): ProductsChangedEvent {
    return { connectionId, syncRunId: randomUUID(), page: 1, products, deletedIds };
  }

  /** How many times each product was sent to ShopiMind, by its link. */
  function productWrites(): Map<string, number> {
    const writes = new Map<string, number>();
    for (const item of world.writer.callsOf('saveProducts').flatMap((call) => call.items)) {
      writes.set(item.link, (writes.get(item.link) ?? 0) + 1);
    }
    return writes;
  }

  const linkOf = (id: string) => `https://shop.example.com/p/${id}`;

  it('writes only the records of the batch that failed, not those ShopiMind accepted', async () => {
    const event = anEvent(productsNumbered(120));
    world.writer.outcomes.push(accepted(50), unavailable, accepted(20));
    expect(await failure(service.pushProducts(event))).toMatchObject({ name: 'DependencyUnavailableError' });

    await service.pushProducts(event, { attempt: 2 });

    const writes = productWrites();
    expect(writes.size).toBe(120);
    expect([...writes.values()].filter((count) => count > 1)).toHaveLength(50);
    // The failed batch (products 50 to 99) twice, the others once.
    expect(writes.get(linkOf('prod_49'))).toBe(1);
    expect(writes.get(linkOf('prod_50'))).toBe(2);
    expect(writes.get(linkOf('prod_100'))).toBe(1);
    expect(Object.values(world.outcomes.statuses('products'))).toEqual(Array(120).fill('accepted'));
  });

  it('writes again a record whose content changed since ShopiMind accepted it', async () => {
    const products = productsNumbered(60);
    world.writer.outcomes.push(accepted(50), unavailable);
    await failure(service.pushProducts(anEvent(products)));
    const changed = [{ ...products[0], price: 12 }, ...products.slice(1)];

    await service.pushProducts(anEvent(changed), { attempt: 2 });

    const secondCall = world.writer.callsOf('saveProducts')[2];
    expect(secondCall.items.map((item) => item.link)).toEqual([
      linkOf('prod_0'),
      ...products.slice(50).map((product) => linkOf(product.id)),
    ]);
    expect(secondCall.items[0].price).toBe(12);
    expect(world.outcomes.rows.get(`${world.connection.id}/products/prod_0`)?.contentHash).toBe(
      recordContentHash(changed[0]),
    );
  });

  it('writes again a record ShopiMind rejected (a dead letter goes with every message naming it)', async () => {
    const products = productsNumbered(60);
    world.writer.outcomes.push({
      kind: 'accepted',
      sentCount: 49,
      rejected: [{ index: 3, errors: ['bad'] }],
    });
    world.writer.outcomes.push(unavailable);
    await failure(service.pushProducts(anEvent(products)));
    expect(world.outcomes.statuses('products')['prod_3']).toBe('rejected');

    await service.pushProducts(anEvent(products), { attempt: 2 });

    expect(productWrites().get(linkOf('prod_3'))).toBe(2);
    expect(productWrites().get(linkOf('prod_4'))).toBe(1);
    expect(world.outcomes.statuses('products')['prod_3']).toBe('accepted');
  });

  it("writes everything again once the connection's configuration changed since the acceptance", async () => {
    const products = productsNumbered(60);
    world.writer.outcomes.push(accepted(50), unavailable);
    await failure(service.pushProducts(anEvent(products)));
    // A new currency or language: the same records become something else for ShopiMind.
    world.connection.updatedAt = new Date(world.outcomes.tick());

    await service.pushProducts(anEvent(products), { attempt: 2 });

    expect([...productWrites().values()]).toEqual(Array(60).fill(2));
  });

  it('asks the ledger nothing on a first delivery', async () => {
    const products = productsNumbered(10);
    await service.pushProducts(anEvent(products));

    await service.pushProducts(anEvent(products));

    expect(world.outcomes.unchangedLookups).toEqual([]);
    expect([...productWrites().values()]).toEqual(Array(10).fill(2));
  });

  it('writes the parts of accepted products whose parts never went, and leaves out those that did', async () => {
    const withParts = (id: string) =>
      aProduct(id, 10, {
        images: [`https://cdn.example.com/${id}.jpg`],
        variations: [{ id: `${id}_v1`, price: 11 }],
      });
    const products = Array.from({ length: 60 }, (_, index) => withParts(`prod_${index}`));
    // The second batch fails: no part is written by this delivery.
    world.writer.outcomes.push(accepted(50), unavailable);
    await failure(service.pushProducts(anEvent(products)));
    expect(world.writer.callsOf('saveProductVariations')).toEqual([]);

    // Everything goes, but the delete cannot be made: the parts were kept, the message fails again.
    const deleteProducts = world.writer.deleteProducts.bind(world.writer);
    world.writer.deleteProducts = async (ids) => [{ ids, outcome: unavailable }];
    await failure(service.pushProducts(anEvent(products, ['prod_gone']), { attempt: 2 }));
    world.writer.deleteProducts = deleteProducts;
    expect(world.writer.callsOf('saveProductVariations').flatMap((call) => call.items)).toHaveLength(60);

    await service.pushProducts(anEvent(products, ['prod_gone']), { attempt: 3 });

    expect(world.writer.callsOf('saveProductVariations').flatMap((call) => call.items)).toHaveLength(60);
    expect(world.writer.callsOf('saveProductImages').flatMap((call) => call.items)).toHaveLength(60);
    const writes = productWrites();
    expect(products.map((product) => writes.get(linkOf(product.id)))).toEqual([
      ...Array(50).fill(1),
      ...Array(10).fill(2),
    ]);
    expect(world.writer.callsOf('deleteProducts')).toHaveLength(1);
  });

  it('a variation changed since the parts were kept is written again with its product', async () => {
    const tee = aProduct('tee', 10, { variations: [{ id: 'v1', price: 11 }] });
    await service.pushProducts(anEvent([tee]));
    const cheaper = { ...tee, variations: [{ id: 'v1', price: 9 }] };

    await service.pushProducts(anEvent([cheaper]), { attempt: 2 });

    expect(world.writer.callsOf('saveProducts')).toHaveLength(2);
    expect(world.writer.callsOf('saveProductVariations').map((call) => call.items[0].price)).toEqual([11, 9]);
  });

  // Whatever writes fail on whichever delivery, and whatever changes meanwhile, ShopiMind ends with the latest
  // version of every record and of its variation, and no record is sent again in a content ShopiMind accepted.
  it('never writes a record again in a content ShopiMind accepted, and ends with the latest of each', async () => {
    const version = (id: string, price: number) =>
      aProduct(id, price, { variations: [{ id: 'v1', price: price + 1 }] });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 180 }),
        // Per delivery: which write calls fail (in call order), and which products change price before it.
        fc.array(
          fc.record({
            failures: fc.array(fc.boolean(), { maxLength: 5 }),
            changed: fc.array(fc.nat(179), { maxLength: 8 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (count, deliveries) => {
          const property = new FakePushWorld();
          const push = new ProductPushService(
            property.pushTargets,
            property.idMappingRepository,
            property.productParts,
          );
          const prices = new Map(Array.from({ length: count }, (_, index) => [`prod_${index}`, 10]));
          // What ShopiMind holds (price by link), and what it held when each write came.
          const held = new Map<string, number>();
          const heldVariations = new Map<string, number>();
          const resentUnchanged: string[] = [];
          const writer = property.writer;
          const saveVariations = writer.saveProductVariations.bind(writer);
          writer.saveProductVariations = async (items) => {
            const outcomes = await saveVariations(items);
            outcomes.forEach((outcome, chunk) => {
              if (outcome.kind === 'accepted') {
                items
                  .slice(chunk * VARIATION_CHUNK, (chunk + 1) * VARIATION_CHUNK)
                  .forEach((item) => heldVariations.set(item.link, item.price));
              }
            });
            return outcomes;
          };
          const save = writer.saveProducts.bind(writer);
          writer.saveProducts = async (items) => {
            resentUnchanged.push(
              ...items.filter((item) => held.get(item.link) === item.price).map((item) => item.link),
            );
            const outcome = await save(items);
            if (outcome.kind === 'accepted') {
              items.forEach((item) => held.set(item.link, item.price));
            }
            return outcome;
          };
          let attempt = 1;
          let done = false;
          for (const { failures, changed } of [...deliveries, { failures: [], changed: [] }]) {
            for (const index of changed.filter((at) => at < count)) {
              prices.set(`prod_${index}`, (prices.get(`prod_${index}`) ?? 0) + 1);
            }
            writer.outcomes.splice(
              0,
              writer.outcomes.length,
              ...failures.map((fails) => (fails ? unavailable : accepted(RECORD_BATCH))),
            );
            const products = [...prices].map(([id, price]) => version(id, price));
            done =
              (await failure(
                push.pushProducts(anEvent(products, [], property.connection.id), { attempt }),
              )) === 'succeeded';
            attempt += 1;
          }
          expect(done).toBe(true);
          expect(resentUnchanged).toEqual([]);
          expect(held).toEqual(new Map([...prices].map(([id, price]) => [linkOf(id), price])));
          expect(heldVariations).toEqual(new Map([...prices].map(([id, price]) => [linkOf(id), price + 1])));
          const ledger = [...prices].map(([id, price]) => {
            const row = property.outcomes.rows.get(`${property.connection.id}/products/${id}`);
            return [row?.status, row?.contentHash === recordContentHash(version(id, price))];
          });
          expect(ledger).toEqual([...prices].map(() => ['accepted', true]));
        },
      ),
    );
  });
});

/** The sent count the fake answers with does not matter to push: only rejections do. */
const RECORD_BATCH = 50;
const VARIATION_CHUNK = SHOPIMIND_CHUNK_SIZES.productVariations;
