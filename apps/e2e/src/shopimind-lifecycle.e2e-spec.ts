import { walkOAuthConsent } from '@storebridge/shopimind-sandbox';
import { expectEventually } from '@storebridge/testing';
import { useProductionSystem, type ProductionSystem } from './support/production-system';
import { expectedShopimindProduct, storeConfigs, type OutsideWorld } from './support/outside-world';

const PRODUCT_COUNT = 60;

/** Waits until ShopiMind holds every demo product in `lang`, with the right fields. */
async function expectCatalogInShopimind(
  world: OutsideWorld,
  installationId: string,
  lang: string,
): Promise<void> {
  const inLang = () => world.sandbox.products(installationId).filter((item) => item['lang'] === lang);
  await expectEventually(() => expect(inLang()).toHaveLength(PRODUCT_COUNT), {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  const byReference = new Map(inLang().map((item) => [item['reference'], item]));
  for (let index = 1; index <= PRODUCT_COUNT; index += 1) {
    const expected = expectedShopimindProduct(index, lang);
    expect(byReference.get(expected['reference'])).toMatchObject(expected);
  }
}

describe('ShopiMind lifecycle, end to end (production mode)', () => {
  let world: OutsideWorld;
  let system: ProductionSystem;

  useProductionSystem(PRODUCT_COUNT, (started) => ({ world, system } = started));

  /** Crawls of the installation's store: each crawls the products, then the orders, in a run of their own. */
  async function syncRunCount(installationId: string): Promise<number> {
    const { rows } = await system.database.query<{ count: string }>(
      `SELECT count(*) FROM sync_runs r
         JOIN store_connections c ON c.id = r.connection_id
         JOIN installations i ON i.id = c.installation_id
        WHERE i.installation_id = $1 AND r.entity = 'products'`,
      [installationId],
    );
    return Number(rows[0].count);
  }

  it('install → test-connection → activate → config_updated → deactivate → activate → uninstall', async () => {
    const { gatewayUrl } = system;
    const secret = world.webhookSecret;
    const { installationId } = world.sandbox.createInstallation({
      shopDomain: 'lifecycle.example',
    });
    const ok = { status: 200, body: { success: true } };

    try {
      expect(await world.sandbox.lifecycle.install(gatewayUrl, installationId, { secret })).toEqual(ok);

      // The form's "store" step: a wrong credential is explained, the right one passes.
      const wrongKey = await world.sandbox.lifecycle.testConnection(
        gatewayUrl,
        storeConfigs(world, { store_api_token: 'wrong-key' }),
        { secret },
      );
      expect(wrongKey).toMatchObject({
        status: 200,
        body: { success: false, error: expect.stringMatching(/401|credential/i) },
      });
      expect(
        await world.sandbox.lifecycle.testConnection(gatewayUrl, storeConfigs(world), { secret }),
      ).toEqual(ok);

      expect(
        await world.sandbox.lifecycle.activate(gatewayUrl, installationId, {
          secret,
          configs: storeConfigs(world),
        }),
      ).toEqual(ok);
      await expectCatalogInShopimind(world, installationId, 'fr');

      // A new language is a new configuration: the catalogue is synced again in it.
      expect(
        await world.sandbox.lifecycle.configUpdated(gatewayUrl, installationId, {
          secret,
          configs: storeConfigs(world, { lang: 'de' }),
        }),
      ).toEqual(ok);
      await expectCatalogInShopimind(world, installationId, 'de');
      await expectEventually(async () => expect(await syncRunCount(installationId)).toBe(2));

      // Paused: the key is revoked and a config change is stored without starting a crawl.
      expect(await world.sandbox.lifecycle.deactivate(gatewayUrl, installationId, { secret })).toEqual(ok);
      expect(
        await world.sandbox.lifecycle.configUpdated(gatewayUrl, installationId, {
          secret,
          configs: storeConfigs(world, { lang: 'it' }),
        }),
      ).toEqual(ok);

      // Resumed: activate crawls once more, with the configuration stored while inactive.
      expect(
        await world.sandbox.lifecycle.activate(gatewayUrl, installationId, {
          secret,
          configs: storeConfigs(world, { lang: 'it' }),
        }),
      ).toEqual(ok);
      await expectCatalogInShopimind(world, installationId, 'it');
      expect(await syncRunCount(installationId)).toBe(3);

      expect(await world.sandbox.lifecycle.uninstall(gatewayUrl, installationId, { secret })).toEqual(ok);
      const { rows } = await system.database.query<{
        status: string;
        token: string | null;
        connections: string;
      }>(
        `SELECT i.status, i.access_token_ciphertext AS token,
                (SELECT count(*) FROM store_connections c WHERE c.installation_id = i.id) AS connections
           FROM installations i WHERE i.installation_id = $1`,
        [installationId],
      );
      expect(rows).toEqual([{ status: 'uninstalled', token: null, connections: '0' }]);
      // A late retry of any event is answered cleanly.
      expect(await world.sandbox.lifecycle.uninstall(gatewayUrl, installationId, { secret })).toEqual(ok);
      // The sandbox, like ShopiMind, cannot re-activate a removed key: send the stray event by hand.
      expect(
        await world.sandbox.sendLifecycle(
          gatewayUrl,
          'activate',
          { installation_id: installationId, configs: storeConfigs(world) },
          { secret },
        ),
      ).toEqual({ status: 200, body: { success: false, error: 'installation_uninstalled' } });
    } catch (error) {
      system.printLogs();
      throw error;
    }
  });

  it('Type B: consent page → install with the external account → activate without store settings', async () => {
    const { gatewayUrl } = system;
    const secret = world.webhookSecret;
    const { installationId } = world.sandbox.createInstallation({ shopDomain: 'type-b.example' });

    const consent = await walkOAuthConsent(gatewayUrl, {
      secret,
      store: { storeBaseUrl: world.store.url, authMethod: 'api_key', token: world.storeApiKey },
    });
    const ok = { status: 200, body: { success: true } };
    expect(
      await world.sandbox.lifecycle.install(gatewayUrl, installationId, {
        secret,
        extra: { external_account_id: consent.externalAccountId },
      }),
    ).toEqual(ok);
    // ShopiMind's form holds only what the consent page did not ask for.
    expect(
      await world.sandbox.lifecycle.activate(gatewayUrl, installationId, {
        secret,
        configs: { lang: 'fr', currency: 'EUR' },
      }),
    ).toEqual(ok);

    await expectCatalogInShopimind(world, installationId, 'fr');
  });
  it('reinstall of a shop under a new installation_id: same data source label, same product ids', async () => {
    const { gatewayUrl } = system;
    const secret = world.webhookSecret;
    const ok = { status: 200, body: { success: true } };
    const productIdsOf = (installationId: string) =>
      world.sandbox
        .products(installationId)
        .map((item) => `${item['product_id']}/${item['lang']}`)
        .sort();
    const labelsOf = (installationId: string) =>
      world.sandbox.dataSources(installationId).map((source) => source.label);
    const first = world.sandbox.createInstallation({ shopDomain: 'reinstall.example' });
    expect(await world.sandbox.lifecycle.install(gatewayUrl, first.installationId, { secret })).toEqual(ok);
    expect(
      await world.sandbox.lifecycle.activate(gatewayUrl, first.installationId, {
        secret,
        configs: storeConfigs(world),
      }),
    ).toEqual(ok);
    await expectCatalogInShopimind(world, first.installationId, 'fr');
    expect(await world.sandbox.lifecycle.uninstall(gatewayUrl, first.installationId, { secret })).toEqual(ok);

    // ShopiMind gives the shop's new installation a new id and key (the sandbox: a new installation of it).
    const second = world.sandbox.createInstallation({ shopDomain: 'reinstall.example' });
    expect(await world.sandbox.lifecycle.install(gatewayUrl, second.installationId, { secret })).toEqual(ok);
    expect(
      await world.sandbox.lifecycle.activate(gatewayUrl, second.installationId, {
        secret,
        configs: storeConfigs(world),
      }),
    ).toEqual(ok);
    await expectCatalogInShopimind(world, second.installationId, 'fr');

    expect(productIdsOf(second.installationId)).toEqual(productIdsOf(first.installationId));
    expect(labelsOf(second.installationId)).toEqual(labelsOf(first.installationId));
  });
});
