import { Logger } from '@nestjs/common';
import { Subjects } from '@storebridge/contracts';
import { expectEventually } from '@storebridge/testing';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import {
  acceptableCorrelationId,
  afterThisRun,
  annotateCorrelation,
  currentCorrelation,
  currentCorrelationId,
  MAX_CORRELATION_ID_LENGTH,
  type RunEnd,
  runWithCorrelation,
} from './correlation';
import { MessageDispatcher } from './message.dispatcher';
import { outgoingCorrelationId } from './message-publisher';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const syncRunId = 'c3d2e1f0-1111-4222-8333-444455556666';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('acceptableCorrelationId', () => {
  it.each([
    'req-42',
    'f3a9c1e2-7b4d-4c1e-9a7e-3f2a1b0c9d8e',
    'trace:abc.DEF_1',
    'a'.repeat(MAX_CORRELATION_ID_LENGTH),
  ])('keeps %s', (id) => {
    expect(acceptableCorrelationId(id)).toBe(id);
  });

  it.each([
    ['an empty header', ''],
    ['a too long one', 'a'.repeat(MAX_CORRELATION_ID_LENGTH + 1)],
    ['a line break (log injection)', 'abc\n{"level":"fatal"}'],
    ['spaces and quotes', 'a "b"'],
    ['no header', undefined],
    ['a list', ['a', 'b']],
  ])('refuses %s', (_label, value) => {
    expect(acceptableCorrelationId(value)).toBeUndefined();
  });
});

describe('outgoingCorrelationId', () => {
  it("takes the one asked for, else the current scope's, else a new one", () => {
    runWithCorrelation({ correlationId: 'scope-id' }, () => {
      expect(outgoingCorrelationId({ correlationId: 'asked' })).toBe('asked');
      expect(outgoingCorrelationId()).toBe('scope-id');
    });
    expect(outgoingCorrelationId()).toMatch(UUID);
  });
});

describe('annotateCorrelation', () => {
  it('adds ids only, and only inside a scope', () => {
    annotateCorrelation({ connectionId });
    expect(currentCorrelation()).toBeUndefined();

    runWithCorrelation({ correlationId: 'c' }, () => {
      annotateCorrelation({ connectionId: 'not an id', runId: syncRunId });
      expect(currentCorrelation()).toEqual({ correlationId: 'c', runId: syncRunId });
      annotateCorrelation({ connectionId });
      expect(currentCorrelation()).toEqual({ correlationId: 'c', runId: syncRunId, connectionId });
    });
  });
});

describe('MessageDispatcher correlation scope', () => {
  const dispatcher = new MessageDispatcher('test', { initialMs: 1_000, maxMs: 60_000 });
  const delivery = {
    subject: Subjects.productsChanged,
    sequence: 3,
    attempt: 1,
    data: JSON.stringify({ connectionId, syncRunId, page: 1, products: [], deletedIds: [] }),
  };

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  async function scopeSeenBy(correlationId?: string) {
    let seen: ReturnType<typeof currentCorrelation>;
    await dispatcher.dispatch(
      async () => {
        // Later turns of the handler still see it.
        await new Promise((resolve) => setImmediate(resolve));
        seen = currentCorrelation();
      },
      { ...delivery, correlationId },
    );
    return seen;
  }

  it("restores the message's correlation id for its handler, with the connection and sync run", async () => {
    expect(await scopeSeenBy('from-gateway-1')).toMatchObject({
      correlationId: 'from-gateway-1',
      connectionId,
      runId: syncRunId,
    });
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('gives a message without a usable correlation id a new one', async () => {
    const withoutHeader = await scopeSeenBy(undefined);
    const withBadHeader = await scopeSeenBy('x'.repeat(200));

    expect(withoutHeader?.correlationId).toMatch(UUID);
    expect(withBadHeader?.correlationId).toMatch(UUID);
    expect(withBadHeader?.correlationId).not.toBe(withoutHeader?.correlationId);
  });

  it('tells what asked for it how the run ended, inside the scope', async () => {
    const ends: Array<RunEnd & { correlationId?: string }> = [];

    const outcome = await dispatcher.dispatch(
      async () => {
        afterThisRun((end) => ends.push({ ...end, correlationId: currentCorrelationId() }));
        throw new Error('write failed');
      },
      { ...delivery, correlationId: 'run-1' },
    );

    expect(outcome.kind).toBe('retry');
    expect(ends).toEqual([{ outcome: 'retry', durationMs: expect.any(Number), correlationId: 'run-1' }]);
    expect(afterThisRun(() => undefined)).toBe(false);
  });

  it('keeps the outcome when a run end callback throws', async () => {
    const outcome = await dispatcher.dispatch(async () => {
      afterThisRun(() => {
        throw new Error('summary failed');
      });
    }, delivery);

    expect(outcome).toEqual({ kind: 'ack' });
  });
});

describe('correlation through the in-process bus', () => {
  let harness: MessagingTestApp | undefined;

  afterEach(async () => {
    await harness?.app.close();
    harness = undefined;
  });

  it('publishes with the current id and hands it to the handler, and to what it publishes in turn', async () => {
    harness = await createMessagingTestApp({
      serviceName: 'unit',
      retryBackoff: { initialMs: 20, maxMs: 40 },
    });
    const { publisher, script } = harness;
    const seen: Array<string | undefined> = [];
    script.behaviour = async ({ subject }) => {
      seen.push(currentCorrelationId());
      if (subject === Subjects.syncRequested) {
        await publisher.publish(Subjects.productsChanged, {
          connectionId,
          syncRunId,
          page: 1,
          products: [],
          deletedIds: [],
        });
      }
    };

    await runWithCorrelation({ correlationId: 'webhook-7' }, () =>
      publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'store_webhook' }),
    );

    await expectEventually(() => expect(script.completed).toHaveLength(2));
    expect(seen).toEqual(['webhook-7', 'webhook-7']);
  });
});
