import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { CrawlCompletedEvent } from '@storebridge/contracts';
import type { DerivedKind, PushLedgerReader, UnreferencedDerived } from '@storebridge/persistence';
import { SHOPIMIND_CHUNK_SIZES, type WriteOutcome } from '@storebridge/shopimind-client';
import type { ShopimindProductCategory } from '@storebridge/shopimind-mapping';
import { FAKE_PENDING_DELETE_FIRST_WAIT_MS, FakePushWorld } from '../../test/fakes';
import { DerivedRecordsService } from './derived-records.service';

const refused: WriteOutcome = { kind: 'permanent', statusCode: 422, message: 'Unprocessable Entity' };

/** What PushLedgerReader.findUnreferenced answers, per derived kind; and what it was asked. */
class FakeUnreferenced implements Pick<PushLedgerReader, 'findUnreferenced'> {
  readonly answers = new Map<DerivedKind, UnreferencedDerived>();
  readonly asked: Array<{ kind: DerivedKind; savedBefore: Date }> = [];

  async findUnreferenced(_connectionId: string, kind: DerivedKind, savedBefore: Date) {
    this.asked.push({ kind, savedBefore });
    return this.answers.get(kind) ?? { known: true as const, ids: [] };
  }
}

describe('DerivedRecordsService.removeUnreferenced', () => {
  let world: FakePushWorld;
  let ledger: FakeUnreferenced;
  let service: DerivedRecordsService;
  let warnings: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    world = new FakePushWorld();
    ledger = new FakeUnreferenced();
    service = new DerivedRecordsService(world.pushTargets, world.idMappingRepository, ledger);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const completed = (entity: CrawlCompletedEvent['entity']): CrawlCompletedEvent => ({
    connectionId: world.connection.id,
    entity,
    syncRunId: randomUUID(),
    startedAt: '2026-01-02T03:04:05.000Z',
  });

  it('deletes the categories no product points at any more after a complete crawl of products', async () => {
    ledger.answers.set('categories', { known: true, ids: ['11', '12'] });
    world.outcomes.rows.set(`${world.connection.id}/categories/11`, {
      storeId: '11',
      contentHash: '',
      status: 'accepted',
      attempts: 0,
    });

    await service.removeUnreferenced(completed('products'));

    expect(ledger.asked).toEqual([{ kind: 'categories', savedBefore: new Date('2026-01-02T03:04:05.000Z') }]);
    expect(world.writer.calls).toEqual([{ method: 'deleteProductCategories', ids: [11, 12] }]);
    expect(world.outcomes.statuses('categories')).toEqual({});
  });

  it('deletes the order statuses and the customers no order mentions any more after a complete crawl of orders', async () => {
    ledger.answers.set('order_statuses', { known: true, ids: ['cancelled'] });
    ledger.answers.set('customers', { known: true, ids: ['cust_gone'] });

    await service.removeUnreferenced(completed('orders'));

    expect(ledger.asked.map((question) => question.kind)).toEqual(['order_statuses', 'customers']);
    expect(world.writer.calls).toEqual([
      { method: 'deleteOrderStatuses', ids: ['cancelled'] },
      { method: 'deleteCustomers', ids: ['cust_gone'] },
    ]);
  });

  it('deletes in calls of at most the SDK chunk size', async () => {
    const gone = Array.from({ length: 120 }, (_, index) => `cust_${index}`);
    ledger.answers.set('customers', { known: true, ids: gone });

    await service.removeUnreferenced(completed('orders'));

    const sizes = world.writer.callsOf('deleteCustomers').map((call) => call.ids.length);
    expect(sizes).toHaveLength(Math.ceil(120 / SHOPIMIND_CHUNK_SIZES.customers));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SHOPIMIND_CHUNK_SIZES.customers);
  });

  it('deletes nothing while records pushed before references were kept still point at unknown records', async () => {
    ledger.answers.set('customers', { known: false, withoutReferences: 3 });

    await service.removeUnreferenced(completed('orders'));

    expect(world.writer.calls).toEqual([]);
    expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/3 orders .*pushed again/));
  });

  it('keeps a refused derived delete pending and retries it on the next complete crawl once due', async () => {
    ledger.answers.set('order_statuses', { known: true, ids: ['cancelled'] });
    world.writer.outcomes.push(refused);

    await service.removeUnreferenced(completed('orders'));
    expect(world.outcomes.statuses('order_statuses')).toEqual({ cancelled: 'delete_pending' });

    ledger.answers.clear();
    world.outcomes.now += FAKE_PENDING_DELETE_FIRST_WAIT_MS;
    await service.removeUnreferenced(completed('orders'));

    expect(world.writer.callsOf('deleteOrderStatuses').map((call) => call.ids)).toEqual([
      ['cancelled'],
      ['cancelled'],
    ]);
    expect(world.outcomes.statuses('order_statuses')).toEqual({});
  });

  it('retries the refused deletes of products due again, by their ShopiMind ids', async () => {
    await world.outcomes.markDeletePending(world.connection.id, 'products', ['gone'], 'HTTP 422: no');
    world.outcomes.now += FAKE_PENDING_DELETE_FIRST_WAIT_MS;

    await service.removeUnreferenced(completed('products'));

    const ids = await world.idMappings.numericIdsFor(world.installation.id, 'product', ['gone']);
    expect(world.writer.calls).toEqual([{ method: 'deleteProducts', ids: [ids.get('gone')] }]);
    expect(world.outcomes.statuses('products')).toEqual({});
  });

  it('sends a deleted category again when a product points at it once more', async () => {
    const shoes: ShopimindProductCategory = {
      category_id: 11,
      lang: 'de',
      name: 'Shoes',
      link: 'https://shop.example.com',
      created_at: 'x',
      updated_at: 'x',
    } as ShopimindProductCategory;
    world.targets.referenceRows.remember('product categories', [shoes], (row) => row.category_id);
    ledger.answers.set('categories', { known: true, ids: ['11'] });

    await service.removeUnreferenced(completed('products'));

    const target = await world.targets.for(
      { ...world.installation, accessTokenCiphertext: 'x' },
      world.connection,
    );
    expect(target.referenceRows.toSend('product categories', [shoes], (row) => row.category_id)).toEqual([
      shoes,
    ]);
  });

  it('does nothing for a connection removed since', async () => {
    world.connections.rows.clear();

    await service.removeUnreferenced(completed('orders'));

    expect(ledger.asked).toEqual([]);
    expect(world.writer.calls).toEqual([]);
  });
});
