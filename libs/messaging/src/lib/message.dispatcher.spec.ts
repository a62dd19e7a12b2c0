import { Logger } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { of, throwError } from 'rxjs';
import { QueryFailedError } from 'typeorm';
import { MessageParking } from './message-parking';
import { Delivery, DeliveryOutcome, MessageDispatcher } from './message.dispatcher';
import { MessagingContext } from './messaging.context';
import { InvalidPayloadException, RetryLaterError } from './messaging.errors';
import { RecordingParkedMessageListener, RecordingParkedMessageStore } from './parked-messages.fake';

const delivery = {
  subject: 'storebridge.test.v1',
  sequence: 7,
  attempt: 3,
  data: '{"connectionId":"secret-value"}',
};

function handlerReturning(result: () => unknown): MessageHandler {
  return async () => result();
}

describe('MessageDispatcher', () => {
  const dispatcher = new MessageDispatcher('test', { initialMs: 1_000, maxMs: 60_000 });
  let errors: jest.SpyInstance;

  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('passes the decoded payload and a context describing the delivery to the handler', async () => {
    const handler = jest.fn<Promise<void>, [unknown, MessagingContext]>(async () => undefined);

    await dispatcher.dispatch(handler, delivery);

    const [payload, context] = handler.mock.calls[0];
    expect(payload).toEqual({ connectionId: 'secret-value' });
    expect([context.getSubject(), context.getAttempt(), context.getSequence()]).toEqual([
      'storebridge.test.v1',
      3,
      7,
    ]);
  });

  it.each([
    ['resolves', handlerReturning(() => undefined), { kind: 'ack' }],
    ['returns a completing Observable', handlerReturning(() => of(1, 2)), { kind: 'ack' }],
    ['returns an empty Observable', handlerReturning(() => of()), { kind: 'ack' }],
    [
      'throws RetryLaterError',
      handlerReturning(() => throwError(() => new RetryLaterError(5_000))),
      { kind: 'retry', delayMs: 5_000, pausesQueue: true },
    ],
    [
      "errors with Nest's object for a RetryLaterError",
      handlerReturning(() => throwError(() => new RetryLaterError(250).getError())),
      { kind: 'retry', delayMs: 250, pausesQueue: true },
    ],
    [
      'throws InvalidPayloadException',
      handlerReturning(() => throwError(() => new InvalidPayloadException(['x']))),
      { kind: 'term' },
    ],
    [
      "errors with Nest's object for an InvalidPayloadException",
      handlerReturning(() => throwError(() => new InvalidPayloadException(['x']).getError())),
      { kind: 'term' },
    ],
    [
      'rejects with any other error',
      async () => Promise.reject(new Error('boom')),
      { kind: 'retry', delayMs: 4_000 },
    ],
    [
      "errors with Nest's generic error object",
      handlerReturning(() => throwError(() => ({ status: 'error', message: 'Internal server error' }))),
      { kind: 'retry', delayMs: 4_000 },
    ],
  ])('decides the outcome when the handler %s', async (_label, handler, outcome) => {
    expect(await dispatcher.dispatch(handler, delivery)).toEqual(outcome);
  });

  it('terminates a payload that is not JSON without calling the handler', async () => {
    const handler = jest.fn();

    expect(await dispatcher.dispatch(handler, { ...delivery, data: '{oops' })).toEqual({ kind: 'term' });
    expect(handler).not.toHaveBeenCalled();
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('storebridge.test.v1 (sequence 7): payload is not JSON'),
    );
  });

  it('logs the validation messages of a dropped payload but not its values', async () => {
    const handler = handlerReturning(() =>
      throwError(() => new InvalidPayloadException(['connectionId must be a UUID'])),
    );

    await dispatcher.dispatch(handler, delivery);

    const [line] = errors.mock.calls[0] as [string];
    expect(line).toContain('storebridge.test.v1 (sequence 7, attempt 3): connectionId must be a UUID');
    expect(line).not.toContain('secret-value');
  });

  it('hands a merged payload to the handler as it is', async () => {
    const handler = jest.fn<Promise<void>, [unknown, MessagingContext]>(async () => undefined);
    const merged = { connectionId: 'c', products: [{ id: 'a' }, { id: 'b' }] };

    const outcome = await dispatcher.dispatchPayload(handler, { ...delivery, merged: 2 }, merged);

    expect(outcome).toEqual({ kind: 'ack' });
    expect(handler.mock.calls[0][0]).toBe(merged);
  });

  it('reports an invalid merged payload without claiming to drop it, the transport retries its messages alone', async () => {
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const handler = handlerReturning(() =>
      throwError(() => new InvalidPayloadException(['name must be a string'])),
    );

    const outcome = await dispatcher.dispatchPayload(handler, { ...delivery, merged: 30 }, {});

    expect(outcome).toEqual({ kind: 'term' });
    expect(errors).not.toHaveBeenCalled();
    expect(warnings).toHaveBeenCalledWith(
      expect.stringContaining(
        'storebridge.test.v1 (sequence 7 merging 30 messages, attempt 3): name must be a string',
      ),
    );
  });
});

function nulRefused(): QueryFailedError {
  const driverError = Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
  return new QueryFailedError('INSERT INTO "store_products" VALUES ($1)', ['secret-value'], driverError);
}

function availabilityFailure(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

describe('MessageDispatcher parking a poison message', () => {
  const failingAt = [new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:05:00Z')];
  let store: RecordingParkedMessageStore;
  let listeners: RecordingParkedMessageListener[];
  let dispatcher: MessageDispatcher;
  let errors: jest.SpyInstance;
  let warnings: jest.SpyInstance;

  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    store = new RecordingParkedMessageStore();
    listeners = [
      new RecordingParkedMessageListener('storebridge.test.v1'),
      new RecordingParkedMessageListener('storebridge.other.v1'),
    ];
    let clock = 0;
    const now = () => failingAt[Math.min(clock++, failingAt.length - 1)];
    const parking = new MessageParking(5, store, () => listeners, now);
    dispatcher = new MessageDispatcher('test', { initialMs: 1_000, maxMs: 60_000 }, parking);
  });

  afterEach(() => jest.restoreAllMocks());

  async function deliverTimes(
    times: number,
    failure: (attempt: number) => unknown,
    message: Delivery = delivery,
  ): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (let attempt = 1; attempt <= times; attempt++) {
      const handler = handlerReturning(() => throwError(() => failure(attempt)));
      outcomes.push(await dispatcher.dispatch(handler, { ...message, attempt }));
    }
    return outcomes;
  }

  it('parks a message failing 5 times the same way, then terminates it', async () => {
    const outcomes = await deliverTimes(5, () => nulRefused());

    expect(outcomes.map(({ kind }) => kind)).toEqual(['retry', 'retry', 'retry', 'retry', 'term']);
    expect(store.parked).toEqual([
      {
        subject: 'storebridge.test.v1',
        sequence: 7,
        payload: '{"connectionId":"secret-value"}',
        failure: {
          name: 'QueryFailedError',
          code: '22P05',
          message: 'INSERT INTO "store_products": unsupported Unicode escape sequence',
          attempts: 5,
        },
        firstFailedAt: failingAt[0],
        lastFailedAt: failingAt[1],
      },
    ]);
  });

  it('logs one error per parked message naming subject, sequence and failure, never payload values', async () => {
    await deliverTimes(5, () => nulRefused());

    expect(errors).toHaveBeenCalledTimes(1);
    const [line] = errors.mock.calls[0] as [string];
    expect(line).toContain('Parked message on storebridge.test.v1 (sequence 7) after 5 identical failures');
    expect(line).toContain(
      'QueryFailedError 22P05: INSERT INTO "store_products": unsupported Unicode escape sequence',
    );
    expect(line).not.toContain('secret-value');
  });

  it('parks and logs a database error by its statement and code, never the values its server quoted', async () => {
    const refused = () =>
      new QueryFailedError(
        'UPDATE "id_mappings" SET "ciphertext" = $1 WHERE "id" = $2',
        ['ciphertext-SECRET-123', 'ciphertext-SECRET-123'],
        Object.assign(new Error('invalid input syntax for type uuid: "ciphertext-SECRET-123"'), {
          code: '22P02',
          detail: 'Key (id)=(ciphertext-SECRET-123)',
        }),
      );

    await deliverTimes(5, refused);

    expect(store.parked[0].failure).toEqual({
      name: 'QueryFailedError',
      code: '22P02',
      message: 'UPDATE "id_mappings": invalid input syntax for type uuid: "…"',
      attempts: 5,
    });
    const logged = [...warnings.mock.calls, ...errors.mock.calls].flat().join('\n');
    expect(logged).toContain('QueryFailedError 22P02: UPDATE "id_mappings"');
    expect(logged).not.toContain('SECRET');
  });

  it('keeps retrying a message whose failures say the system is unavailable, however many', async () => {
    const outcomes = await deliverTimes(20, () => availabilityFailure());

    expect(new Set(outcomes.map(({ kind }) => kind))).toEqual(new Set(['retry']));
    expect(store.parked).toEqual([]);
  });

  it('keeps retrying a message asking to retry later, however many times', async () => {
    const outcomes = await deliverTimes(20, () => new RetryLaterError(1_000));

    expect(new Set(outcomes.map(({ kind }) => kind))).toEqual(new Set(['retry']));
    expect(store.parked).toEqual([]);
  });

  it('does not park a message whose failures keep changing', async () => {
    const outcomes = await deliverTimes(20, (attempt) =>
      attempt % 2 === 0 ? nulRefused() : new TypeError('Cannot read properties of undefined'),
    );

    expect(new Set(outcomes.map(({ kind }) => kind))).toEqual(new Set(['retry']));
    expect(store.parked).toEqual([]);
  });

  it('counts failures differing only by numbers as the same, and availability failures between them as nothing', async () => {
    const outcomes = await deliverTimes(7, (attempt) =>
      attempt % 3 === 0 ? availabilityFailure() : new Error(`record ${attempt * 17} has no id`),
    );

    expect(outcomes.map(({ kind }) => kind)).toEqual([...Array(6).fill('retry'), 'term']);
    expect(store.parked[0].failure).toEqual({
      name: 'Error',
      message: 'record 119 has no id',
      attempts: 5,
    });
  });

  it('counts each message on its own', async () => {
    for (let attempt = 1; attempt <= 4; attempt++) {
      await deliverTimes(1, () => nulRefused());
      await deliverTimes(1, () => nulRefused(), { ...delivery, sequence: 8 });
    }

    expect(store.parked).toEqual([]);
    expect((await deliverTimes(1, () => nulRefused(), { ...delivery, sequence: 8 }))[0].kind).toBe('term');
    expect(store.parked.map(({ sequence }) => sequence)).toEqual([8]);
  });

  it('tells the listeners of its subject, with the payload and the failure', async () => {
    await deliverTimes(5, () => nulRefused());

    expect(listeners[0].calls).toEqual([
      {
        payload: { connectionId: 'secret-value' },
        failure: {
          name: 'QueryFailedError',
          code: '22P05',
          message: 'INSERT INTO "store_products": unsupported Unicode escape sequence',
          attempts: 5,
        },
      },
    ]);
    expect(listeners[1].calls).toEqual([]);
  });

  it('tells the listeners of a partitioned subject about a message of one of its partitions', async () => {
    await deliverTimes(5, () => nulRefused(), { ...delivery, subject: 'storebridge.test.v1.shop-1' });

    expect(listeners[0].calls).toHaveLength(1);
  });

  it('redelivers instead of terminating while the store cannot park, and parks once it can', async () => {
    store.failing = availabilityFailure();

    const outcomes = await deliverTimes(7, () => nulRefused());
    expect(outcomes.map(({ kind }) => kind)).toEqual(Array(7).fill('retry'));
    expect(warnings).toHaveBeenCalledWith(
      expect.stringContaining(
        'Could not park the message on storebridge.test.v1 (sequence 7), redelivering it',
      ),
    );

    store.failing = undefined;
    expect((await deliverTimes(1, () => nulRefused()))[0].kind).toBe('term');
    expect(store.parked).toHaveLength(1);
  });

  it('redelivers while a listener fails, then runs it again without parking the message twice', async () => {
    listeners[0].failing = availabilityFailure();
    expect((await deliverTimes(5, () => nulRefused()))[4].kind).toBe('retry');

    listeners[0].failing = undefined;
    expect((await deliverTimes(1, () => nulRefused()))[0].kind).toBe('term');
    expect(store.parked).toHaveLength(1);
    expect(listeners[0].calls).toHaveLength(1);
  });

  it('never parks a merged delivery: it is retried whole once, then its messages run alone', async () => {
    const outcomes: DeliveryOutcome[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const handler = handlerReturning(() => throwError(() => nulRefused()));
      outcomes.push(await dispatcher.dispatchPayload(handler, { ...delivery, attempt, merged: 3 }, {}));
    }

    expect(outcomes.map(({ kind }) => kind)).toEqual(['retry', 'term', 'term', 'term', 'term', 'term']);
    expect(store.parked).toEqual([]);
  });

  it('retries a merged delivery failing for want of the system whole, as before', async () => {
    const handler = handlerReturning(() => throwError(() => availabilityFailure()));

    const outcome = await dispatcher.dispatchPayload(handler, { ...delivery, attempt: 4, merged: 3 }, {});

    expect(outcome.kind).toBe('retry');
  });
});
