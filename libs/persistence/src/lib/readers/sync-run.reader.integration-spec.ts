import { DataSource } from 'typeorm';
import { aPersistedConnection } from '../../test/factories';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { SyncRunEntity, type RecordKind, type SyncRunStatus } from '../entities';
import { SyncRunReader } from './sync-run.reader';

describe('SyncRunReader', () => {
  let dataSource: DataSource;
  let reader: SyncRunReader;
  let connectionId: string;

  /** Run rows written through the entity: this lib cannot use sync's repository. */
  async function aRun(
    connection: string,
    run: {
      entity?: RecordKind;
      status?: SyncRunStatus;
      startedAt: string;
      finishedAt?: string;
      endConfirmed?: boolean;
      recordsSeen?: number;
    },
  ): Promise<string> {
    const runs = dataSource.getRepository(SyncRunEntity);
    const { id } = await runs.save(
      runs.create({
        connectionId: connection,
        entity: run.entity ?? 'products',
        trigger: 'manual',
        status: run.status ?? 'succeeded',
        endConfirmed: run.endConfirmed ?? null,
        recordsSeen: run.recordsSeen ?? 0,
        finishedAt: run.finishedAt ? new Date(run.finishedAt) : null,
      }),
    );
    // The start time is the database's clock on insert: set it so the order is the one under test.
    await runs.update({ id }, { startedAt: new Date(run.startedAt) });
    return id;
  }

  beforeAll(async () => {
    dataSource = await openDataSource();
    reader = new SyncRunReader(dataSource.getRepository(SyncRunEntity));
  });

  beforeEach(async () => {
    await truncateTables(dataSource);
    connectionId = await aPersistedConnection(dataSource);
  });

  afterAll(() => dataSource.destroy());

  it("lists a connection's runs newest first, at most limit (capped at 100), none for 0", async () => {
    const first = await aRun(connectionId, { startedAt: '2026-01-01T10:00:00Z' });
    const second = await aRun(connectionId, { startedAt: '2026-01-02T10:00:00Z', status: 'running' });
    await aRun(await aPersistedConnection(dataSource), { startedAt: '2026-01-03T10:00:00Z' });

    expect((await reader.findRecent(connectionId)).map((run) => run.id)).toEqual([second, first]);
    expect((await reader.findRecent(connectionId, 1)).map((run) => run.id)).toEqual([second]);
    expect(await reader.findRecent(connectionId, 0)).toEqual([]);

    for (let day = 1; day <= 110; day += 1) {
      await aRun(connectionId, { startedAt: new Date(Date.UTC(2025, 0, day)).toISOString() });
    }
    expect(await reader.findRecent(connectionId, 1_000)).toHaveLength(100);
  });

  it("finds the connection's running crawls, products first", async () => {
    await aRun(connectionId, { startedAt: '2026-01-01T10:00:00Z', status: 'failed' });
    const orders = await aRun(connectionId, {
      entity: 'orders',
      startedAt: '2026-01-01T11:00:00Z',
      status: 'running',
    });
    const products = await aRun(connectionId, { startedAt: '2026-01-01T12:00:00Z', status: 'running' });
    await aRun(await aPersistedConnection(dataSource), {
      startedAt: '2026-01-01T12:00:00Z',
      status: 'running',
    });

    expect((await reader.findRunning(connectionId)).map((run) => run.id)).toEqual([products, orders]);
  });

  it('finds the last crawl of an entity that succeeded with a proven end', async () => {
    await aRun(connectionId, {
      startedAt: '2026-01-01T10:00:00Z',
      finishedAt: '2026-01-01T10:10:00Z',
      endConfirmed: true,
      recordsSeen: 400,
    });
    const latest = await aRun(connectionId, {
      startedAt: '2026-01-02T10:00:00Z',
      finishedAt: '2026-01-02T10:10:00Z',
      endConfirmed: true,
      recordsSeen: 500,
    });
    // Not yardsticks: an unproven end, a failure, another entity.
    await aRun(connectionId, {
      startedAt: '2026-01-03T10:00:00Z',
      finishedAt: '2026-01-03T10:10:00Z',
      endConfirmed: false,
    });
    await aRun(connectionId, {
      startedAt: '2026-01-04T10:00:00Z',
      finishedAt: '2026-01-04T10:01:00Z',
      status: 'failed',
    });

    expect((await reader.findLastComplete(connectionId, 'products'))?.id).toBe(latest);
    expect(await reader.findLastComplete(connectionId, 'orders')).toBeNull();
  });
});
