import { PATTERN_METADATA, TRANSPORT_METADATA } from '@nestjs/microservices/constants';
import { DeadLettersReplayRequestedEvent, Subjects } from '@storebridge/contracts';
import { MESSAGING_TRANSPORT, RpcValidationPipe } from '@storebridge/messaging';
import type { DeadLetterFilter } from '@storebridge/persistence';
import type { DeadLetterService, ReplaySummary } from './dead-letter.service';
import { DeadLettersReplayRequestedHandler } from './dead-letters-replay-requested.handler';

class FakeDeadLetters implements Pick<DeadLetterService, 'replay'> {
  readonly filters: DeadLetterFilter[] = [];
  outcome: () => Promise<ReplaySummary> = () => Promise.resolve({ replayed: 2, messages: 1 });

  replay(filter: DeadLetterFilter = {}): Promise<ReplaySummary> {
    this.filters.push(filter);
    return this.outcome();
  }
}

describe('DeadLettersReplayRequestedHandler', () => {
  const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
  let deadLetters: FakeDeadLetters;
  let handler: DeadLettersReplayRequestedHandler;

  beforeEach(() => {
    deadLetters = new FakeDeadLetters();
    handler = new DeadLettersReplayRequestedHandler(deadLetters as unknown as DeadLetterService);
  });

  it('replays the dead letters of the requested filter', async () => {
    await handler.handle({ filter: { connectionId, entity: 'orders', limit: 5 } });
    await handler.handle({ filter: {} });

    expect(deadLetters.filters).toEqual([{ connectionId, entity: 'orders', limit: 5 }, {}]);
  });

  it('fails the message when the replay fails, so the bus redelivers it', async () => {
    const failure = new Error('database down');
    deadLetters.outcome = () => Promise.reject(failure);

    await expect(handler.handle({ filter: { connectionId } })).rejects.toBe(failure);
  });

  it("validates a request as the bus delivers it: the filter's fields or nothing", async () => {
    const pipe = new RpcValidationPipe();
    const read = (payload: unknown) =>
      pipe.transform(payload, { type: 'body', metatype: DeadLettersReplayRequestedEvent });

    await expect(read({ filter: { connectionId, entity: 'orders', limit: 5 } })).resolves.toEqual({
      filter: { connectionId, entity: 'orders', limit: 5 },
    });
    await expect(read({ filter: {} })).resolves.toEqual({ filter: {} });
    await expect(read({})).rejects.toThrow();
    await expect(read({ filter: { entity: 'customers' } })).rejects.toThrow();
  });

  it('listens to replay requests on the bus', () => {
    const method = DeadLettersReplayRequestedHandler.prototype.handle;

    expect(Reflect.getMetadata(PATTERN_METADATA, method)).toEqual([Subjects.deadLettersReplayRequested]);
    expect(Reflect.getMetadata(TRANSPORT_METADATA, method)).toBe(MESSAGING_TRANSPORT);
  });
});
