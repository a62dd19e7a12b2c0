import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { InstallationReader, StoreConnectionRepository } from '@storebridge/persistence';
import type { PushOutcomeRepository } from '@storebridge/push-persistence';
import { metricSample, PushMetrics } from '@storebridge/runtime';
import { CredentialCipher } from '@storebridge/security';
import type { WriteOutcome } from '@storebridge/shopimind-client';
import type { ShopimindProduct } from '@storebridge/shopimind-mapping';
import {
  sandboxProductFixture,
  startShopimindSandbox,
  type ShopimindSandbox,
} from '@storebridge/shopimind-sandbox';
import { Registry } from 'prom-client';
import { accepted, aConnection, anInstallation, FakePushWorld } from '../../test/fakes';
import { PushTargetService, type PushMessage } from './push-target.service';
import { ShopimindTargets } from './shopimind-targets';

describe('push metrics', () => {
  let registry: Registry;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    registry = new Registry();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('PushTargetService', () => {
    it('counts records pushed (accepted, deleted) and dead-lettered by connection and entity', async () => {
      const world = new FakePushWorld();
      const pushTargets = new PushTargetService(
        world.connections as unknown as StoreConnectionRepository,
        world.installations as unknown as InstallationReader,
        world.targets as unknown as ShopimindTargets,
        world.outcomes as unknown as PushOutcomeRepository,
        new PushMetrics(registry),
      );
      const message: PushMessage = { connectionId: world.connection.id, syncRunId: randomUUID(), page: 1 };
      const records = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
      const partly: WriteOutcome = {
        kind: 'accepted',
        sentCount: 3,
        rejected: [{ index: 1, errors: ['price must be positive'] }],
      };

      await pushTargets.writeRecords('orders', message, records, records, async () => partly);
      await pushTargets.rejectUnsent('orders', message, [{ record: { id: 'd' }, reason: 'no email' }]);
      await pushTargets.settleDeletes('orders', message, [{ ids: ['x', 'y'], outcome: accepted(2) }], String);
      await pushTargets.writeRecords('products', message, [{ id: 'p' }], [{ id: 'p' }], async () =>
        accepted(1),
      );

      const connection = world.connection.id;
      const pushed = 'storebridge_records_pushed_total';
      expect(
        await metricSample(registry, pushed, { connection, entity: 'orders', outcome: 'accepted' }),
      ).toBe(2);
      expect(await metricSample(registry, pushed, { connection, entity: 'orders', outcome: 'deleted' })).toBe(
        2,
      );
      expect(
        await metricSample(registry, pushed, { connection, entity: 'products', outcome: 'accepted' }),
      ).toBe(1);
      expect(
        await metricSample(registry, 'storebridge_records_dead_lettered_total', {
          connection,
          entity: 'orders',
        }),
      ).toBe(2);
    });
  });

  describe('ShopimindTargets', () => {
    let sandbox: ShopimindSandbox;

    beforeAll(async () => {
      sandbox = await startShopimindSandbox();
    });

    afterAll(async () => {
      await sandbox.close();
    });

    it("times every ShopiMind call by status, counts its 429s and reads each installation's window", async () => {
      sandbox.reset();
      const cipher = new CredentialCipher('c0ffee'.repeat(10) + 'c0ff');
      const credentials = sandbox.createInstallation();
      sandbox.setActive(credentials.installationId, true);
      const installation = {
        ...anInstallation({ installationId: credentials.installationId }),
        accessTokenCiphertext: cipher.encrypt(credentials.accessToken),
      };
      const targets = new ShopimindTargets(
        cipher,
        { shopimindApiUrl: sandbox.url },
        new PushMetrics(registry),
      );
      const target = await targets.for(installation, aConnection(installation.id));
      sandbox.injectFaults({ status: 429, burst: 1, retryAfterSeconds: 0 });

      const product = sandboxProductFixture({ product_id: 1 }) as unknown as ShopimindProduct;
      await expect(target.writer.saveProducts([product])).resolves.toMatchObject({ kind: 'accepted' });

      const calls = 'storebridge_shopimind_request_duration_seconds';
      // Listing the data sources, creating one, then the 429 and the write that followed it.
      expect(await metricSample(registry, calls, { status: '200' }, `${calls}_count`)).toBe(2);
      expect(await metricSample(registry, calls, { status: '201' }, `${calls}_count`)).toBe(1);
      expect(await metricSample(registry, calls, { status: '429' }, `${calls}_count`)).toBe(1);
      expect(
        await metricSample(registry, 'storebridge_shopimind_429_total', { installation: installation.id }),
      ).toBe(1);
      // The 429 halved the window of 16.
      expect(
        await metricSample(registry, 'storebridge_adaptive_window', { installation: installation.id }),
      ).toBe(8);
    });
  });
});
