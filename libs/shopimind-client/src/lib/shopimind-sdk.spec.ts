import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  sandboxProductFixture,
  startShopimindSandbox,
  type ShopimindSandbox,
} from '@storebridge/shopimind-sandbox';
import type { ShopimindProduct } from '@storebridge/shopimind-mapping';
import { ShopimindWriter } from './shopimind-writer';

describe('the ShopiMind HTTP client', () => {
  let sandbox: ShopimindSandbox;
  let redirector: Server;
  let redirectorUrl: string;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
    // Sends every request on to the same path of the sandbox, body included (307 keeps the method).
    redirector = createServer((request, response) => {
      response.writeHead(307, { location: `${sandbox.url}${request.url ?? '/'}` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => redirector.close(resolve));
    await sandbox.close();
  });

  it('refuses a redirected write instead of sending the items on', async () => {
    const credentials = sandbox.createInstallation();
    sandbox.setActive(credentials.installationId, true);
    const writer = new ShopimindWriter(credentials.accessToken, redirectorUrl);

    const outcome = await writer.saveProducts([
      sandboxProductFixture({ product_id: 1 }) as unknown as ShopimindProduct,
    ]);

    expect(outcome).toMatchObject({ kind: 'permanent', statusCode: 307 });
    expect(sandbox.requestLog(credentials.installationId)).toEqual([]);
    expect(sandbox.products(credentials.installationId)).toEqual([]);
  });
});
