import {
  isConfirmedOrderStatus,
  toShopimindOrderStatus,
  toShopimindOrderStatusId,
  UNKNOWN_ORDER_STATUS_ID,
  type ShopimindOrderStatusContext,
} from './order-status.mapper';

const context: ShopimindOrderStatusContext = { lang: 'fr', now: '2026-01-01T00:00:00.000Z' };

describe('toShopimindOrderStatusId', () => {
  it.each<[string | undefined, string]>([
    ['completed', 'completed'],
    ['On Hold', 'on_hold'],
    ['on-hold', 'on_hold'],
    ['ON_HOLD', 'on_hold'],
    ['  Awaiting   payment ', 'awaiting_payment'],
    ['Expédiée', 'expediee'],
    ['wc-processing', 'wc_processing'],
    ['--', UNKNOWN_ORDER_STATUS_ID],
    ['', UNKNOWN_ORDER_STATUS_ID],
    [undefined, UNKNOWN_ORDER_STATUS_ID],
  ])('turns %p into %p', (status, statusId) => {
    expect(toShopimindOrderStatusId(status)).toBe(statusId);
  });
});

describe('isConfirmedOrderStatus', () => {
  it.each(['paid', 'processing', 'completed', 'complete', 'shipped', 'delivered', 'fulfilled'])(
    'confirms %s',
    (statusId) => {
      expect(isConfirmedOrderStatus(statusId)).toBe(true);
    },
  );

  it.each([
    'pending',
    'cancelled',
    'canceled',
    'refunded',
    'failed',
    'on_hold',
    UNKNOWN_ORDER_STATUS_ID,
    'draft',
  ])('does not confirm %s', (statusId) => {
    expect(isConfirmedOrderStatus(statusId)).toBe(false);
  });
});

describe('toShopimindOrderStatus', () => {
  it("keeps the store's wording as the name of the slugged id", () => {
    expect(toShopimindOrderStatus(' On Hold ', context)).toEqual({
      status_id: 'on_hold',
      lang: 'fr',
      name: 'On Hold',
      is_deleted: false,
      created_at: context.now,
      updated_at: context.now,
    });
  });

  it('names the status of orders without one', () => {
    expect(toShopimindOrderStatus(undefined, context)).toMatchObject({
      status_id: UNKNOWN_ORDER_STATUS_ID,
      name: 'Unknown',
    });
  });

  it('tags the row with the data source when there is one', () => {
    expect(toShopimindOrderStatus('paid', { ...context, dataSourceId: 4 })).toMatchObject({
      id_data_source: 4,
    });
    expect(toShopimindOrderStatus('paid', context)).not.toHaveProperty('id_data_source');
  });
});
