import { DataSource } from 'typeorm';
import { aStoreConnection, insertInstallation } from '../../test/factories';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { StoreConnectionEntity, StoreProductEntity } from '../entities';
import { StoreProductReader } from '../readers/store-product.reader';
import { StoreConnectionRepository } from './store-connection.repository';

// Issue #16: what a configuration change must change in ShopiMind is kept with the connection.
describe('StoreConnectionRepository: categories left out, language held, records republished', () => {
  let dataSource: DataSource;
  let connections: StoreConnectionRepository;
  let products: StoreProductReader;

  beforeAll(async () => {
    dataSource = await openDataSource();
    connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
    products = new StoreProductReader(dataSource.getRepository(StoreProductEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  async function aConnection(
    overrides: Parameters<typeof aStoreConnection>[0] = {},
  ): Promise<StoreConnectionEntity> {
    const installation = await insertInstallation(dataSource);
    return connections.upsertForInstallation(installation.id, aStoreConnection(overrides));
  }

  it('stores the categories left out, none by default, and replaces them on reconfiguration', async () => {
    const none = await aConnection({ storeToken: 'st_none' });
    expect(none.excludedCategories).toEqual([]);

    const excluding = await aConnection({ storeToken: 'st_1', excludedCategories: ['Gift cards', 'Shoes'] });
    expect(excluding.excludedCategories).toEqual(['Gift cards', 'Shoes']);
    const emptied = await connections.upsertForInstallation(
      excluding.installationId,
      aStoreConnection({ storeToken: 'st_1', excludedCategories: [] }),
    );
    expect(emptied.excludedCategories).toEqual([]);
  });

  it('keeps the language ShopiMind holds on reconfiguration: only push moves it on, from the one it held', async () => {
    const created = await aConnection({ storeToken: 'st_1', lang: 'fr', shopimindLang: 'fr' });
    const reconfigured = await connections.upsertForInstallation(
      created.installationId,
      aStoreConnection({ storeToken: 'st_1', lang: 'de', shopimindLang: 'de' }),
    );
    expect(reconfigured).toMatchObject({ lang: 'de', shopimindLang: 'fr' });

    expect(await connections.replaceShopimindLang(created.id, 'it', 'de')).toBe(false);
    expect(await connections.replaceShopimindLang(created.id, 'fr', 'de')).toBe(true);
    expect((await connections.findById(created.id))?.shopimindLang).toBe('de');
    expect(await connections.replaceShopimindLang(created.id, 'fr', 'de')).toBe(false);
  });

  it('records the configuration every record was republished under, unless it changed since', async () => {
    const created = await aConnection({ storeToken: 'st_1', configFingerprint: 'first' });
    expect(created.republishedFingerprint).toBeNull();

    await connections.recordRepublished(created.id, 'first');
    expect((await connections.findById(created.id))?.republishedFingerprint).toBe('first');

    await connections.upsertForInstallation(
      created.installationId,
      aStoreConnection({ storeToken: 'st_1', configFingerprint: 'second' }),
    );
    // A crawl that started under the first configuration ends after the second was saved.
    await connections.recordRepublished(created.id, 'first');
    expect((await connections.findById(created.id))?.republishedFingerprint).toBe('first');
  });

  it('lists every product of the mirror and the categories they are in, for one connection', async () => {
    const mine = await aConnection({ storeToken: 'st_1' });
    const theirs = await aConnection({ storeToken: 'st_2' });
    const row = (connectionId: string, id: string, categories: string[]) => ({
      connectionId,
      storeProductId: id,
      name: id,
      price: null,
      regularPrice: null,
      imageUrl: null,
      url: `https://store.example.com/p/${id}`,
      categories,
      contentHash: `hash of ${id}`,
      raw: null,
    });
    await dataSource
      .getRepository(StoreProductEntity)
      .insert([
        row(mine.id, 'boots', ['Shoes', 'Winter']),
        row(mine.id, 'sandals', ['Shoes']),
        row(mine.id, 'plain', []),
        row(theirs.id, 'hat', ['Hats']),
      ]);

    const held = await products.findIdsAndCategoryNames(mine.id);

    expect(held.productIds.sort()).toEqual(['boots', 'plain', 'sandals']);
    expect(held.categoryNames.sort()).toEqual(['Shoes', 'Winter']);
  });
});
