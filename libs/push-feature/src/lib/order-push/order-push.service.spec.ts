import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NormalizedOrder, OrdersChangedEvent } from '@storebridge/contracts';
import { type CorrelationScope, RetryLaterError, runWithCorrelation } from '@storebridge/messaging';
import type { InstallationEntity, StoreConnectionEntity } from '@storebridge/persistence';
import type { WriteOutcome } from '@storebridge/shopimind-client';
import { toShopimindCustomerId } from '@storebridge/shopimind-mapping';
import {
  accepted,
  FAKE_DATA_SOURCE_ID,
  FakePushWorld,
  type FakeIdMappings,
  type FakeTargets,
  type WriterCall,
} from '../../test/fakes';
import { INACTIVE_RETRY_MS, PRODUCT_ENTITY } from '../push-target/push-target.service';
import {
  CUSTOMER_ADDRESS_BATCH_SIZE,
  CUSTOMER_ADDRESS_ENTITY,
  CUSTOMER_BATCH_SIZE,
  ORDER_BATCH_SIZE,
  ORDER_STATUS_BATCH_SIZE,
  OrderPushService,
} from './order-push.service';

function anOrder(index: number, overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    id: `ord_${index}`,
    orderNumber: `#${1000 + index}`,
    status: 'Processing',
    total: 30,
    currency: 'EUR',
    customerEmail: `customer${index}@example.com`,
    customerName: `Customer ${index}`,
    items: [{ productId: `prod_${index}`, quantity: 1, price: 25 }],
    ...overrides,
  };
}

describe('OrderPushService.pushOrders', () => {
  let world: FakePushWorld;
  let idMappings: FakeIdMappings;
  let targets: FakeTargets;
  let service: OrderPushService;
  let installation: InstallationEntity;
  let connection: StoreConnectionEntity;
  let warnings: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    world = new FakePushWorld();
    ({ idMappings, targets, installation, connection } = world);
    // Sync's mirror holds every product the orders below name, unless a test says otherwise.
    world.storeProducts.hold(connection.id, [
      ...Array.from({ length: 150 }, (_, index) => `prod_${index + 1}`),
      'prod_a',
      'prod_b',
    ]);
    service = new OrderPushService(world.pushTargets, world.idMappingRepository, world.storeProducts);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function event(orders: NormalizedOrder[], deletedIds: string[] = []): OrdersChangedEvent {
    return { connectionId: connection.id, syncRunId: randomUUID(), page: 2, orders, deletedIds };
  }

  function orders(count: number, overrides: (index: number) => Partial<NormalizedOrder> = () => ({})) {
    return Array.from({ length: count }, (_, index) => anOrder(index + 1, overrides(index + 1)));
  }

  const writer = () => targets.writer;
  const savedOrders = () =>
    writer()
      .callsOf('saveOrders')
      .flatMap((call) => call.items);
  const savedCustomers = () =>
    writer()
      .callsOf('saveCustomers')
      .flatMap((call) => call.items);
  const savedStatuses = () =>
    writer()
      .callsOf('saveOrderStatuses')
      .flatMap((call) => call.items);

  describe('before writing', () => {
    it('drops the orders of a removed connection without writing anything', async () => {
      const removed = randomUUID();

      await expect(
        service.pushOrders({ ...event(orders(2)), connectionId: removed }),
      ).resolves.toBeUndefined();

      expect(targets.calls).toEqual([]);
      expect(idMappings.calls).toEqual([]);
      expect(writer().calls).toEqual([]);
      expect(warnings).toHaveBeenCalledWith(`Dropped orders of removed connection ${removed}`);
    });

    it.each(['installed', 'inactive', 'uninstalled'] as const)(
      'asks to retry later while the installation is %s, writing nothing',
      async (status) => {
        installation.status = status;

        const error: unknown = await service
          .pushOrders(event(orders(2), ['ord_old']))
          .catch((e: unknown) => e);

        expect(error).toBeInstanceOf(RetryLaterError);
        expect((error as RetryLaterError).delayMs).toBe(INACTIVE_RETRY_MS);
        expect(idMappings.calls).toEqual([]);
        expect(writer().calls).toEqual([]);
      },
    );
  });

  describe('order of writes', () => {
    it('writes statuses, then customers, then orders, then deletes', async () => {
      await service.pushOrders(event(orders(2), ['ord_gone']));

      expect(writer().methods()).toEqual([
        'saveOrderStatuses',
        'saveCustomers',
        'saveOrders',
        'deleteOrders',
      ]);
    });

    it('only deletes when the event has no changed orders, by store order id', async () => {
      await service.pushOrders(event([], ['ord_1', 'ord_2']));

      expect(writer().calls).toEqual([{ method: 'deleteOrders', ids: ['ord_1', 'ord_2'] }]);
    });

    it('writes nothing for an empty event', async () => {
      await service.pushOrders(event([]));

      expect(writer().calls).toEqual([]);
    });
  });

  describe('batching', () => {
    it(`sends at most ${ORDER_STATUS_BATCH_SIZE} statuses and ${CUSTOMER_BATCH_SIZE} customers or ${ORDER_BATCH_SIZE} orders or deletes per call`, async () => {
      const many = orders(150, (index) => ({ status: `Status ${index}` }));
      const deleted = Array.from({ length: 120 }, (_, index) => `ord_gone_${index}`);

      await service.pushOrders(event(many, deleted));

      const lengths = (method: WriterCall['method']) =>
        writer()
          .callsOf(method)
          .map((call) => ('items' in call ? call.items : call.ids).length);
      expect(lengths('saveOrderStatuses')).toEqual([100, 50]);
      expect(lengths('saveCustomers')).toEqual([50, 50, 50]);
      expect(lengths('saveOrders')).toEqual([50, 50, 50]);
      expect(lengths('deleteOrders')).toEqual([50, 50, 20]);
      expect(savedOrders().map((order) => order.order_id)).toEqual(many.map((order) => order.id));
      expect(
        writer()
          .callsOf('deleteOrders')
          .flatMap((call) => call.ids),
      ).toEqual(deleted);
    });
  });

  describe('order statuses', () => {
    it("sends each status once, named in the store's wording, in the connection's language", async () => {
      await service.pushOrders(
        event([
          anOrder(1, { status: 'On Hold' }),
          anOrder(2, { status: 'on-hold' }),
          anOrder(3, { status: 'Completed' }),
          anOrder(4, { status: undefined }),
        ]),
      );

      expect(savedStatuses().map(({ status_id, name, lang }) => ({ status_id, name, lang }))).toEqual([
        { status_id: 'on_hold', name: 'On Hold', lang: 'de' },
        { status_id: 'completed', name: 'Completed', lang: 'de' },
        { status_id: 'unknown', name: 'Unknown', lang: 'de' },
      ]);
      expect(savedStatuses().every((status) => status.id_data_source === FAKE_DATA_SOURCE_ID)).toBe(true);
      expect(savedOrders().map((order) => order.status_id)).toEqual([
        'on_hold',
        'on_hold',
        'completed',
        'unknown',
      ]);
    });

    it('does not send again the statuses ShopiMind accepted for an earlier message', async () => {
      await service.pushOrders(event([anOrder(1, { status: 'Completed' })]));
      await service.pushOrders(
        event([anOrder(2, { status: 'Completed' }), anOrder(3, { status: 'Refunded' })]),
      );

      expect(savedStatuses().map((status) => status.status_id)).toEqual(['completed', 'refunded']);
      expect(savedOrders().map((order) => order.status_id)).toEqual(['completed', 'completed', 'refunded']);
    });
  });

  describe('customers', () => {
    it('sends one customer per email, whatever its case, from their latest order', async () => {
      await service.pushOrders(
        event([
          anOrder(1, {
            customerEmail: 'Ada@Example.com',
            customerName: 'Ada Byron',
            updatedAt: '2025-06-01T00:00:00.000Z',
          }),
          anOrder(2, {
            customerEmail: 'ada@example.com',
            customerName: 'Ada Lovelace',
            updatedAt: '2025-07-01T00:00:00.000Z',
          }),
          anOrder(3, {
            customerEmail: ' ADA@example.com ',
            customerName: 'A. Older',
            createdAt: '2025-05-01T00:00:00.000Z',
          }),
          anOrder(4, { customerEmail: 'grace@example.com', customerName: 'Grace Hopper' }),
        ]),
      );

      const customers = savedCustomers();
      expect(customers.map(({ email, first_name, last_name }) => ({ email, first_name, last_name }))).toEqual(
        [
          { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
          { email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper' },
        ],
      );
      const adaId = toShopimindCustomerId('ada@example.com');
      expect(customers[0].customer_id).toBe(adaId);
      // Every order of Ada's points at the one customer record.
      expect(savedOrders().map((order) => order.customer.customer_id)).toEqual([
        adaId,
        adaId,
        adaId,
        toShopimindCustomerId('grace@example.com'),
      ]);
    });

    it('takes the later order of the page when two orders of a customer are equally recent', async () => {
      await service.pushOrders(
        event([
          anOrder(1, { customerEmail: 'ada@example.com', customerName: 'Ada Byron' }),
          anOrder(2, { customerEmail: 'ada@example.com', customerName: 'Ada Lovelace' }),
        ]),
      );

      expect(savedCustomers().map((customer) => customer.last_name)).toEqual(['Lovelace']);
    });

    it('sends customers in the language of the connection, tagged with the data source, not opted in', async () => {
      await service.pushOrders(event(orders(1)));

      expect(savedCustomers()).toEqual([
        expect.objectContaining({
          lang: 'de',
          id_data_source: FAKE_DATA_SOURCE_ID,
          is_opt_in: false,
          is_newsletter_subscribed: false,
          is_active: true,
        }),
      ]);
    });
  });

  describe('customer details', () => {
    it("sends the customer's phone, consent and, without a customer name, the billing address's names", async () => {
      await service.pushOrders(
        event([
          anOrder(1, {
            customerName: undefined,
            customerPhone: '+33 1 23 45 67 89',
            acceptsMarketing: true,
            newsletterSubscribed: false,
            billingAddress: { firstName: 'Ada', lastName: 'Lovelace', city: 'London' },
          }),
        ]),
      );

      expect(savedCustomers()).toEqual([
        expect.objectContaining({
          first_name: 'Ada',
          last_name: 'Lovelace',
          phone_number: '+33 1 23 45 67 89',
          is_opt_in: true,
          is_newsletter_subscribed: false,
        }),
      ]);
    });
  });

  describe('addresses', () => {
    const london = {
      firstName: 'Ada',
      lastName: 'Lovelace',
      street: '12 St James Sq',
      city: 'London',
      country: 'GB',
    };
    const arlington = {
      firstName: 'Grace',
      lastName: 'Hopper',
      street: '1 Navy Way',
      city: 'Arlington',
      country: 'US',
    };
    const savedAddresses = () =>
      writer()
        .callsOf('saveCustomerAddresses')
        .flatMap((call) => call.items);

    it('writes the addresses of the orders after their customers and before the orders', async () => {
      await service.pushOrders(event([anOrder(1, { billingAddress: london })], ['ord_gone']));

      expect(writer().methods()).toEqual([
        'saveOrderStatuses',
        'saveCustomers',
        'saveCustomerAddresses',
        'saveOrders',
        'deleteOrders',
      ]);
    });

    it('sends one address per place of a customer, numbered for good, and points the orders at it', async () => {
      await service.pushOrders(
        event([
          anOrder(1, {
            customerEmail: 'ada@example.com',
            billingAddress: london,
            shippingAddress: arlington,
          }),
          anOrder(2, {
            customerEmail: 'Ada@Example.com',
            billingAddress: { ...london, phone: '+44 20 7946 0000' },
            shippingAddress: london,
          }),
          anOrder(3, { customerEmail: 'grace@example.com', billingAddress: arlington }),
        ]),
      );

      const addresses = savedAddresses();
      const adaId = toShopimindCustomerId('ada@example.com');
      expect(addresses.map(({ customer_id, city }) => [customer_id, city])).toEqual([
        [adaId, 'London'],
        [adaId, 'Arlington'],
        [toShopimindCustomerId('grace@example.com'), 'Arlington'],
      ]);
      // The latest order's phone for the one London address of Ada's.
      expect(addresses[0]).toMatchObject({
        primary_phone: '+44 20 7946 0000',
        id_data_source: FAKE_DATA_SOURCE_ID,
      });
      const addressCall = idMappings.calls.find((call) => call.entityType === CUSTOMER_ADDRESS_ENTITY);
      expect(addressCall?.installationId).toBe(installation.id);
      const [adaLondon, adaArlington, graceArlington] = addresses.map((address) =>
        String(address.address_id),
      );
      expect(new Set([adaLondon, adaArlington, graceArlington]).size).toBe(3);
      expect(
        savedOrders().map((order) => [order.order_id, order.address_invoice_id, order.address_delivery_id]),
      ).toEqual([
        ['ord_1', adaLondon, adaArlington],
        ['ord_2', adaLondon, adaLondon],
        ['ord_3', graceArlington, undefined],
      ]);

      // The next message numbers the same place the same way.
      await service.pushOrders(
        event([anOrder(4, { customerEmail: 'ada@example.com', billingAddress: london })]),
      );
      expect(savedOrders().at(-1)?.address_invoice_id).toBe(adaLondon);
    });

    it('sends no address, and maps no id, for orders without one or without a customer', async () => {
      await service.pushOrders(
        event([anOrder(1), anOrder(2, { customerEmail: undefined, billingAddress: london })]),
      );

      expect(writer().methods()).not.toContain('saveCustomerAddresses');
      expect(idMappings.calls.map((call) => call.entityType)).not.toContain(CUSTOMER_ADDRESS_ENTITY);
    });

    it(`sends at most ${CUSTOMER_ADDRESS_BATCH_SIZE} addresses per call`, async () => {
      await service.pushOrders(
        event(orders(120, (index) => ({ billingAddress: { ...london, street: `${index} Main St` } }))),
      );

      expect(
        writer()
          .callsOf('saveCustomerAddresses')
          .map((call) => call.items.length),
      ).toEqual([50, 50, 20]);
    });
  });

  describe('orders', () => {
    it('sends the line products under the numeric ids products get, with the connection defaults', async () => {
      const productIds = await idMappings.numericIdsFor(installation.id, PRODUCT_ENTITY, ['prod_b']);

      await service.pushOrders(
        event([
          anOrder(1, {
            currency: undefined,
            items: [
              { productId: 'prod_a', quantity: 2, price: 10 },
              { productId: 'prod_b', quantity: 1, price: 5 },
            ],
          }),
        ]),
      );

      expect(idMappings.calls.at(-1)).toEqual({
        installationId: installation.id,
        entityType: 'product',
        storeIds: ['prod_a', 'prod_b'],
      });
      const [order] = savedOrders();
      expect(order.products.map((line) => line.product_id)).toEqual([
        (await idMappings.numericIdsFor(installation.id, 'product', ['prod_a'])).get('prod_a'),
        productIds.get('prod_b'),
      ]);
      expect(order).toMatchObject({
        order_id: 'ord_1',
        cart_id: 'ord_1',
        reference: '#1001',
        lang: 'de',
        currency: 'CHF',
        status_id: 'processing',
        is_confirmed: true,
        id_data_source: FAKE_DATA_SOURCE_ID,
      });
    });

    it('gives one timestamp to every undated order and customer of a message', async () => {
      await service.pushOrders(event(orders(3)));

      const stamps = new Set([
        ...savedOrders().flatMap((order) => [order.created_at, order.updated_at, order.cart_updated_at]),
        ...savedCustomers().flatMap((customer) => [customer.created_at, customer.updated_at]),
        ...savedStatuses().flatMap((status) => [status.created_at, status.updated_at]),
      ]);
      expect(stamps.size).toBe(1);
    });
  });

  describe('what cannot be sent', () => {
    it('skips orders without a customer email everywhere, and logs how many', async () => {
      const page = [
        anOrder(1),
        anOrder(2, { customerEmail: undefined, status: 'Refunded' }),
        anOrder(3, { customerEmail: undefined }),
      ];
      const changed = event(page);

      await service.pushOrders(changed);

      expect(savedOrders().map((order) => order.order_id)).toEqual(['ord_1']);
      expect(savedCustomers().map((customer) => customer.email)).toEqual(['customer1@example.com']);
      // Only the statuses of orders that are sent.
      expect(savedStatuses().map((status) => status.status_id)).toEqual(['processing']);
      expect(warnings).toHaveBeenCalledWith(
        `Skipped 2 orders without a customer email of run ${changed.syncRunId} page 2: ord_2, ord_3`,
      );
    });

    it('names at most ten skipped orders in the log', async () => {
      await service.pushOrders(event(orders(12, () => ({ customerEmail: undefined }))));

      expect(writer().calls).toEqual([]);
      expect(warnings).toHaveBeenCalledWith(
        expect.stringMatching(/^Skipped 12 orders .*: ord_1, .*, ord_10, and 2 more$/),
      );
    });

    it('sends an order without the lines naming a product ShopiMind does not have, and names them in a warning', async () => {
      const changed = event([
        anOrder(1, {
          total: 42,
          items: [
            { productId: 'prod_1', quantity: 1, price: 10 },
            { productId: 'prod_skipped', quantity: 2, price: 16 },
          ],
        }),
        anOrder(2, { items: [{ productId: 'prod_gone', quantity: 1, price: 5 }] }),
      ]);

      await service.pushOrders(changed);

      const [productId] = (await idMappings.numericIdsFor(installation.id, 'product', ['prod_1'])).values();
      expect(savedOrders().map((order) => [order.order_id, order.amount, order.products])).toEqual([
        ['ord_1', 42, [{ product_id: productId, price: 10, price_without_tax: 10, quantity: 1 }]],
        ['ord_2', 30, []],
      ]);
      // No number is ever made up for a product push is not writing.
      expect(idMappings.calls.flatMap((call) => call.storeIds)).not.toContain('prod_skipped');
      expect(warnings.mock.calls.map(([line]) => String(line))).toEqual([
        `Left out 2 order lines naming products ShopiMind does not have of run ${changed.syncRunId} page 2: ord_1 (prod_skipped), ord_2 (prod_gone)`,
      ]);
    });

    it('names at most ten lines naming unknown products in the log', async () => {
      await service.pushOrders(
        event(orders(12, (index) => ({ items: [{ productId: `prod_unknown_${index}`, quantity: 1 }] }))),
      );

      expect(warnings).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Left out 12 order lines naming products .*: ord_1 \(prod_unknown_1\), .*, ord_10 \(prod_unknown_10\), and 2 more$/,
        ),
      );
    });

    it('sends an order without the lines it cannot name, and logs how many lines were left out', async () => {
      const changed = event([
        anOrder(1, {
          items: [
            { productId: 'prod_1', quantity: 1, price: 10 },
            { name: 'Gift wrap', quantity: 1, price: 2 },
            { productId: 'prod_2', quantity: 0, price: 3 },
          ],
        }),
        anOrder(2, { items: [{ name: 'Custom engraving', quantity: 1, price: 15 }] }),
      ]);

      await service.pushOrders(changed);

      expect(savedOrders().map((order) => order.products.length)).toEqual([1, 0]);
      expect(warnings).toHaveBeenCalledWith(
        `Left out 3 order lines without a product id or units of run ${changed.syncRunId} page 2`,
      );
    });

    it('logs nothing when everything could be sent', async () => {
      await service.pushOrders(event(orders(3)));

      expect(warnings).not.toHaveBeenCalled();
    });
  });

  describe('run summary', () => {
    let lines: jest.SpyInstance;

    beforeEach(() => {
      lines = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    });

    /** Runs a push as the message dispatcher runs a handler, telling it the run's end afterwards. */
    async function handlerRun(push: () => Promise<void>): Promise<void> {
      const scope: CorrelationScope = { correlationId: 'corr-1', runEndCallbacks: [] };
      await runWithCorrelation(scope, async () => {
        await push();
        scope.runEndCallbacks?.forEach((callback) => callback({ outcome: 'ack', durationMs: 5 }));
      });
    }

    it('counts guest orders without an email and the order lines left out in the run summary', async () => {
      await handlerRun(() =>
        service.pushOrders(
          event([
            anOrder(1, {
              items: [
                { productId: 'prod_1', quantity: 1, price: 10 },
                { name: 'Gift wrap', quantity: 1, price: 2 },
                { productId: 'prod_unknown', quantity: 1, price: 3 },
              ],
            }),
            anOrder(2, { customerEmail: undefined }),
            anOrder(3, { customerEmail: undefined }),
          ]),
        ),
      );

      expect(lines.mock.calls).toEqual([
        [
          expect.objectContaining({
            msg: 'Push of orders done: 1 written, 0 deleted, 0 dead-lettered, 2 skipped (2 missing_customer_email), 1 order lines naming products ShopiMind does not have left out, 1 order lines without a product id or units left out in 5 ms',
            skipped: 2,
            skippedReasons: { missing_customer_email: 2 },
            leftOut: {
              'order lines without a product id or units': 1,
              'order lines naming products ShopiMind does not have': 1,
            },
          }),
        ],
      ]);
      // The guest orders are dead letters, with the reason.
      expect(world.outcomes.statuses('orders')).toEqual({
        ord_1: 'accepted',
        ord_2: 'rejected',
        ord_3: 'rejected',
      });
      expect(world.outcomes.rows.get(`${connection.id}/orders/ord_2`)?.reasons).toEqual([
        'missing_customer_email',
      ]);
    });
  });

  describe('write outcomes', () => {
    it('asks to retry later when ShopiMind says the installation is not active, before the next writes', async () => {
      targets.writer.outcomes.push({ kind: 'not_active' });

      const error: unknown = await service
        .pushOrders(event(orders(2), ['ord_gone']))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RetryLaterError);
      expect(writer().methods()).toEqual(['saveOrderStatuses']);
    });

    it.each<WriteOutcome>([
      { kind: 'rate_limited' },
      { kind: 'transient', statusCode: 502, message: 'Bad Gateway' },
    ])('throws on a $kind customer write so the message is redelivered; orders wait', async (outcome) => {
      targets.writer.outcomes.push(accepted(1), outcome);

      const failure = service.pushOrders(event(orders(2)));

      await expect(failure).rejects.toThrow(outcome.kind);
      await expect(failure).rejects.not.toBeInstanceOf(RetryLaterError);
      expect(writer().methods()).toEqual(['saveOrderStatuses', 'saveCustomers']);
    });

    it('goes on after a permanent refusal of the statuses: the orders still go', async () => {
      targets.writer.outcomes.push({ kind: 'permanent', statusCode: 422, message: 'Unprocessable Entity' });

      await expect(service.pushOrders(event(orders(2), ['ord_gone']))).resolves.toBeUndefined();

      expect(writer().methods()).toEqual([
        'saveOrderStatuses',
        'saveCustomers',
        'saveOrders',
        'deleteOrders',
      ]);
    });

    it('throws when the delete is rate limited', async () => {
      targets.writer.outcomes.push(accepted(1), accepted(1), accepted(1), { kind: 'rate_limited' });

      await expect(service.pushOrders(event(orders(1), ['ord_gone']))).rejects.toThrow('rate_limited');
    });
  });
});
