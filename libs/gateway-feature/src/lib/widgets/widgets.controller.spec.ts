import { inflateSync } from 'node:zlib';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  StoreConnectionRepository,
  type InstallationEntity,
  type InstallationStatus,
  type StoreConnectionEntity,
  type StoreProductEntity,
  StoreProductReader,
} from '@storebridge/persistence';
import { InstallationRepository } from '@storebridge/gateway-persistence';
import { INSTALLATION_ID_VARIABLE, PRODUCT_IMAGE_WIDGET } from '@storebridge/shopimind-declaration';
import type { AddressInfo } from 'node:net';
import { WidgetProductsService } from './widget-products.service';
import { WidgetsController } from './widgets.controller';

const PLACEHOLDER = '/widgets/placeholder.png';

/** The three tables the route reads, in memory: installations by ShopiMind id → connection → products. */
class FakeCatalogue
  implements
    Pick<InstallationRepository, 'findByInstallationId'>,
    Pick<StoreConnectionRepository, 'findByInstallation'>,
    Pick<StoreProductReader, 'findOne'>
{
  readonly installations = new Map<string, Pick<InstallationEntity, 'id' | 'installationId' | 'status'>>();
  readonly connections = new Map<string, Pick<StoreConnectionEntity, 'id' | 'installationId'>>();
  readonly products = new Map<
    string,
    Pick<StoreProductEntity, 'connectionId' | 'storeProductId' | 'imageUrl'>
  >();
  readonly productLookups: string[] = [];
  failing = false;

  addInstallation(installationId: string, status: InstallationStatus = 'active'): string {
    const id = `uuid-${installationId}`;
    this.installations.set(installationId, { id, installationId, status });
    this.connections.set(id, { id: `connection-${installationId}`, installationId: id });
    return `connection-${installationId}`;
  }

  addProduct(connectionId: string, storeProductId: string, imageUrl: string | null): void {
    this.products.set(`${connectionId}/${storeProductId}`, { connectionId, storeProductId, imageUrl });
  }

  async findByInstallationId(installationId: string): Promise<InstallationEntity | null> {
    if (this.failing) {
      throw new Error('connection terminated');
    }
    return (this.installations.get(installationId) as InstallationEntity | undefined) ?? null;
  }

  async findByInstallation(installationId: string): Promise<StoreConnectionEntity | null> {
    return (this.connections.get(installationId) as StoreConnectionEntity | undefined) ?? null;
  }

  async findOne(connectionId: string, storeProductId: string): Promise<StoreProductEntity | null> {
    this.productLookups.push(storeProductId);
    return (this.products.get(`${connectionId}/${storeProductId}`) as StoreProductEntity | undefined) ?? null;
  }
}

describe('WidgetsController (HTTP)', () => {
  let app: INestApplication;
  let baseUrl: string;
  let catalogue: FakeCatalogue;

  beforeAll(async () => {
    catalogue = new FakeCatalogue();
    const moduleRef = await Test.createTestingModule({
      controllers: [WidgetsController],
      providers: [
        WidgetProductsService,
        { provide: InstallationRepository, useValue: catalogue },
        { provide: StoreConnectionRepository, useValue: catalogue },
        { provide: StoreProductReader, useValue: catalogue },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(() => app.close());

  beforeEach(() => {
    catalogue.installations.clear();
    catalogue.connections.clear();
    catalogue.products.clear();
    catalogue.productLookups.length = 0;
    catalogue.failing = false;
    const connectionId = catalogue.addInstallation('inst_1');
    catalogue.addProduct(connectionId, 'prod_1', 'https://cdn.store.example.com/shirt.jpg?v=2');
    catalogue.addProduct(connectionId, 'prod_no_image', null);
    catalogue.addProduct(
      catalogue.addInstallation('inst_gone', 'uninstalled'),
      'prod_1',
      'https://x.test/a.jpg',
    );
    catalogue.addProduct(
      catalogue.addInstallation('inst_paused', 'inactive'),
      'prod_1',
      'https://x.test/b.jpg',
    );
  });

  const get = (path: string) => fetch(`${baseUrl}${path}`, { redirect: 'manual' });

  it('redirects a known product to its current main image, with a short cache', async () => {
    const response = await get('/widgets/product-image/inst_1/prod_1');

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://cdn.store.example.com/shirt.jpg?v=2');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('serves the URL the product image widget declares', async () => {
    const path = PRODUCT_IMAGE_WIDGET.image_url_template
      .replace(INSTALLATION_ID_VARIABLE, 'inst_1')
      .replace('{widget.product_id}', 'prod_1');

    const response = await get(path);

    expect(response.headers.get('location')).toBe('https://cdn.store.example.com/shirt.jpg?v=2');
  });

  it('still shows the images of a deactivated installation (emails already sent keep working)', async () => {
    const response = await get('/widgets/product-image/inst_paused/prod_1');

    expect(response.headers.get('location')).toBe('https://x.test/b.jpg');
  });

  it.each([
    ['an unknown product', '/widgets/product-image/inst_1/prod_404'],
    ['an unknown installation', '/widgets/product-image/inst_404/prod_1'],
    ['an uninstalled installation', '/widgets/product-image/inst_gone/prod_1'],
    ['a product without image', '/widgets/product-image/inst_1/prod_no_image'],
    ["another installation's product id", '/widgets/product-image/inst_paused/prod_no_image'],
  ])('redirects %s to the placeholder, exactly like a known product', async (_case, path) => {
    const response = await get(path);

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(PLACEHOLDER);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it.each([
    ['a too long product id', `/widgets/product-image/inst_1/${'p'.repeat(129)}`],
    ['a product id with spaces', '/widgets/product-image/inst_1/prod%201'],
    ['a product id with quotes', "/widgets/product-image/inst_1/prod'1"],
    ['an installation id with a percent sign', '/widgets/product-image/inst%251/prod_1'],
    ['a product id with a newline', '/widgets/product-image/inst_1/prod_1%0d%0aSet-Cookie:x=1'],
  ])('redirects %s to the placeholder without looking anything up', async (_case, path) => {
    const response = await get(path);

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(PLACEHOLDER);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(catalogue.productLookups).toEqual([]);
  });

  it('never redirects to anything but an http(s) URL', async () => {
    catalogue.addProduct('connection-inst_1', 'prod_js', 'javascript:alert(1)');
    catalogue.addProduct('connection-inst_1', 'prod_split', 'https://x.test/a.jpg\r\nSet-Cookie: x=1');

    for (const product of ['prod_js', 'prod_split']) {
      const response = await get(`/widgets/product-image/inst_1/${product}`);
      expect(response.headers.get('location')).toBe(PLACEHOLDER);
    }
  });

  it('redirects to the placeholder when the database fails', async () => {
    catalogue.failing = true;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const response = await get('/widgets/product-image/inst_1/prod_1');

      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(PLACEHOLDER);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection terminated'));
    } finally {
      warn.mockRestore();
    }
  });

  it('serves the placeholder as a cacheable 1×1 transparent PNG', async () => {
    const response = await get(PLACEHOLDER);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1, 1]);
    // IDAT: one filter byte, then the pixel's RGBA with alpha 0.
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('latin1')).toBe('IDAT');
    const pixels = inflateSync(png.subarray(41, 41 + idatLength));
    expect(pixels[4]).toBe(0);
  });

  it('follows the placeholder redirect to the placeholder image', async () => {
    const response = await fetch(`${baseUrl}/widgets/product-image/inst_1/prod_404`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
  });
});
