import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { Subjects } from '@storebridge/contracts';
import { StoreEventHandlers } from './store-event.handlers';
import type { StoreRecordEvent, StoreRecordEventService } from './store-record-event.service';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const receivedAt = '2026-11-23T12:00:00.000Z';

describe('StoreEventHandlers', () => {
  let applied: StoreRecordEvent[];
  let handlers: StoreEventHandlers;

  beforeEach(() => {
    applied = [];
    const service: Pick<StoreRecordEventService, 'apply'> = {
      apply: async (event) => {
        applied.push(event);
      },
    };
    handlers = new StoreEventHandlers(service as StoreRecordEventService);
  });

  it('listens to the product and order webhook subjects', () => {
    const patternOf = (method: keyof StoreEventHandlers) =>
      Reflect.getMetadata(PATTERN_METADATA, StoreEventHandlers.prototype[method]);

    expect(patternOf('handleProductEvent')).toEqual([Subjects.storeProductEventReceived]);
    expect(patternOf('handleOrderEvent')).toEqual([Subjects.storeOrderEventReceived]);
  });

  it.each([
    ['product.created', 'upsert'],
    ['product.updated', 'upsert'],
    ['product.deleted', 'delete'],
  ] as const)('applies a %s webhook to the products as an %s', async (event, action) => {
    await handlers.handleProductEvent({ connectionId, event, data: { id: 'p' }, receivedAt });

    expect(applied).toEqual([{ connectionId, entity: 'products', action, data: { id: 'p' } }]);
  });

  it.each([
    ['order.created', 'upsert'],
    ['order.updated', 'upsert'],
    ['order.deleted', 'delete'],
  ] as const)('applies a %s webhook to the orders as an %s', async (event, action) => {
    await handlers.handleOrderEvent({ connectionId, event, data: { id: 'o' }, receivedAt });

    expect(applied).toEqual([{ connectionId, entity: 'orders', action, data: { id: 'o' } }]);
  });
});
