import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { RetryLaterError } from '@storebridge/messaging';
import type { WriteOutcome } from '@storebridge/shopimind-client';
import { accepted, FAKE_DATA_SOURCE_ID, FakePushWorld } from '../../test/fakes';
import { chunks, INACTIVE_RETRY_MS, type PushMessage } from './push-target.service';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

describe('PushTargetService', () => {
  let world: FakePushWorld;
  let message: PushMessage;
  let warnings: jest.SpyInstance;
  let errors: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    world = new FakePushWorld();
    message = { connectionId: world.connection.id, syncRunId: randomUUID(), page: 3 };
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('open', () => {
    it("opens the active installation's target with its token and the connection", async () => {
      const opened = await world.pushTargets.open(message, 'orders');

      expect(world.installations.lookups).toEqual([world.installation.id]);
      expect(world.targets.calls).toHaveLength(1);
      expect(world.targets.calls[0].installation).toMatchObject({
        id: world.installation.id,
        accessTokenCiphertext: world.installation.accessTokenCiphertext,
      });
      expect(world.targets.calls[0].connection).toBe(world.connection);
      expect(opened).toMatchObject({
        connection: world.connection,
        installation: { id: world.installation.id },
        target: { dataSourceId: FAKE_DATA_SOURCE_ID },
      });
    });

    it('drops the message of a removed connection and says so', async () => {
      const removed = randomUUID();

      await expect(
        world.pushTargets.open({ ...message, connectionId: removed }, 'orders'),
      ).resolves.toBeNull();

      expect(world.installations.lookups).toEqual([]);
      expect(world.targets.calls).toEqual([]);
      expect(warnings).toHaveBeenCalledWith(`Dropped orders of removed connection ${removed}`);
    });

    it.each(['installed', 'inactive', 'uninstalled'] as const)(
      'asks to retry later while the installation is %s',
      async (status) => {
        world.installation.status = status;

        const error = await rejection(world.pushTargets.open(message, 'orders'));

        expect(error).toBeInstanceOf(RetryLaterError);
        expect((error as RetryLaterError).delayMs).toBe(INACTIVE_RETRY_MS);
        expect(world.targets.calls).toEqual([]);
      },
    );

    it('asks to retry later when the installation is active but has no access token', async () => {
      world.installation.accessTokenCiphertext = null;

      await expect(world.pushTargets.open(message, 'orders')).rejects.toBeInstanceOf(RetryLaterError);
      expect(world.targets.calls).toEqual([]);
    });

    it('asks to retry later when the installation row is gone', async () => {
      world.installations.rows.clear();

      await expect(world.pushTargets.open(message, 'orders')).rejects.toBeInstanceOf(RetryLaterError);
      expect(world.targets.calls).toEqual([]);
    });
  });

  describe('settle', () => {
    function settled(outcome: WriteOutcome): unknown {
      try {
        world.pushTargets.settle(outcome, 'customers', message);
        return 'done';
      } catch (error: unknown) {
        return error;
      }
    }

    it('is done with an accepted batch', () => {
      expect(settled({ kind: 'accepted', sentCount: 3, rejected: [] })).toBe('done');
      expect(warnings).not.toHaveBeenCalled();
    });

    it('logs every item ShopiMind rejected in an accepted batch', () => {
      const outcome = settled({
        kind: 'accepted',
        sentCount: 1,
        rejected: [
          { index: 0, errors: ['email must be an email address'] },
          { index: 2, errors: ['lang is required', 'is_active must be a boolean'] },
        ],
      });

      expect(outcome).toBe('done');
      expect(warnings).toHaveBeenCalledWith(
        `ShopiMind rejected 2 customers of run ${message.syncRunId} page 3: #0 email must be an email address; ` +
          '#2 lang is required, is_active must be a boolean',
      );
    });

    it('asks to retry later when ShopiMind says the installation is not active', () => {
      const error = settled({ kind: 'not_active' });

      expect(error).toBeInstanceOf(RetryLaterError);
      expect((error as RetryLaterError).delayMs).toBe(INACTIVE_RETRY_MS);
    });

    it.each<WriteOutcome>([
      { kind: 'rate_limited' },
      { kind: 'transient', statusCode: 503, message: 'Service Unavailable' },
    ])('throws a plain error on a $kind outcome so the transport redelivers', (outcome) => {
      const error = settled(outcome);

      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(RetryLaterError);
      expect((error as Error).message).toContain(`customers failed (${outcome.kind})`);
    });

    it('logs a permanent refusal and goes on: redelivering cannot help', () => {
      expect(settled({ kind: 'permanent', statusCode: 422, message: 'Unprocessable Entity' })).toBe('done');
      expect(errors).toHaveBeenCalledWith(
        `ShopiMind refused customers of run ${message.syncRunId} page 3: HTTP 422 Unprocessable Entity`,
      );
    });
  });

  describe('the push ledger', () => {
    const records = [
      { id: 'p1', name: 'Lamp' },
      { id: 'p2', name: 'Chair' },
      { id: 'p3', name: 'Desk' },
    ];

    it('keeps every record of a write as accepted, but the rejected items as dead letters with reasons', async () => {
      const outcome: WriteOutcome = {
        kind: 'accepted',
        sentCount: 2,
        rejected: [{ index: 1, errors: ['price: must be a number'] }],
      };

      await world.pushTargets.writeRecords('products', message, records, records, async () => outcome);

      expect(world.outcomes.statuses('products')).toEqual({ p1: 'accepted', p2: 'rejected', p3: 'accepted' });
      expect(world.outcomes.rows.get(`${message.connectionId}/products/p2`)).toMatchObject({
        reasons: ['price: must be a number'],
        record: records[1],
        attempts: 1,
      });
    });

    it('rejects every record of a refused write, with the HTTP answer as the reason', async () => {
      const outcome: WriteOutcome = { kind: 'permanent', statusCode: 422, message: 'bad payload' };

      await world.pushTargets.writeRecords('orders', message, records, records, async () => outcome);

      expect(world.outcomes.statuses('orders')).toEqual({ p1: 'rejected', p2: 'rejected', p3: 'rejected' });
      expect(world.outcomes.rows.get(`${message.connectionId}/orders/p3`)?.reasons).toEqual([
        'HTTP 422: bad payload',
      ]);
    });

    it('records nothing for a write to retry: its records are still pending', async () => {
      const outcome: WriteOutcome = { kind: 'transient', statusCode: 503, message: 'unavailable' };

      await expect(
        world.pushTargets.writeRecords('products', message, records, records, async () => outcome),
      ).rejects.toThrow(/will retry/);
      expect(world.outcomes.rows.size).toBe(0);
    });

    describe('of a message of several batches', () => {
      const many = Array.from({ length: 120 }, (_, index) => ({ id: `p${index}` }));

      it('keeps the answers of every batch in one ledger statement', async () => {
        const batches: number[] = [];

        await world.pushTargets.writeRecords('products', message, many, many, async (batch) => {
          batches.push(batch.length);
          return accepted(batch.length);
        });

        expect(batches).toEqual([50, 50, 20]);
        expect(Object.keys(world.outcomes.statuses('products'))).toHaveLength(120);
        expect(world.outcomes.recordStatements).toBe(1);
      });

      it('matches the answers of each batch with its own records', async () => {
        const answers: WriteOutcome[] = [
          accepted(50),
          { kind: 'accepted', sentCount: 49, rejected: [{ index: 2, errors: ['price: must be a number'] }] },
          accepted(20),
        ];

        await world.pushTargets.writeRecords(
          'products',
          message,
          many,
          many,
          async () => answers.shift() ?? accepted(0),
        );

        const statuses = world.outcomes.statuses('products');
        expect(Object.entries(statuses).filter(([, status]) => status === 'rejected')).toEqual([
          ['p52', 'rejected'],
        ]);
        expect(world.outcomes.rows.get(`${message.connectionId}/products/p52`)?.record).toEqual({
          id: 'p52',
        });
      });

      it('keeps the answers of the batches that went through when another is to be retried, then fails', async () => {
        const answers: WriteOutcome[] = [
          accepted(50),
          { kind: 'transient', statusCode: 503, message: 'unavailable' },
          accepted(20),
        ];

        await expect(
          world.pushTargets.writeRecords(
            'products',
            message,
            many,
            many,
            async () => answers.shift() ?? accepted(0),
          ),
        ).rejects.toThrow(/will retry/);

        const recorded = Object.keys(world.outcomes.statuses('products'));
        expect(recorded).toHaveLength(70);
        expect(recorded).not.toContain('p50');
        expect(recorded).not.toContain('p99');
        expect(recorded).toContain('p100');
      });
    });

    it('forgets deleted records once ShopiMind accepted the delete', async () => {
      await world.pushTargets.writeRecords('products', message, records, records, async () => accepted(3));

      await world.pushTargets.settleDeletes(
        'products',
        message,
        [{ ids: ['p1', 'p2'], outcome: accepted(2) }],
        String,
      );

      expect(world.outcomes.statuses('products')).toEqual({ p3: 'accepted' });
    });

    it('keeps records that could not be sent at all as dead letters', async () => {
      await world.pushTargets.rejectUnsent('orders', message, [
        { record: { id: 'o1' }, reason: 'missing_customer_email' },
      ]);

      expect(world.outcomes.rows.get(`${message.connectionId}/orders/o1`)).toMatchObject({
        status: 'rejected',
        reasons: ['missing_customer_email'],
        record: { id: 'o1' },
      });
    });
  });
});

describe('chunks', () => {
  it.each<[number, number, number[]]>([
    [0, 50, []],
    [50, 50, [50]],
    [120, 50, [50, 50, 20]],
    [101, 100, [100, 1]],
  ])('splits %i items into batches of at most %i', (count, size, lengths) => {
    const items = Array.from({ length: count }, (_, index) => index);

    const batches = chunks(items, size);

    expect(batches.map((batch) => batch.length)).toEqual(lengths);
    expect(batches.flat()).toEqual(items);
  });
});
