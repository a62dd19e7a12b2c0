import { DataSource } from 'typeorm';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { ParkedMessageEntity } from '../entities';
import { ParkedMessageInput, ParkedMessageRepository } from './parked-message.repository';

const entry: ParkedMessageInput = {
  subject: 'storebridge.sync.requested.v1',
  sequence: 9_007_199_254,
  payload: '{"connectionId":"7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f","trigger":"manual"}',
  failure: {
    name: 'QueryFailedError',
    code: '22P05',
    message: 'unsupported Unicode escape sequence',
    attempts: 5,
  },
  firstFailedAt: new Date('2026-01-01T00:00:00Z'),
  lastFailedAt: new Date('2026-01-01T00:01:00Z'),
};

describe('ParkedMessageRepository', () => {
  let dataSource: DataSource;
  let parkedMessages: ParkedMessageRepository;

  beforeAll(async () => {
    dataSource = await openDataSource();
    parkedMessages = new ParkedMessageRepository(dataSource.getRepository(ParkedMessageEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  it('keeps a parked message with its failure summary', async () => {
    await parkedMessages.park(entry);

    const [row] = await parkedMessages.findRecent();
    expect(row).toMatchObject({
      subject: entry.subject,
      streamSequence: entry.sequence,
      payload: entry.payload,
      errorName: 'QueryFailedError',
      errorCode: '22P05',
      errorMessage: 'unsupported Unicode escape sequence',
      attempts: 5,
      firstFailedAt: entry.firstFailedAt,
      lastFailedAt: entry.lastFailedAt,
    });
    expect(row.parkedAt).toBeInstanceOf(Date);
  });

  it('parks a message whose text holds NUL characters, which PostgreSQL refuses in text', async () => {
    await parkedMessages.park({
      ...entry,
      payload: '{"name":"bad\u0000name"}',
      failure: { name: 'Error', message: 'value \u0000 refused', attempts: 5 },
    });

    const [row] = await parkedMessages.findRecent();
    expect(row.payload).toBe('{"name":"bad\\u0000name"}');
    expect(row.errorMessage).toBe('value \\u0000 refused');
    expect(row.errorCode).toBeNull();
  });

  it('lists the newest parked messages first', async () => {
    await parkedMessages.park({ ...entry, sequence: 1 });
    await parkedMessages.park({ ...entry, sequence: 2 });

    expect((await parkedMessages.findRecent()).map((row) => row.streamSequence)).toEqual([2, 1]);
  });
});
