import { startServiceProcess, type BuiltApp, type ServiceProcess } from '@storebridge/built-apps';
import {
  expectEventually,
  pollUntil,
  startNatsServer,
  testDatabaseUrl,
  type RunningNatsServer,
} from '@storebridge/testing';
import {
  installAndActivate,
  serviceEnv,
  startOutsideWorld,
  type OutsideWorld,
} from './support/outside-world';
import { withServiceLogs } from './support/production-system';

/** Enough store pages, each slowed down, that the crawl is still running when a service is killed. */
const PRODUCT_COUNT = 20_000;
const STORE_LATENCY_MS = 100;
const PRODUCT_PAGES_PATH = '/api/products';
/**
 * The earliest a dead replica's message came back before: the old 30 s ack wait less its 10 s heartbeat interval.
 * Work resuming sooner than this after a kill or a restart shows the new settings at work.
 */
const OLD_EARLIEST_RESUME_MS = 20_000;

// Issue #17, recovery: after kill -9 of sync or push, or a nats-server restart, work resumes within seconds, and
// ShopiMind still ends with every product exactly once. The delays are printed, not held to a target.
describe('recovery after kill -9 or a nats-server restart (production mode)', () => {
  let world: OutsideWorld;
  let nats: RunningNatsServer;
  let env: Record<string, string>;
  let services: ServiceProcess[] = [];

  beforeEach(async () => {
    world = await startOutsideWorld(PRODUCT_COUNT, {
      storeLatencyMs: STORE_LATENCY_MS,
      shopimindLatencyMs: 10,
    });
    // A nats-server of the test's own, so it can be restarted.
    nats = await startNatsServer();
    env = { ...serviceEnv(world), DATABASE_URL: testDatabaseUrl(), NATS_URL: nats.url };
    services = await Promise.all([start('gateway'), start('sync'), start('push')]);
  });

  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop()));
    services = [];
    await nats.stop();
    await world.close();
  });

  const withLogs = (run: () => Promise<void>) => withServiceLogs(() => services, run);
  const gatewayUrl = () => service('gateway').url;
  const productPagesServed = () => world.store.stats.byPath[PRODUCT_PAGES_PATH] ?? 0;
  const productsInShopimind = (installationId: string) => world.sandbox.products(installationId).length;

  async function start(name: BuiltApp): Promise<ServiceProcess> {
    return startServiceProcess(name, env);
  }

  function service(name: BuiltApp): ServiceProcess {
    const found = services.find((candidate) => candidate.name === name);
    if (!found) {
      throw new Error(`${name} is not running`);
    }
    return found;
  }

  /** kill -9, then the same service started again; resolves once the new one is ready, with both instants. */
  async function killAndRestart(name: BuiltApp): Promise<{ killedAt: number; readyAt: number }> {
    const victim = service(name);
    await victim.kill();
    const killedAt = Date.now();
    services = services.filter((candidate) => candidate !== victim);
    services.push(await start(name));
    return { killedAt, readyAt: Date.now() };
  }

  /** Resolves when `progress()` passes `from`, with the instant it did. */
  async function progressAfter(progress: () => number, from: number, description: string): Promise<number> {
    await pollUntil(() => progress() > from, { timeoutMs: 90_000, intervalMs: 20, description });
    return Date.now();
  }

  async function expectEveryProductOnce(installationId: string): Promise<void> {
    await expectEventually(() => expect(productsInShopimind(installationId)).toBe(PRODUCT_COUNT), {
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    const products = world.sandbox.products(installationId);
    expect(new Set(products.map((item) => item['product_id'])).size).toBe(PRODUCT_COUNT);
    expect(new Set(products.map((item) => item['reference'])).size).toBe(PRODUCT_COUNT);
  }

  function report(what: string, delays: Record<string, number>): void {
    const figures = Object.entries(delays).map(([since, ms]) => `${ms} ms after ${since}`);
    console.log(`recovery: ${what} resumed ${figures.join(', ')}`);
  }

  it('sync killed with -9 mid-crawl: the crawl resumes within seconds, every product reaches ShopiMind once', async () => {
    await withLogs(async () => {
      const installationId = await installAndActivate(world, gatewayUrl());
      await pollUntil(() => productPagesServed() >= 20, {
        timeoutMs: 60_000,
        description: 'the crawl to be under way',
      });

      const { killedAt, readyAt } = await killAndRestart('sync');
      const pagesWhenReady = productPagesServed();
      expect(pagesWhenReady).toBeLessThan(PRODUCT_COUNT / 100);
      const resumedAt = await progressAfter(productPagesServed, pagesWhenReady, 'the crawl to move again');

      report('the crawl (store pages read) after kill -9 of sync', {
        'the new sync was ready': resumedAt - readyAt,
        'the kill': resumedAt - killedAt,
      });
      expect(resumedAt - killedAt).toBeLessThan(OLD_EARLIEST_RESUME_MS);
      await expectEveryProductOnce(installationId);
    });
  });

  it('push killed with -9 mid-push: writes to ShopiMind resume within seconds, every product once', async () => {
    await withLogs(async () => {
      const installationId = await installAndActivate(world, gatewayUrl());
      await pollUntil(() => productsInShopimind(installationId) >= 1_000, {
        timeoutMs: 60_000,
        intervalMs: 20,
        description: 'the first thousand products to reach ShopiMind',
      });

      const { killedAt, readyAt } = await killAndRestart('push');
      const productsWhenReady = productsInShopimind(installationId);
      expect(productsWhenReady).toBeLessThan(PRODUCT_COUNT);
      const resumedAt = await progressAfter(
        () => productsInShopimind(installationId),
        productsWhenReady,
        'ShopiMind to get products again',
      );

      report('the writes to ShopiMind after kill -9 of push', {
        'the new push was ready': resumedAt - readyAt,
        'the kill': resumedAt - killedAt,
      });
      expect(resumedAt - killedAt).toBeLessThan(OLD_EARLIEST_RESUME_MS);
      await expectEveryProductOnce(installationId);
    });
  });

  it('nats-server restarted mid-crawl: the crawl and the writes resume within seconds, every product once', async () => {
    await withLogs(async () => {
      const installationId = await installAndActivate(world, gatewayUrl());
      await pollUntil(() => productPagesServed() >= 20 && productsInShopimind(installationId) >= 500, {
        timeoutMs: 60_000,
        intervalMs: 20,
        description: 'the crawl and the writes to be under way',
      });

      await nats.restart();
      const restartedAt = Date.now();
      const pagesWhenRestarted = productPagesServed();
      const productsWhenRestarted = productsInShopimind(installationId);
      expect(pagesWhenRestarted).toBeLessThan(PRODUCT_COUNT / 100);
      const [crawlResumedAt, writesResumedAt] = await Promise.all([
        progressAfter(productPagesServed, pagesWhenRestarted, 'the crawl to move again'),
        progressAfter(
          () => productsInShopimind(installationId),
          productsWhenRestarted,
          'ShopiMind to get products again',
        ),
      ]);

      report('the crawl after a nats-server restart', { 'the restart': crawlResumedAt - restartedAt });
      report('the writes to ShopiMind after a nats-server restart', {
        'the restart': writesResumedAt - restartedAt,
      });
      expect(Math.max(crawlResumedAt, writesResumedAt) - restartedAt).toBeLessThan(OLD_EARLIEST_RESUME_MS);
      await expectEveryProductOnce(installationId);
    });
  });
});
