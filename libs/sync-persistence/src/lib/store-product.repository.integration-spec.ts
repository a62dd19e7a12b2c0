import { createHash } from 'node:crypto';
import type { NormalizedProduct } from '@storebridge/contracts';
import { DataSource } from 'typeorm';
import {
  recordContentHash,
  StoreConnectionEntity,
  StoreConnectionRepository,
  StoreOrderEntity,
  StorePageFingerprintEntity,
  StoreProductEntity,
  StoreProductReader,
  SyncRunEntity,
} from '@storebridge/persistence';
import { aPersistedConnection, openDataSource, truncateTables } from '@storebridge/persistence/testing';
import { StoreOrderRepository } from './store-order.repository';
import { StoreProductRepository } from './store-product.repository';
import { SyncRunRepository } from './sync-run.repository';

function aProduct(overrides: Partial<NormalizedProduct> = {}): NormalizedProduct {
  return {
    id: 'prod_1',
    name: 'Linen shirt',
    price: 39.9,
    regularPrice: 49.9,
    categories: ['Shirts', 'Summer'],
    tags: [],
    images: ['https://cdn.store.example.com/shirt-front.jpg', 'https://cdn.store.example.com/shirt-back.jpg'],
    url: 'https://store.example.com/p/linen-shirt',
    ...overrides,
  };
}

describe('StoreProductRepository', () => {
  let dataSource: DataSource;
  let connections: StoreConnectionRepository;
  let products: StoreProductRepository;
  let reader: StoreProductReader;
  let orders: StoreOrderRepository;
  let syncRuns: SyncRunRepository;
  let connectionId: string;

  const aConnection = () => aPersistedConnection(dataSource);

  beforeAll(async () => {
    dataSource = await openDataSource();
    connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
    products = new StoreProductRepository(dataSource.getRepository(StoreProductEntity));
    reader = new StoreProductReader(dataSource.getRepository(StoreProductEntity));
    orders = new StoreOrderRepository(dataSource.getRepository(StoreOrderEntity));
    syncRuns = new SyncRunRepository(dataSource.getRepository(SyncRunEntity));
  });

  beforeEach(async () => {
    await truncateTables(dataSource);
    connectionId = await aConnection();
  });

  afterAll(() => dataSource.destroy());

  it('stores what the widgets need from a normalized product, with a hash of the whole product', async () => {
    const product = aProduct();

    await products.upsertMany(connectionId, [product]);

    const stored = await reader.findOne(connectionId, 'prod_1');
    expect(stored).toEqual({
      connectionId,
      storeProductId: 'prod_1',
      name: 'Linen shirt',
      price: 39.9,
      regularPrice: 49.9,
      imageUrl: 'https://cdn.store.example.com/shirt-front.jpg',
      url: 'https://store.example.com/p/linen-shirt',
      categories: ['Shirts', 'Summer'],
      contentHash: createHash('sha256').update(JSON.stringify(product)).digest('hex'),
      raw: null,
      deletionHeldByRun: null,
      updatedAt: expect.any(Date),
    });
  });

  it('keeps the store record given for each product, as received, and replaces it on the next write', async () => {
    const raw = {
      product_id: 'prod_1',
      title: 'Linen shirt',
      selling_price: '$39.90',
      options: [{ size: 'M' }],
      nested: { deep: true },
    };
    await products.upsertMany(
      connectionId,
      [aProduct(), aProduct({ id: 'prod_2' })],
      new Map([['prod_1', raw]]),
    );

    expect((await reader.findOne(connectionId, 'prod_1'))?.raw).toEqual(raw);
    expect((await reader.findOne(connectionId, 'prod_2'))?.raw).toBeNull();

    await products.upsertMany(
      connectionId,
      [aProduct({ name: 'Renamed' })],
      new Map([['prod_1', { id: 'prod_1' }]]),
    );
    expect((await reader.findOne(connectionId, 'prod_1'))?.raw).toEqual({ id: 'prod_1' });

    await products.upsertMany(connectionId, [aProduct({ name: 'Again' })]);
    expect((await reader.findOne(connectionId, 'prod_1'))?.raw).toBeNull();
  });

  it('stores null for a product without price or image', async () => {
    await products.upsertMany(connectionId, [
      aProduct({ price: undefined, regularPrice: undefined, images: [] }),
    ]);

    expect(await reader.findOne(connectionId, 'prod_1')).toMatchObject({
      price: null,
      regularPrice: null,
      imageUrl: null,
    });
  });

  it('overwrites a known product on the next sync and keeps one row per id', async () => {
    await products.upsertMany(connectionId, [aProduct(), aProduct({ id: 'prod_2', name: 'Scarf' })]);
    const before = await reader.findOne(connectionId, 'prod_1');

    await products.upsertMany(connectionId, [
      aProduct({
        name: 'Linen shirt (blue)',
        price: 29.9,
        images: ['https://cdn.store.example.com/blue.jpg'],
      }),
    ]);

    const after = await reader.findOne(connectionId, 'prod_1');
    expect(after).toMatchObject({
      name: 'Linen shirt (blue)',
      price: 29.9,
      imageUrl: 'https://cdn.store.example.com/blue.jpg',
    });
    expect(after?.contentHash).not.toBe(before?.contentHash);
    expect(after?.updatedAt.getTime()).toBeGreaterThanOrEqual(before?.updatedAt.getTime() ?? Infinity);
    expect((await reader.findOne(connectionId, 'prod_2'))?.name).toBe('Scarf');
    expect(await dataSource.getRepository(StoreProductEntity).count()).toBe(2);
  });

  it('accepts a page repeating an id (the last one wins) and an empty page', async () => {
    await products.upsertMany(connectionId, [aProduct({ name: 'First' }), aProduct({ name: 'Second' })]);
    await products.upsertMany(connectionId, []);

    expect((await reader.findOne(connectionId, 'prod_1'))?.name).toBe('Second');
    expect(await dataSource.getRepository(StoreProductEntity).count()).toBe(1);
  });

  it('writes a catalogue larger than one statement', async () => {
    const many = Array.from({ length: 1_203 }, (_, index) => aProduct({ id: `prod_${index}` }));

    await products.upsertMany(connectionId, many);

    expect(await dataSource.getRepository(StoreProductEntity).count()).toBe(1_203);
  });

  it('keeps the same store id of two connections apart', async () => {
    const otherConnectionId = await aConnection();

    await products.upsertMany(connectionId, [aProduct({ name: 'Mine' })]);
    await products.upsertMany(otherConnectionId, [aProduct({ name: 'Theirs' })]);

    expect((await reader.findOne(connectionId, 'prod_1'))?.name).toBe('Mine');
    expect((await reader.findOne(otherConnectionId, 'prod_1'))?.name).toBe('Theirs');
    expect(await reader.findOne(connectionId, 'prod_unknown')).toBeNull();
  });

  it('deletes the given products of one connection only and says how many went', async () => {
    const otherConnectionId = await aConnection();
    await products.upsertMany(connectionId, [
      aProduct({ id: 'a' }),
      aProduct({ id: 'b' }),
      aProduct({ id: 'c' }),
    ]);
    await products.upsertMany(otherConnectionId, [aProduct({ id: 'a' })]);

    expect(await products.deleteMany(connectionId, ['a', 'b', 'b', 'missing'])).toBe(2);
    expect(await products.deleteMany(connectionId, [])).toBe(0);

    expect(ids(await reader.search(connectionId, undefined, 10))).toEqual(['c']);
    expect(await reader.findOne(otherConnectionId, 'a')).not.toBeNull();
  });

  it('reads what it holds of many products of one connection in one statement, for webhooks to merge into', async () => {
    const otherConnectionId = await aConnection();
    const rawA = { id: 'a', title: 'Lamp', price: '9.90' };
    await products.upsertMany(
      connectionId,
      [aProduct({ id: 'a' }), aProduct({ id: 'b' })],
      new Map([['a', rawA]]),
    );
    await products.upsertMany(otherConnectionId, [aProduct({ id: 'c' })]);
    const statements = jest.spyOn(dataSource.getRepository(StoreProductEntity), 'query');

    const states = await products.findStates(connectionId, ['a', 'b', 'c', 'missing', 'a']);

    expect(statements).toHaveBeenCalledTimes(1);
    expect(states).toEqual(
      new Map([
        ['a', { contentHash: recordContentHash(aProduct({ id: 'a' })), raw: rawA }],
        ['b', { contentHash: recordContentHash(aProduct({ id: 'b' })), raw: null }],
      ]),
    );
    expect(await products.findStates(connectionId, [])).toEqual(new Map());
    expect(statements).toHaveBeenCalledTimes(1);
    statements.mockRestore();
  });

  describe('change detection and deletions', () => {
    it('records the ids a page showed and tells, in the same round trip, the hashes it holds and a redelivery', async () => {
      const otherConnectionId = await aConnection();
      const shirt = aProduct();
      await products.upsertMany(connectionId, [shirt, aProduct({ id: 'prod_2', name: 'Scarf' })]);
      await products.upsertMany(otherConnectionId, [aProduct({ id: 'prod_3' })]);
      const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' });

      const first = await products.recordSeen(connectionId, run.id, 1, ['prod_1', 'prod_3', 'prod_1']);
      const again = await products.recordSeen(connectionId, run.id, 1, ['prod_1', 'prod_3']);

      expect(first).toEqual({
        firstTime: true,
        contentHashes: new Map([['prod_1', recordContentHash(shirt)]]),
      });
      expect(again.firstTime).toBe(false);
      expect(await products.recordSeen(connectionId, run.id, 2, [])).toEqual({
        firstTime: true,
        contentHashes: new Map(),
      });
      const seen: Array<{ page: number; ids: string[] }> = await dataSource.query(
        `SELECT page, ids FROM sync_run_seen_ids WHERE run_id = $1`,
        [run.id],
      );
      expect(seen).toEqual([{ page: 1, ids: ['prod_1', 'prod_3'] }]);

      await syncRuns.finish(run.id, 'succeeded');

      expect(await dataSource.query(`SELECT 1 FROM sync_run_seen_ids WHERE run_id = $1`, [run.id])).toEqual(
        [],
      );
    });

    it('finds, in id order, the products no page of a run showed, but not those written since it started', async () => {
      const otherConnectionId = await aConnection();
      await products.upsertMany(
        connectionId,
        ['d', 'c', 'b', 'a'].map((id) => aProduct({ id })),
      );
      await products.upsertMany(otherConnectionId, [aProduct({ id: 'z' })]);
      const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' });
      await products.recordSeen(connectionId, run.id, 1, ['b', 'missing']);
      await products.recordSeen(connectionId, run.id, 2, ['c']);
      // A store webhook while the crawl runs: the crawl may have passed its page already.
      await products.upsertMany(connectionId, [aProduct({ id: 'e' })]);

      expect((await products.findUnseen(connectionId, run.id)).fresh).toEqual(['a', 'd']);
      expect((await products.findUnseen(otherConnectionId, run.id)).fresh).toEqual(['z']);
    });

    it('holds deletions until a later complete crawl still misses them, and lifts them when a record returns', async () => {
      await products.upsertMany(
        connectionId,
        ['a', 'b', 'c', 'd'].map((id) => aProduct({ id })),
      );
      const first = await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' });
      await products.recordSeen(connectionId, first.id, 1, ['a']);
      expect(await products.findUnseen(connectionId, first.id)).toEqual({
        fresh: ['b', 'c', 'd'],
        confirmed: [],
        mirrored: 4,
      });
      await products.holdDeletions(connectionId, first.id, ['b', 'c', 'd']);
      // The same crawl asked again (a redelivery) holds them itself: nothing is confirmed yet.
      expect((await products.findUnseen(connectionId, first.id)).confirmed).toEqual([]);
      await syncRuns.finish(first.id, 'succeeded');

      const second = await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' });
      await products.recordSeen(connectionId, second.id, 1, ['a', 'b']);
      // A store webhook rewrote d: the store has it.
      await products.upsertMany(connectionId, [aProduct({ id: 'd' })]);
      await products.releaseHeldDeletions(connectionId, second.id);
      await dataSource.query(`UPDATE store_products SET updated_at = now() - interval '1 hour'`);
      expect(await products.findUnseen(connectionId, second.id)).toEqual({
        fresh: ['d'],
        confirmed: ['c'],
        mirrored: 4,
      });
    });

    describe('page fingerprints', () => {
      const NORMALIZATION = 'normalization-v1';
      const BODY = 'a'.repeat(64);
      const counts = { recordsValid: 2, recordsSkipped: 1, warnings: { price_unparseable: 1 } };

      /** Crawls page 1 of a run showing `page`, keeping its fingerprint, and writes the page to the mirror. */
      async function crawlPageOne(page: NormalizedProduct[]): Promise<string> {
        const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' });
        const hashes = new Map(page.map((product) => [product.id, recordContentHash(product)]));
        await products.recordSeen(
          connectionId,
          run.id,
          1,
          page.map((product) => product.id),
          { bodyHash: BODY, normalizationKey: NORMALIZATION, contentHashes: hashes, counts },
        );
        await products.upsertMany(connectionId, page, undefined, hashes);
        await syncRuns.finish(run.id, 'succeeded');
        return run.id;
      }

      async function nextRun(): Promise<string> {
        return (await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' })).id;
      }

      async function seenIds(runId: string): Promise<Array<{ page: number; ids: string[] }>> {
        return dataSource.query(`SELECT page, ids FROM sync_run_seen_ids WHERE run_id = $1`, [runId]);
      }

      it('records a page with the same body, normalization and mirror as seen, with its ids and counts', async () => {
        await crawlPageOne([aProduct({ id: 'b' }), aProduct({ id: 'a' })]);
        const runId = await nextRun();

        expect(await products.findPageBodyHashes(connectionId, NORMALIZATION)).toEqual(new Map([[1, BODY]]));
        expect(await products.findPageBodyHashes(connectionId, 'normalization-v2')).toEqual(new Map());
        expect(await products.recordUnchangedPage(connectionId, runId, 1, BODY, NORMALIZATION)).toEqual({
          firstTime: true,
          counts,
        });
        expect(await seenIds(runId)).toEqual([{ page: 1, ids: ['b', 'a'] }]);
        // A redelivered page is told apart, as by recordSeen.
        expect(await products.recordUnchangedPage(connectionId, runId, 1, BODY, NORMALIZATION)).toEqual({
          firstTime: false,
          counts,
        });
        expect((await products.findUnseen(connectionId, runId)).fresh).toEqual([]);
      });

      it.each<
        [
          string,
          (runId: string) => Promise<unknown>,
          { body?: string; normalization?: string; page?: number },
        ]
      >([
        ['another body', async () => undefined, { body: 'b'.repeat(64) }],
        ['another normalization', async () => undefined, { normalization: 'normalization-v2' }],
        ['a page never fingerprinted', async () => undefined, { page: 2 }],
        [
          'a record changed in the mirror since (a webhook)',
          () => products.upsertMany(connectionId, [aProduct({ id: 'a', name: 'Renamed' })]),
          {},
        ],
        ['a record deleted from the mirror since', () => products.deleteMany(connectionId, ['b']), {}],
      ])('records nothing for %s', async (_label, meanwhile, asked) => {
        await crawlPageOne([aProduct({ id: 'b' }), aProduct({ id: 'a' })]);
        const runId = await nextRun();
        await meanwhile(runId);

        expect(
          await products.recordUnchangedPage(
            connectionId,
            runId,
            asked.page ?? 1,
            asked.body ?? BODY,
            asked.normalization ?? NORMALIZATION,
          ),
        ).toBeNull();
        expect(await seenIds(runId)).toEqual([]);
      });

      it('holds only once the mirror has the records the fingerprint was taken from', async () => {
        const run = await nextRun();
        const product = aProduct();
        await products.recordSeen(connectionId, run, 1, [product.id], {
          bodyHash: BODY,
          normalizationKey: NORMALIZATION,
          contentHashes: new Map([[product.id, recordContentHash(product)]]),
          counts,
        });
        await syncRuns.finish(run, 'failed', 'crashed before writing the mirror');

        const next = await nextRun();
        expect(await products.recordUnchangedPage(connectionId, next, 1, BODY, NORMALIZATION)).toBeNull();
        await products.upsertMany(connectionId, [product]);
        expect(await products.recordUnchangedPage(connectionId, next, 1, BODY, NORMALIZATION)).toEqual({
          firstTime: true,
          counts,
        });
      });

      it('keeps one fingerprint per page, the latest, and forgets those past the end of a complete crawl', async () => {
        await crawlPageOne([aProduct({ id: 'a' })]);
        await crawlPageOne([aProduct({ id: 'c' })]);
        const run = await nextRun();
        await products.recordSeen(connectionId, run, 2, ['d'], {
          bodyHash: 'd'.repeat(64),
          normalizationKey: NORMALIZATION,
          contentHashes: new Map([['d', 'hash-of-d']]),
          counts,
        });
        const kept: Array<{ page: number; ids: string[] }> = await dataSource.query(
          `SELECT page, ids FROM store_page_fingerprints WHERE connection_id = $1 ORDER BY page`,
          [connectionId],
        );
        expect(kept).toEqual([
          { page: 1, ids: ['c'] },
          { page: 2, ids: ['d'] },
        ]);

        await products.forgetPagesFrom(connectionId, 2);

        expect(await products.findPageBodyHashes(connectionId, NORMALIZATION)).toEqual(new Map([[1, BODY]]));
      });
    });

    it('sees and deletes more products than one statement could bind one by one', async () => {
      const many = Array.from({ length: 1_203 }, (_, index) => `prod_${index}`);
      await products.upsertMany(
        connectionId,
        many.map((id) => aProduct({ id })),
      );
      const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' });

      await products.recordSeen(connectionId, run.id, 1, many);

      expect((await products.findUnseen(connectionId, run.id)).fresh).toEqual([]);
      expect(await products.deleteMany(connectionId, many)).toBe(1_203);
    });
  });

  it('goes with its store connection (uninstall keeps nothing)', async () => {
    await products.upsertMany(connectionId, [aProduct()]);
    const connection = await connections.findById(connectionId);

    await connections.deleteByInstallation(connection?.installationId ?? '');

    expect(await dataSource.getRepository(StoreProductEntity).count()).toBe(0);
  });

  it('keeps page fingerprints of products and orders apart, and they go with their store connection', async () => {
    const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' });
    const fingerprint = {
      bodyHash: 'f'.repeat(64),
      normalizationKey: 'n',
      contentHashes: new Map([['prod_1', 'h']]),
      counts: { recordsValid: 1, recordsSkipped: 0, warnings: {} },
    };
    await products.recordSeen(connectionId, run.id, 1, ['prod_1'], fingerprint);
    expect(await orders.findPageBodyHashes(connectionId, 'n')).toEqual(new Map());
    const connection = await connections.findById(connectionId);

    await connections.deleteByInstallation(connection?.installationId ?? '');

    expect(await dataSource.getRepository(StorePageFingerprintEntity).count()).toBe(0);
  });
});

function ids(found: StoreProductEntity[]): string[] {
  return found.map((product) => product.storeProductId);
}
