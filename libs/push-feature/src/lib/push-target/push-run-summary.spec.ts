import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type CorrelationScope, runWithCorrelation } from '@storebridge/messaging';
import type { WriteOutcome } from '@storebridge/shopimind-client';
import { accepted, FakePushWorld } from '../../test/fakes';
import type { PushMessage } from './push-target.service';

describe('PushTargetService run summary', () => {
  let world: FakePushWorld;
  let message: PushMessage;
  let lines: jest.SpyInstance;

  beforeEach(() => {
    lines = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    world = new FakePushWorld();
    message = { connectionId: world.connection.id, syncRunId: randomUUID(), page: 1 };
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Runs `push` as the message dispatcher runs a handler: in a scope, telling it the run's end afterwards. */
  async function handlerRun(push: () => Promise<void>, outcome: 'ack' | 'retry' = 'ack'): Promise<void> {
    const scope: CorrelationScope = { correlationId: 'corr-1', runEndCallbacks: [] };
    await runWithCorrelation(scope, async () => {
      await push();
      scope.runEndCallbacks?.forEach((callback) => callback({ outcome, durationMs: 12 }));
    });
  }

  it('logs one line per run with what it wrote, deleted, dead-lettered and skipped', async () => {
    const records = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const partly: WriteOutcome = {
      kind: 'accepted',
      sentCount: 3,
      rejected: [{ index: 1, errors: ['price must be positive'] }],
    };

    await handlerRun(async () => {
      await world.pushTargets.open(message, 'orders');
      await world.pushTargets.rejectUnsent('orders', message, [{ record: { id: 'd' }, reason: 'no email' }]);
      await world.pushTargets.writeRecords('orders', message, records, records, async () => partly);
      await world.pushTargets.settleDeletes(
        'orders',
        message,
        [{ ids: ['x', 'y'], outcome: accepted(2) }],
        String,
      );
    });

    expect(lines.mock.calls).toEqual([
      [
        {
          msg: 'Push of orders done: 2 written, 2 deleted, 1 dead-lettered, 1 skipped (1 no email) in 12 ms',
          entity: 'orders',
          written: 2,
          deleted: 2,
          deadLettered: 1,
          skipped: 1,
          skippedReasons: { 'no email': 1 },
          durationMs: 12,
          outcome: 'ack',
        },
      ],
    ]);
  });

  it('says how a failed run ended', async () => {
    await handlerRun(async () => {
      await world.pushTargets.open(message, 'products');
    }, 'retry');

    expect(lines).toHaveBeenCalledTimes(1);
    expect(lines.mock.calls[0][0]).toMatchObject({ msg: expect.stringContaining('products ended (retry)') });
  });

  it('says nothing for a run that found its installation inactive', async () => {
    world.installation.status = 'inactive';

    await handlerRun(async () => {
      await world.pushTargets.open(message, 'products').catch(() => undefined);
    }, 'retry');

    expect(lines).not.toHaveBeenCalled();
  });
});
