import { JsMsg } from 'nats';
import { CoalesceOptions } from '../coalescing';
import { coalescedTurns, MergedRunner, readForCoalescing, Turn } from './coalesced-runs';
import { PendingMessage } from './pulling';

type Batch = { ids: number[] };

const coalesce: CoalesceOptions<Batch> = {
  merge: (payloads) => ({ ids: payloads.flatMap(({ ids }) => ids) }),
  recordCount: ({ ids }) => ids.length,
  maxRecords: 4,
};

function message(data: string): JsMsg {
  return { string: () => data } as unknown as JsMsg;
}

function pending(ids: number[] | undefined): PendingMessage {
  return {
    msg: message(JSON.stringify(ids)),
    stopHeartbeat: jest.fn(),
    ...(ids === undefined ? {} : { payload: { ids }, recordCount: ids.length }),
  };
}

function idsOf(turn: Turn): unknown {
  return turn.kind === 'alone' ? ['alone', turn.message.payload] : ['merged', turn.payload];
}

describe('readForCoalescing', () => {
  const options = coalesce as CoalesceOptions<unknown>;

  it('reads the payload and its record count', () => {
    expect(readForCoalescing(options, message('{"ids":[1,2]}'))).toEqual({
      payload: { ids: [1, 2] },
      recordCount: 2,
    });
  });

  it('reads nothing of a message that is not JSON, or whose count is unknown or not a whole number', () => {
    expect(readForCoalescing(options, message('not json'))).toEqual({});
    expect(readForCoalescing(options, message('{"other":1}'))).toEqual({});
    expect(readForCoalescing({ ...options, recordCount: () => 1.5 }, message('{}'))).toEqual({});
  });
});

describe('coalescedTurns', () => {
  it('merges runs of small messages in stream order; a message that cannot be read runs alone', () => {
    const turns = [
      ...coalescedTurns(
        coalesce as CoalesceOptions<unknown>,
        [pending([1]), pending([2, 3]), pending([4, 5]), pending(undefined), pending([6])],
        jest.fn(),
      ),
    ];

    expect(turns.map(idsOf)).toEqual([
      ['merged', { ids: [1, 2, 3] }],
      ['alone', { ids: [4, 5] }],
      ['alone', undefined],
      ['alone', { ids: [6] }],
    ]);
  });

  it('runs each message of a group that will not merge alone, and reports why', () => {
    const onMergeFailure = jest.fn();
    const failing = {
      ...coalesce,
      merge: () => {
        throw new Error('conflicting stores');
      },
    } as CoalesceOptions<unknown>;

    const turns = [...coalescedTurns(failing, [pending([1]), pending([2])], onMergeFailure)];

    expect(turns.map(idsOf)).toEqual([
      ['alone', { ids: [1] }],
      ['alone', { ids: [2] }],
    ]);
    expect(onMergeFailure).toHaveBeenCalledWith(expect.any(Array), new Error('conflicting stores'));
  });
});

describe('MergedRunner', () => {
  function headed(correlationId: string | undefined): PendingMessage {
    const msg = {
      subject: 'storebridge.sync.products.changed.v1.c1',
      info: { streamSequence: 1, redeliveryCount: 1 },
      headers: correlationId === undefined ? undefined : { get: () => correlationId },
    } as unknown as JsMsg;
    return { msg, stopHeartbeat: jest.fn() };
  }

  it("runs a merged group under its first message's correlation id", async () => {
    const dispatchPayload = jest.fn().mockResolvedValue({ kind: 'ack' });
    const runner = new MergedRunner({
      dispatcher: { dispatchPayload },
      settler: { settle: jest.fn() },
    } as unknown as ConstructorParameters<typeof MergedRunner>[0]);

    await runner.run([headed('crawl-7'), headed('other')], { ids: [1, 2] }, jest.fn());

    expect(dispatchPayload).toHaveBeenCalledWith(
      expect.any(Function),
      expect.objectContaining({ merged: 2, correlationId: 'crawl-7' }),
      { ids: [1, 2] },
    );
  });
});
