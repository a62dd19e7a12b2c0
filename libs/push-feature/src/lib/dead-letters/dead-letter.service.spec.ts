import { Subjects, type OrdersChangedEvent, type ProductsChangedEvent } from '@storebridge/contracts';
import { RecordingPublisher } from '@storebridge/messaging';
import type { DeadLetterFilter, PushLedgerReader, PushOutcomeEntity } from '@storebridge/persistence';
import { DeadLetterService, REPLAY_BATCH_SIZE } from './dead-letter.service';

const connectionA = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const connectionB = '0b5d6f8a-1c2e-4a3b-8d9e-7f6a5b4c3d2e';

function aDeadLetter(overrides: Partial<PushOutcomeEntity>): PushOutcomeEntity {
  return {
    connectionId: connectionA,
    entity: 'products',
    storeId: 'p1',
    contentHash: 'h',
    status: 'rejected',
    reasons: ['price: must be a number'],
    attempts: 1,
    record: {
      id: overrides.storeId ?? 'p1',
      name: 'Lamp',
      categories: [],
      tags: [],
      images: [],
      url: 'https://s/p',
    },
    updatedAt: new Date(),
    ...overrides,
  };
}

class FakeOutcomes implements Pick<PushLedgerReader, 'findRejected'> {
  letters: PushOutcomeEntity[] = [];
  readonly filters: DeadLetterFilter[] = [];

  async findRejected(filter: DeadLetterFilter = {}): Promise<PushOutcomeEntity[]> {
    this.filters.push(filter);
    return this.letters
      .filter((letter) => !filter.connectionId || letter.connectionId === filter.connectionId)
      .filter((letter) => !filter.entity || letter.entity === filter.entity)
      .slice(0, filter.limit);
  }
}

describe('DeadLetterService', () => {
  let outcomes: FakeOutcomes;
  let publisher: RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>;
  let service: DeadLetterService;

  beforeEach(() => {
    outcomes = new FakeOutcomes();
    publisher = new RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>();
    service = new DeadLetterService(outcomes as unknown as PushLedgerReader, publisher);
  });

  it('lists the dead letters of the filter, 1,000 at most unless told otherwise', async () => {
    outcomes.letters = [
      aDeadLetter({ storeId: 'p1' }),
      aDeadLetter({ storeId: 'p2', connectionId: connectionB }),
    ];

    expect((await service.list({ connectionId: connectionB })).map((letter) => letter.storeId)).toEqual([
      'p2',
    ]);
    expect(outcomes.filters).toEqual([{ connectionId: connectionB, limit: 1_000 }]);
  });

  it('replays stored records to push as changes of their entity, grouped by connection, under fresh message ids', async () => {
    outcomes.letters = [
      aDeadLetter({ storeId: 'p1' }),
      aDeadLetter({ storeId: 'o1', entity: 'orders', record: { id: 'o1', items: [] } }),
      aDeadLetter({ storeId: 'p2' }),
      aDeadLetter({ storeId: 'p9', connectionId: connectionB }),
    ];

    const summary = await service.replay();

    expect(summary).toEqual({ replayed: 4, messages: 3 });
    expect(publisher.published.map(({ subject, payload }) => [subject, payload.connectionId])).toEqual([
      [Subjects.productsChanged, connectionA],
      [Subjects.ordersChanged, connectionA],
      [Subjects.productsChanged, connectionB],
    ]);
    expect(publisher.published[0].payload).toEqual({
      connectionId: connectionA,
      syncRunId: null,
      page: 0,
      products: [expect.objectContaining({ id: 'p1' }), expect.objectContaining({ id: 'p2' })],
      deletedIds: [],
    });
    expect((publisher.published[1].payload as OrdersChangedEvent).orders).toEqual([{ id: 'o1', items: [] }]);
    const ids = publisher.published.map((message) => message.options?.messageId);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toMatch(new RegExp(`^replay:${connectionA}:products:`));
  });

  it(`sends at most ${REPLAY_BATCH_SIZE} records per message`, async () => {
    outcomes.letters = Array.from({ length: REPLAY_BATCH_SIZE + 1 }, (_, k) =>
      aDeadLetter({ storeId: `p${k}` }),
    );

    await service.replay({ connectionId: connectionA });

    expect(
      publisher.published.map((message) => (message.payload as ProductsChangedEvent).products.length),
    ).toEqual([REPLAY_BATCH_SIZE, 1]);
  });

  it('skips a dead letter without a stored record (nothing to send again)', async () => {
    outcomes.letters = [aDeadLetter({ storeId: 'p1', record: null })];

    expect(await service.replay()).toEqual({ replayed: 0, messages: 0 });
    expect(publisher.published).toEqual([]);
  });
});
