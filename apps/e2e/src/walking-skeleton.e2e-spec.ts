import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@storebridge/built-apps';
import { expectEventually, pollUntil, testDatabaseUrl, testNatsUrl } from '@storebridge/testing';
import {
  expectedShopimindProduct,
  installAndActivate,
  serviceEnv,
  startOutsideWorld,
  type OutsideWorld,
} from './support/outside-world';
import { withServiceLogs } from './support/production-system';

/** Several store pages and ShopiMind batches, the last of each partly filled. */
const PRODUCT_COUNT = 230;
/** More than push writes in one wave: CONCURRENT_RUNS merged runs of up to COALESCED_RECORDS each. */
const PENDING_PRODUCT_COUNT = 2_000;

async function expectEveryProductInShopimind(
  world: OutsideWorld,
  installationId: string,
  productCount = PRODUCT_COUNT,
): Promise<void> {
  await expectEventually(() => expect(world.sandbox.products(installationId)).toHaveLength(productCount), {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  const byReference = new Map(
    world.sandbox.products(installationId).map((item) => [item['reference'], item]),
  );
  for (let index = 1; index <= productCount; index += 1) {
    const expected = expectedShopimindProduct(index);
    expect(byReference.get(expected['reference'])).toMatchObject(expected);
  }
  const numericIds = new Set(world.sandbox.products(installationId).map((item) => item['product_id']));
  expect(numericIds.size).toBe(productCount);
}

async function stopAll(services: ServiceProcess[]): Promise<void> {
  await Promise.all(services.map((service) => service.stop()));
}

describe('walking skeleton: install + activate → crawl → ShopiMind', () => {
  let world: OutsideWorld;
  let services: ServiceProcess[] = [];

  beforeEach(async () => {
    world = await startOutsideWorld(PRODUCT_COUNT);
  });

  afterEach(async () => {
    await stopAll(services);
    services = [];
    await world.close();
  });

  const withLogs = (run: () => Promise<void>) => withServiceLogs(() => services, run);

  it('production mode: three processes, PostgreSQL and NATS JetStream', async () => {
    const env = { ...serviceEnv(world), DATABASE_URL: testDatabaseUrl(), NATS_URL: testNatsUrl() };
    services = await Promise.all([
      startServiceProcess('gateway', env),
      startServiceProcess('sync', env),
      startServiceProcess('push', env),
    ]);
    const [gateway] = services;

    await withLogs(async () => {
      const installationId = await installAndActivate(world, gateway.url);
      await expectEveryProductInShopimind(world, installationId);
    });
  });

  it('production mode: a push service killed with products pending delivers them all once restarted', async () => {
    await world.close();
    // Slow ShopiMind writes leave most pages pending in JetStream when push is killed.
    world = await startOutsideWorld(PENDING_PRODUCT_COUNT, { shopimindLatencyMs: 150 });
    const env = { ...serviceEnv(world), DATABASE_URL: testDatabaseUrl(), NATS_URL: testNatsUrl() };
    services = await Promise.all([startServiceProcess('gateway', env), startServiceProcess('sync', env)]);
    const firstPush = await startServiceProcess('push', env);
    services.push(firstPush);

    await withLogs(async () => {
      const installationId = await installAndActivate(world, services[0].url);
      await pollUntil(() => world.sandbox.products(installationId).length > 0, {
        timeoutMs: 30_000,
        description: 'the first products to reach ShopiMind',
      });
      await firstPush.kill();
      expect(world.sandbox.products(installationId).length).toBeLessThan(PENDING_PRODUCT_COUNT);

      services.push(await startServiceProcess('push', env));
      await expectEveryProductInShopimind(world, installationId, PENDING_PRODUCT_COUNT);
    });
  });

  it('embedded mode: one process, PGlite and the in-process bus', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'storebridge-e2e-'));
    try {
      services = [await startServiceProcess('embedded', { ...serviceEnv(world), DATA_DIR: dataDir })];
      const [embedded] = services;

      await withLogs(async () => {
        const installationId = await installAndActivate(world, embedded.url);
        await expectEveryProductInShopimind(world, installationId);
      });
    } finally {
      await stopAll(services);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
