import { DataSource } from 'typeorm';
import { StoreConnectionEntity, StoreConnectionRepository, SyncRunEntity } from '@storebridge/persistence';
import {
  aStoreConnection,
  insertInstallation,
  openDataSource,
  truncateTables,
} from '@storebridge/persistence/testing';
import { SyncRunAlreadyRunningException } from './sync-run.exception';
import { SyncRunRepository } from './sync-run.repository';

describe('SyncRunRepository', () => {
  let dataSource: DataSource;
  let syncRuns: SyncRunRepository;
  let connectionId: string;

  beforeAll(async () => {
    dataSource = await openDataSource();
    syncRuns = new SyncRunRepository(dataSource.getRepository(SyncRunEntity));
  });

  beforeEach(async () => {
    await truncateTables(dataSource);
    const installation = await insertInstallation(dataSource);
    const connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
    connectionId = (await connections.upsertForInstallation(installation.id, aStoreConnection())).id;
  });

  afterAll(() => dataSource.destroy());

  it('starts a running run at page 1 with zero counts', async () => {
    const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'activate' });

    expect(run).toEqual(
      expect.objectContaining({
        connectionId,
        entity: 'products',
        trigger: 'activate',
        status: 'running',
        nextPage: 1,
        pagesFetched: 0,
        recordsSeen: 0,
        recordsDeleted: 0,
        warnings: {},
        timings: {},
        error: null,
        finishedAt: null,
      }),
    );
    expect(run.startedAt).toBeInstanceOf(Date);
  });

  it('refuses a second running run for the same connection and entity', async () => {
    await syncRuns.start({ connectionId, entity: 'products', trigger: 'activate' });

    await expect(syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' })).rejects.toThrow(
      SyncRunAlreadyRunningException,
    );
    await expect(syncRuns.start({ connectionId, entity: 'orders', trigger: 'activate' })).resolves.toEqual(
      expect.objectContaining({ entity: 'orders' }),
    );
  });

  it('adds each page to the counts and merges the warning counts and step timings by kind', async () => {
    const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'activate' });

    await syncRuns.recordPage(run.id, {
      nextPage: 2,
      recordsSeen: 50,
      recordsValid: 48,
      recordsSkipped: 2,
      recordsChanged: 48,
      warnings: { missing_price: 2 },
      timings: { fetchMs: 120, publishMs: 7 },
    });
    const recorded = await syncRuns.recordPage(run.id, {
      nextPage: 3,
      recordsSeen: 10,
      recordsValid: 10,
      recordsChanged: 1,
      recordsDeleted: 3,
      warnings: { missing_price: 1, negative_stock: 4 },
      timings: { fetchMs: 80, mirrorMs: 3 },
    });

    expect(recorded).toBe(true);
    expect(await syncRuns.findById(run.id)).toEqual(
      expect.objectContaining({
        nextPage: 3,
        pagesFetched: 2,
        recordsSeen: 60,
        recordsValid: 58,
        recordsSkipped: 2,
        recordsChanged: 49,
        recordsDeleted: 3,
        warnings: { missing_price: 3, negative_stock: 4 },
        timings: { fetchMs: 200, publishMs: 7, mirrorMs: 3 },
      }),
    );
  });

  it('keeps the first skipped records with their page and index, and how the crawl ended', async () => {
    const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'activate' });
    const skipped = (page: number, count: number) =>
      Array.from({ length: count }, (_, index) => ({
        page,
        index,
        reason: 'missing_name',
        id: `p${page}-${index}`,
      }));

    await syncRuns.recordPage(run.id, { nextPage: 2, recordsSkipped: 60, skippedRecords: skipped(1, 60) });
    await syncRuns.recordPage(run.id, { nextPage: 3, recordsSkipped: 60, skippedRecords: skipped(2, 60) });
    await syncRuns.recordPage(run.id, {
      nextPage: 3,
      pagesFetched: 0,
      stopReason: 'repeated_page',
      endConfirmed: false,
      deletionsHeld: 7,
    });

    const recorded = await syncRuns.findById(run.id);
    expect(recorded?.recordsSkipped).toBe(120);
    expect(recorded?.skippedRecords).toHaveLength(100);
    expect(recorded?.skippedRecords[0]).toEqual({ page: 1, index: 0, reason: 'missing_name', id: 'p1-0' });
    expect(recorded?.skippedRecords[99]).toEqual({ page: 2, index: 39, reason: 'missing_name', id: 'p2-39' });
    expect(recorded).toMatchObject({ stopReason: 'repeated_page', endConfirmed: false, deletionsHeld: 7 });
  });

  it('finishes a run once and ignores later pages', async () => {
    const run = await syncRuns.start({ connectionId, entity: 'orders', trigger: 'manual' });

    const failed = await syncRuns.finish(run.id, 'failed', 'HTTP 401 from /api/orders: wrong credential');

    expect(failed).toEqual(
      expect.objectContaining({ status: 'failed', error: 'HTTP 401 from /api/orders: wrong credential' }),
    );
    expect(failed?.finishedAt).toBeInstanceOf(Date);
    expect(await syncRuns.finish(run.id, 'succeeded')).toBeNull();
    expect(await syncRuns.recordPage(run.id, { nextPage: 9 })).toBe(false);
    expect((await syncRuns.findById(run.id))?.nextPage).toBe(1);
  });

  it('offers the running runs of a connection for resuming, from their next page', async () => {
    const products = await syncRuns.start({ connectionId, entity: 'products', trigger: 'activate' });
    await syncRuns.recordPage(products.id, { nextPage: 7, recordsSeen: 300 });
    const orders = await syncRuns.start({ connectionId, entity: 'orders', trigger: 'activate' });
    await syncRuns.finish(orders.id, 'succeeded');

    const resumable = await syncRuns.findResumable(connectionId);

    expect(resumable.map((run) => [run.id, run.nextPage])).toEqual([[products.id, 7]]);
    expect(await syncRuns.findResumable(connectionId, 'orders')).toEqual([]);
  });
});
