import { Logger } from '@nestjs/common';
import type {
  InstallationEntity,
  InstallationStatus,
  StoreConnectionEntity,
  StoreConnectionRepository,
  StoreProductEntity,
  StoreProductReader,
} from '@storebridge/persistence';
import type { InstallationRepository } from '@storebridge/gateway-persistence';
import { PRODUCT_IMAGE_WIDGET, PRODUCTS_REMOTE_RESOURCE } from '@storebridge/shopimind-declaration';
import { ProductsRemoteDataProvider } from './products-remote-data.provider';
import { PRODUCT_OPTIONS_LIMIT, WidgetProductsService } from './widget-products.service';

interface Search {
  connectionId: string;
  query: string | undefined;
  limit: number;
}

/** Installations by ShopiMind id, one connection each, and a search that records how it was asked. */
class FakeCatalogue
  implements
    Pick<InstallationRepository, 'findByInstallationId'>,
    Pick<StoreConnectionRepository, 'findByInstallation'>,
    Pick<StoreProductReader, 'search'>
{
  readonly installations = new Map<string, Pick<InstallationEntity, 'id' | 'status'>>();
  readonly products = new Map<string, Array<Pick<StoreProductEntity, 'storeProductId' | 'name'>>>();
  readonly searches: Search[] = [];
  failing = false;

  add(installationId: string, status: InstallationStatus, names: Record<string, string>): void {
    this.installations.set(installationId, { id: `uuid-${installationId}`, status });
    this.products.set(
      `connection-${installationId}`,
      Object.entries(names).map(([storeProductId, name]) => ({ storeProductId, name })),
    );
  }

  async findByInstallationId(installationId: string): Promise<InstallationEntity | null> {
    return (this.installations.get(installationId) as InstallationEntity | undefined) ?? null;
  }

  async findByInstallation(id: string): Promise<StoreConnectionEntity | null> {
    const installationId = id.replace(/^uuid-/, '');
    return this.installations.has(installationId)
      ? ({ id: `connection-${installationId}`, installationId: id } as StoreConnectionEntity)
      : null;
  }

  async search(
    connectionId: string,
    query: string | undefined,
    limit: number,
  ): Promise<StoreProductEntity[]> {
    this.searches.push({ connectionId, query, limit });
    if (this.failing) {
      throw new Error('connection terminated');
    }
    const all = this.products.get(connectionId) ?? [];
    return all.filter((product) => !query || product.name.includes(query)) as StoreProductEntity[];
  }
}

describe('ProductsRemoteDataProvider', () => {
  let catalogue: FakeCatalogue;
  let provider: ProductsRemoteDataProvider;

  beforeEach(() => {
    catalogue = new FakeCatalogue();
    catalogue.add('inst_1', 'active', { prod_1: 'Linen shirt', prod_2: 'Linen shirt', prod_3: 'Scarf' });
    catalogue.add('inst_off', 'inactive', { prod_9: 'Hat' });
    catalogue.add('inst_gone', 'uninstalled', { prod_8: 'Gloves' });
    provider = new ProductsRemoteDataProvider(
      new WidgetProductsService(
        catalogue as unknown as InstallationRepository,
        catalogue as unknown as StoreConnectionRepository,
        catalogue as unknown as StoreProductReader,
      ),
    );
  });

  it('serves the resource the product pickers ask for', () => {
    expect(provider.resource).toBe(PRODUCTS_REMOTE_RESOURCE);
    const picker = PRODUCT_IMAGE_WIDGET.config_schema.fields[0];
    expect(picker.type === 'select' && picker.remote?.resource).toBe(provider.resource);
  });

  it("lists the installation's synced products as options, telling apart equal names by id", async () => {
    const options = await provider.load({
      installation_id: 'inst_1',
      store_base_url: 'https://shop.example.com',
    });

    expect(options).toEqual([
      { value: 'prod_1', label: 'Linen shirt (prod_1)' },
      { value: 'prod_2', label: 'Linen shirt (prod_2)' },
      { value: 'prod_3', label: 'Scarf (prod_3)' },
    ]);
    expect(catalogue.searches).toEqual([
      { connectionId: 'connection-inst_1', query: undefined, limit: PRODUCT_OPTIONS_LIMIT },
    ]);
  });

  it('narrows the list by a search text, cut to 100 characters', async () => {
    expect(await provider.load({ installation_id: 'inst_1', search: 'Scarf' })).toEqual([
      { value: 'prod_3', label: 'Scarf (prod_3)' },
    ]);

    await provider.load({ installation_id: 'inst_1', search: 'x'.repeat(500) });
    expect(catalogue.searches[1].query).toHaveLength(100);
  });

  it('still lists the products of a deactivated installation', async () => {
    expect(await provider.load({ installation_id: 'inst_off' })).toEqual([
      { value: 'prod_9', label: 'Hat (prod_9)' },
    ]);
  });

  it('answers no options, without throwing, when the database fails', async () => {
    catalogue.failing = true;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await expect(provider.load({ installation_id: 'inst_1' })).resolves.toEqual([]);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection terminated'));
    } finally {
      warn.mockRestore();
    }
  });

  it.each<[string, Record<string, unknown>]>([
    ['no installation_id', { store_base_url: 'https://shop.example.com' }],
    ['an empty installation_id', { installation_id: '' }],
    ['a numeric installation_id', { installation_id: 42 }],
    ['a malformed installation_id', { installation_id: "inst_1' OR 1=1" }],
    ['an unknown installation', { installation_id: 'inst_404' }],
    ['an uninstalled installation', { installation_id: 'inst_gone' }],
  ])('answers no options for %s', async (_case, config) => {
    expect(await provider.load(config)).toEqual([]);
    expect(catalogue.searches).toEqual([]);
  });
});
