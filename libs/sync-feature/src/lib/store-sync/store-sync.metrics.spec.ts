import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { NormalizedProduct } from '@storebridge/contracts';
import { MessagePublisher, RecordingPublisher } from '@storebridge/messaging';
import type { AdvisoryLockRepository } from '@storebridge/persistence';
import { metricSample, SyncMetrics } from '@storebridge/runtime';
import type { SyncRunRepository } from '@storebridge/sync-persistence';
import { Registry } from 'prom-client';
import { FakeAdvisoryLocks, FakeStoreConnections, FakeSyncRuns, InMemoryMirror } from '../../test/fakes';
import { syncedProducts } from '../synced-record-kinds';
import { StoreSyncService } from './store-sync.service';

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

/**
 * A store answering each page with the next of its replies, the last one repeated (sync asks for two pages at once,
 * so a script by page, not by request order).
 */
async function startScriptedStore(
  replies: Record<number, Reply[]>,
): Promise<{ url: string; close(): Promise<void> }> {
  const served = new Map<number, number>();
  const server: Server = createServer((req, res) => {
    const pageNumber = Number(new URL(req.url ?? '/', 'http://store.test').searchParams.get('page'));
    const script = replies[pageNumber] ?? [page(pageNumber, pageNumber, [])];
    const count = served.get(pageNumber) ?? 0;
    served.set(pageNumber, count + 1);
    const { status = 200, headers = {}, body } = script[Math.min(count, script.length - 1)];
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function page(current: number, last: number, data: unknown[]): Reply {
  return { body: JSON.stringify({ data, meta: { current_page: current, last_page: last } }) };
}

const product = (id: string) => ({
  id,
  name: `Product ${id}`,
  price: 10,
  permalink: `https://shop.test/p/${id}`,
});

describe('StoreSyncService metrics', () => {
  let registry: Registry;
  let connections: FakeStoreConnections;
  let syncRuns: FakeSyncRuns;
  let close: (() => Promise<void>) | undefined;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    registry = new Registry();
    connections = new FakeStoreConnections();
    syncRuns = new FakeSyncRuns();
  });

  function serviceWith(publisher: MessagePublisher): StoreSyncService {
    return new StoreSyncService(
      connections.asService(),
      syncRuns as unknown as SyncRunRepository,
      [syncedProducts(new InMemoryMirror<NormalizedProduct>(undefined, syncRuns), publisher)],
      new FakeAdvisoryLocks() as unknown as AdvisoryLockRepository,
      { allowPrivateStoreUrls: true },
      new SyncMetrics(registry),
    );
  }

  afterEach(async () => {
    await close?.();
    close = undefined;
    jest.restoreAllMocks();
  });

  async function syncFrom(
    replies: Record<number, Reply[]>,
    publisher: MessagePublisher = new RecordingPublisher(),
  ): Promise<string> {
    const store = await startScriptedStore(replies);
    close = store.close;
    const view = connections.add({ baseUrl: store.url, auth: { method: 'api_key', token: 'k' }, perPage: 3 });
    await serviceWith(publisher).runFullSync({ connectionId: view.connection.id, trigger: 'manual' });
    return view.connection.id;
  }

  it('counts crawled and skipped records by connection and entity, the run, and each store request', async () => {
    const connection = await syncFrom({
      1: [
        { status: 429, headers: { 'retry-after': '0' }, body: '{}' },
        // The record without an id cannot be normalized: skipped.
        page(1, 2, [product('p1'), { name: 'no id', price: 1 }, product('p2')]),
      ],
      2: [page(2, 2, [product('p3'), product('p4')])],
    });

    const labels = { connection, entity: 'products' };
    expect(await metricSample(registry, 'storebridge_records_crawled_total', labels)).toBe(5);
    expect(await metricSample(registry, 'storebridge_records_skipped_total', labels)).toBe(1);
    const runs = 'storebridge_sync_run_duration_seconds';
    expect(
      await metricSample(registry, runs, { entity: 'products', status: 'succeeded' }, `${runs}_count`),
    ).toBe(1);
    const requests = 'storebridge_store_request_duration_seconds';
    expect(await metricSample(registry, requests, { status: '429' }, `${requests}_count`)).toBe(1);
    expect(await metricSample(registry, requests, { status: '200' }, `${requests}_count`)).toBe(2);
    expect(await metricSample(registry, 'storebridge_store_429_total', { connection })).toBe(1);
  });

  it('counts a run the store failed as failed, and the requests by their status', async () => {
    await syncFrom({ 1: [{ status: 404, body: '{}' }] });

    const runs = 'storebridge_sync_run_duration_seconds';
    expect(
      await metricSample(registry, runs, { entity: 'products', status: 'failed' }, `${runs}_count`),
    ).toBe(1);
    expect(await metricSample(registry, runs, { status: 'succeeded' }, `${runs}_count`)).toBeUndefined();
    const requests = 'storebridge_store_request_duration_seconds';
    expect(await metricSample(registry, requests, { status: '404' }, `${requests}_count`)).toBe(1);
    expect(await metricSample(registry, 'storebridge_records_crawled_total')).toBeUndefined();
  });

  it('counts a run stopped by a failure of our own (the bus) as interrupted', async () => {
    class DownBus extends MessagePublisher {
      async publish(): Promise<void> {
        throw new Error('bus unavailable');
      }
    }

    await expect(syncFrom({ 1: [page(1, 1, [product('p1')])] }, new DownBus())).rejects.toThrow(
      'bus unavailable',
    );

    const runs = 'storebridge_sync_run_duration_seconds';
    expect(
      await metricSample(registry, runs, { entity: 'products', status: 'interrupted' }, `${runs}_count`),
    ).toBe(1);
  });
});
