import { startServiceProcess, type ServiceProcess } from '@storebridge/built-apps';
import { expectEventually, pollUntil, testDatabaseUrl, testNatsUrl } from '@storebridge/testing';
import { Client } from 'pg';
import {
  installAndActivate,
  serviceEnv,
  startOutsideWorld,
  storeConfigs,
  type OutsideWorld,
} from './support/outside-world';
import { withServiceLogs } from './support/production-system';

/** The figure: big enough that a crash, a fault burst or a deactivation lands mid-push. */
const PRODUCT_COUNT = 20_000;

// Push engine, "Done when": whatever happens mid-push, ShopiMind ends with exactly the catalogue, once per id,
// and the push ledger says every product was accepted.
describe('push resilience: 20,000 products into ShopiMind (production mode)', () => {
  let world: OutsideWorld;
  let env: Record<string, string>;
  let services: ServiceProcess[] = [];
  let database: Client;

  beforeEach(async () => {
    world = await startOutsideWorld(PRODUCT_COUNT, { shopimindLatencyMs: 10 });
    env = { ...serviceEnv(world), DATABASE_URL: testDatabaseUrl(), NATS_URL: testNatsUrl() };
    services = await Promise.all([startServiceProcess('gateway', env), startServiceProcess('sync', env)]);
    database = new Client({ connectionString: testDatabaseUrl() });
    await database.connect();
  });

  afterEach(async () => {
    await database.end();
    await Promise.all(services.map((service) => service.stop()));
    services = [];
    await world.close();
  });

  const withLogs = (run: () => Promise<void>) => withServiceLogs(() => services, run);

  async function startPush(): Promise<ServiceProcess> {
    const push = await startServiceProcess('push', env);
    services.push(push);
    return push;
  }

  async function untilSomeProductsArrived(installationId: string): Promise<number> {
    await pollUntil(() => world.sandbox.products(installationId).length >= 1_000, {
      timeoutMs: 60_000,
      intervalMs: 50,
      description: 'the first thousand products to reach ShopiMind',
    });
    return world.sandbox.products(installationId).length;
  }

  async function expectTheWholeCatalogueOnce(installationId: string): Promise<void> {
    await expectEventually(() => expect(world.sandbox.products(installationId)).toHaveLength(PRODUCT_COUNT), {
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    const products = world.sandbox.products(installationId);
    expect(new Set(products.map((item) => item['product_id'])).size).toBe(PRODUCT_COUNT);
    expect(new Set(products.map((item) => item['reference'])).size).toBe(PRODUCT_COUNT);
    // The ledger agrees: every product of the mirror is accepted in its current version.
    await expectEventually(
      async () => expect(await ledgerOf(installationId)).toEqual({ accepted: PRODUCT_COUNT }),
      {
        timeoutMs: 30_000,
        intervalMs: 500,
      },
    );
  }

  async function ledgerOf(installationId: string): Promise<Record<string, number>> {
    const { rows } = await database.query<{ status: string; count: string }>(
      `SELECT coalesce(o.status, 'pending') AS status, count(*) AS count
       FROM store_products p
       JOIN store_connections c ON c.id = p.connection_id
       JOIN installations i ON i.id = c.installation_id
       LEFT JOIN push_outcomes o ON o.connection_id = p.connection_id AND o.entity = 'products'
         AND o.store_id = p.store_product_id AND o.content_hash = p.content_hash
       WHERE i.installation_id = $1
       GROUP BY 1`,
      [installationId],
    );
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  it('a push service killed with -9 mid-push delivers everything once restarted', async () => {
    const firstPush = await startPush();
    await withLogs(async () => {
      const installationId = await installAndActivate(world, services[0].url);
      await untilSomeProductsArrived(installationId);

      await firstPush.kill();
      expect(world.sandbox.products(installationId).length).toBeLessThan(PRODUCT_COUNT);
      await startPush();

      await expectTheWholeCatalogueOnce(installationId);
    });
  });

  it('bursts of 429 (with Retry-After) and of 503 mid-push delay nothing into loss', async () => {
    await startPush();
    await withLogs(async () => {
      const installationId = await installAndActivate(world, services[0].url);
      await untilSomeProductsArrived(installationId);

      world.sandbox.injectFaults({ status: 429, burst: 6, retryAfterSeconds: 1 });
      await pollUntil(
        () => world.sandbox.requestLog(installationId).filter((entry) => entry.injected).length >= 6,
        {
          timeoutMs: 30_000,
          description: 'the 429 burst to be served',
        },
      );
      world.sandbox.injectFaults({ status: 503, burst: 6 });

      await expectTheWholeCatalogueOnce(installationId);
      const injected = world.sandbox.requestLog(installationId).filter((entry) => entry.injected);
      expect(injected.map((entry) => entry.status)).toEqual([...Array(6).fill(429), ...Array(6).fill(503)]);
    });
  });

  it('a deactivation mid-push pauses the writes, and the reactivation delivers the rest', async () => {
    await startPush();
    await withLogs(async () => {
      const installationId = await installAndActivate(world, services[0].url);
      await untilSomeProductsArrived(installationId);

      const deactivated = await world.sandbox.lifecycle.deactivate(services[0].url, installationId, {
        secret: world.webhookSecret,
      });
      expect(deactivated.status).toBe(200);
      // Writes in flight finish or fail with 401; then nothing more is written while inactive.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const whilePaused = world.sandbox.products(installationId).length;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(world.sandbox.products(installationId).length).toBe(whilePaused);
      expect(whilePaused).toBeLessThan(PRODUCT_COUNT);

      const activated = await world.sandbox.lifecycle.activate(services[0].url, installationId, {
        secret: world.webhookSecret,
        configs: storeConfigs(world),
      });
      expect(activated.status).toBe(200);

      await expectTheWholeCatalogueOnce(installationId);
    });
  });
});
