import { Logger } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { of, throwError } from 'rxjs';
import { MessageDispatcher } from './message.dispatcher';
import { MessagingContext } from './messaging.context';
import { InvalidPayloadException, RetryLaterError } from './messaging.errors';

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
