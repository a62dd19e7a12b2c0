import { hmacSha256Hex } from '@storebridge/security';
import { expectEventually } from '@storebridge/testing';
import { useProductionSystem, type ProductionSystem } from './support/production-system';
import { expectedShopimindProduct, storeConfigs, type OutsideWorld } from './support/outside-world';

const PRODUCT_COUNT = 5;
const STORE_WEBHOOK_SECRET = 'store-webhook-secret-e2e-0123456789';

describe('store webhooks, end to end (production mode)', () => {
  let world: OutsideWorld;
  let system: ProductionSystem;

  useProductionSystem(PRODUCT_COUNT, (started) => ({ world, system } = started));

  async function storeTokenOf(installationId: string): Promise<string> {
    const { rows } = await system.database.query<{ store_token: string }>(
      `SELECT c.store_token FROM store_connections c
         JOIN installations i ON i.id = c.installation_id
        WHERE i.installation_id = $1`,
      [installationId],
    );
    return rows[0].store_token;
  }

  it('applies a signed partial product update to what ShopiMind holds', async () => {
    const { gatewayUrl } = system;
    const secret = world.webhookSecret;
    const configs = storeConfigs(world, { store_webhook_secret: STORE_WEBHOOK_SECRET });
    const { installationId } = world.sandbox.createInstallation({ shopDomain: 'store-webhooks.example' });
    const ok = { status: 200, body: { success: true } };

    try {
      expect(await world.sandbox.lifecycle.install(gatewayUrl, installationId, { secret, configs })).toEqual(
        ok,
      );
      expect(await world.sandbox.lifecycle.activate(gatewayUrl, installationId, { secret, configs })).toEqual(
        ok,
      );
      const reference = expectedShopimindProduct(3)['reference'];
      const inShopimind = () =>
        world.sandbox.products(installationId).filter((item) => item['reference'] === reference);
      await expectEventually(() => expect(inShopimind()).not.toHaveLength(0), {
        timeoutMs: 60_000,
        intervalMs: 250,
      });

      const url = `${gatewayUrl}/api/generic-api/webhooks/${await storeTokenOf(installationId)}/products`;
      // Only the changed field, as a store sends an update.
      const body = JSON.stringify({
        event: 'product.updated',
        data: { id: 'prod_3', name: 'Renamed by webhook' },
      });
      const post = (headers: Record<string, string>) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

      expect((await post({})).status).toBe(401);
      const accepted = await post({ 'x-webhook-signature': hmacSha256Hex(STORE_WEBHOOK_SECRET, body) });
      expect({ status: accepted.status, body: await accepted.json() }).toEqual({
        status: 200,
        body: { success: true, message: 'Webhook processed' },
      });

      await expectEventually(
        () =>
          expect(inShopimind().at(-1)).toMatchObject({
            ...expectedShopimindProduct(3),
            name: 'Renamed by webhook',
          }),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    } catch (error) {
      system.printLogs();
      throw error;
    }
  });
});
