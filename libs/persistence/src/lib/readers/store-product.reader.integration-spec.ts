import { DataSource } from 'typeorm';
import { aPersistedConnection } from '../../test/factories';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { tableReadsOf, wastefulReads } from '../../test/query-plans';
import { StoreProductEntity } from '../entities';
import { FIND_HELD_IDS, StoreProductReader } from './store-product.reader';

/** What a product row needs here; sync's StoreProductRepository writes the real ones. */
function aProduct(overrides: { id?: string; name?: string } = {}): { id: string; name: string } {
  return { id: 'prod_1', name: 'Linen shirt', ...overrides };
}

describe('StoreProductReader', () => {
  let dataSource: DataSource;
  let reader: StoreProductReader;
  let connectionId: string;

  const aConnection = () => aPersistedConnection(dataSource);

  /** Mirror rows written through the entity: this lib cannot use sync's repository. */
  async function mirror(connection: string, products: Array<{ id: string; name: string }>): Promise<void> {
    await dataSource.getRepository(StoreProductEntity).insert(
      products.map((product) => ({
        connectionId: connection,
        storeProductId: product.id,
        name: product.name,
        price: null,
        regularPrice: null,
        imageUrl: null,
        url: `https://store.example.com/p/${product.id}`,
        categories: [],
        contentHash: `hash of ${product.id}`,
        raw: null,
      })),
    );
  }

  beforeAll(async () => {
    dataSource = await openDataSource();
    reader = new StoreProductReader(dataSource.getRepository(StoreProductEntity));
  });

  beforeEach(async () => {
    await truncateTables(dataSource);
    connectionId = await aConnection();
  });

  afterAll(() => dataSource.destroy());

  it('finds one product of one connection, and null for an id the mirror does not hold', async () => {
    const otherConnectionId = await aConnection();
    await mirror(connectionId, [aProduct({ name: 'Mine' })]);
    await mirror(otherConnectionId, [aProduct({ name: 'Theirs' })]);

    expect(await reader.findOne(connectionId, 'prod_1')).toMatchObject({
      connectionId,
      storeProductId: 'prod_1',
      name: 'Mine',
    });
    expect(await reader.findOne(connectionId, 'prod_unknown')).toBeNull();
  });

  it('tells which of the given ids the mirror holds for one connection', async () => {
    const other = await aConnection();
    await mirror(connectionId, [aProduct({ id: 'prod_1' }), aProduct({ id: 'prod_2' })]);
    await mirror(other, [aProduct({ id: 'prod_3' })]);

    const held = await reader.findHeldIds(connectionId, ['prod_2', 'prod_3', 'prod_9', 'prod_2']);

    expect(held).toEqual(new Set(['prod_2']));
    expect(await reader.findHeldIds(connectionId, [])).toEqual(new Set());
  });

  it('looks held ids up by key, not by reading the connection, while statistics lag behind', async () => {
    // Orders are pushed while sync still fills the mirror, faster than autovacuum analyzes it: planned from the
    // stale statistics, the lookup once read every product of the connection for each page of orders.
    await dataSource.query('ANALYZE "store_products"');
    await mirror(
      connectionId,
      Array.from({ length: 5_000 }, (_, index) =>
        aProduct({ id: `prod_${index}`, name: `Product ${index}` }),
      ),
    );
    const wanted = Array.from({ length: 400 }, (_, index) => `prod_${index * 12}`);

    const reads = await tableReadsOf(dataSource, 'store_products', FIND_HELD_IDS, [connectionId, wanted]);

    expect(reads.length).toBeGreaterThan(0);
    expect(wastefulReads(reads)).toEqual([]);
  });

  describe('search', () => {
    beforeEach(async () => {
      await mirror(connectionId, [
        aProduct({ id: 'p_b', name: 'Blue linen shirt' }),
        aProduct({ id: 'p_a', name: 'Apron' }),
        aProduct({ id: 'p_c', name: 'Cotton SHIRT' }),
        aProduct({ id: 'p_pct', name: '100% wool' }),
        aProduct({ id: 'p_us', name: 'snake_case scarf' }),
        aProduct({ id: 'p_lace', name: 'Lace collar' }),
      ]);
      await mirror(await aConnection(), [aProduct({ id: 'p_x', name: 'Foreign shirt' })]);
    });

    it("lists a connection's products by name without a query", async () => {
      expect(ids(await reader.search(connectionId, undefined, 10))).toEqual([
        'p_pct',
        'p_a',
        'p_b',
        'p_c',
        'p_lace',
        'p_us',
      ]);
      expect(ids(await reader.search(connectionId, '   ', 10))).toHaveLength(6);
    });

    it('matches part of the name case-insensitively, or the exact id', async () => {
      expect(ids(await reader.search(connectionId, 'shirt', 10))).toEqual(['p_b', 'p_c']);
      expect(ids(await reader.search(connectionId, ' p_a ', 10))).toEqual(['p_a']);
    });

    // Unescaped, `%` would match everything and `e_c` also "Lace collar".
    it('searches LIKE wildcards literally', async () => {
      expect(ids(await reader.search(connectionId, '%', 10))).toEqual(['p_pct']);
      expect(ids(await reader.search(connectionId, 'e_c', 10))).toEqual(['p_us']);
    });

    it('returns at most limit rows, capped at 100, and none for a limit of 0', async () => {
      expect(ids(await reader.search(connectionId, undefined, 2))).toEqual(['p_pct', 'p_a']);
      expect(await reader.search(connectionId, undefined, 0)).toEqual([]);

      await mirror(
        connectionId,
        Array.from({ length: 150 }, (_, index) => aProduct({ id: `bulk_${index}` })),
      );
      expect(await reader.search(connectionId, undefined, 1_000)).toHaveLength(100);
    });
  });
});

function ids(found: StoreProductEntity[]): string[] {
  return found.map((product) => product.storeProductId);
}
