import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NormalizedOrder } from '@storebridge/contracts';
import { startShopimindSandbox, type ShopimindSandbox } from '@storebridge/shopimind-sandbox';
import type { IdMappingRepository } from '@storebridge/push-persistence';
import { aPushWorldWritingTo, type FakePushOutcomes, type FakeStoreProducts } from '../../test/fakes';
import { OrderPushService } from './order-push.service';

// The unit specs fake the writer; this one checks that what the mappers build is what the official SDK sends
// and what ShopiMind's validation (as the sandbox mirrors it) accepts: nothing may come back rejected.
describe('OrderPushService against the ShopiMind sandbox', () => {
  let sandbox: ShopimindSandbox;
  let installationId: string;
  let outcomes: FakePushOutcomes;
  let service: OrderPushService;
  let connectionId: string;
  let storeProducts: FakeStoreProducts;
  let idMappings: IdMappingRepository;
  let pushInstallationId: string;
  let warnings: jest.SpyInstance;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    sandbox.reset();
    const credentials = sandbox.createInstallation();
    sandbox.setActive(credentials.installationId, true);
    installationId = credentials.installationId;
    const world = aPushWorldWritingTo(sandbox.url, credentials.accessToken);
    outcomes = world.outcomes;
    connectionId = world.connection.id;
    ({ storeProducts, idMappings } = world);
    pushInstallationId = world.installation.id;
    storeProducts.hold(connectionId, ['prod_1', 'prod_2']);
    service = new OrderPushService(world.pushTargets, idMappings, storeProducts);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const orders: NormalizedOrder[] = [
    {
      id: 'ord_1',
      orderNumber: '1001',
      status: 'Completed',
      total: 42.5,
      tax: 7.08,
      shipping: 4.9,
      currency: 'EUR',
      customerEmail: 'Ada@Example.com',
      customerName: 'Ada Lovelace',
      customerPhone: '+44 20 7946 0000',
      acceptsMarketing: true,
      items: [
        { productId: 'prod_1', name: 'Desk lamp', quantity: 1, price: 29.9 },
        { name: 'Gift wrap', quantity: 1, price: 7.7 },
      ],
      billingAddress: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: 'Analytical Engines Ltd',
        street: '12 St James Sq',
        street2: 'Flat 3',
        city: 'London',
        state: 'Greater London',
        zip: 'SW1Y 4JH',
        country: 'GB',
      },
      shippingAddress: { name: 'Charles Babbage', street: '1 Dorset St', city: 'London', country: 'GB' },
      paymentMethod: 'credit_card',
      createdAt: '2025-05-01T10:00:00.000Z',
      updatedAt: '2025-05-02T10:00:00.000Z',
    },
    {
      id: 'ord_2',
      status: 'On Hold',
      subtotal: 10,
      customerEmail: 'grace@example.com',
      items: [{ productId: 'prod_2', quantity: 2 }],
      // No customer name: the billing address names her; no street, yet a place.
      billingAddress: { firstName: 'Grace', lastName: 'Hopper', city: 'Arlington', country: 'US' },
    },
    { id: 'ord_3', items: [{ productId: 'prod_1', quantity: 1, price: 29.9 }] },
  ];

  it('writes statuses, customers and orders ShopiMind accepts, then deletes', async () => {
    await service.pushOrders({ connectionId, syncRunId: randomUUID(), page: 0, orders, deletedIds: [] });
    await service.pushOrders({ connectionId, syncRunId: null, page: 0, orders: [], deletedIds: ['ord_2'] });

    expect(
      sandbox
        .requestLog(installationId)
        .filter((entry) => entry.path !== '/v1/data-sources')
        .map((entry) => `${entry.method} ${entry.path} ${entry.status} ${entry.itemCount}`),
    ).toEqual([
      'POST /v1/orders-statuses 200 2',
      'POST /v1/customers 200 2',
      'POST /v1/customers/addresses/bulk 200 3',
      'POST /v1/orders 200 2',
      'POST /v1/orders/bulk-delete 200 1',
    ]);
    // The ledger: ord_1 accepted, ord_2 accepted then deleted (forgotten), ord_3 never sendable (a dead letter).
    expect(outcomes.statuses('orders')).toEqual({ ord_1: 'accepted', ord_3: 'rejected' });
    expect([...outcomes.rows.values()].find((row) => row.storeId === 'ord_3')?.reasons).toEqual([
      'missing_customer_email',
    ]);
    // Nothing rejected: settle would have logged it. Only the skipped order and the unnamed line are reported.
    expect(warnings.mock.calls.map(([line]) => String(line))).toEqual([
      expect.stringMatching(/^Skipped 1 orders without a customer email .*: ord_3$/),
      expect.stringMatching(/^Left out 1 order lines/),
    ]);
    expect(sandbox.orderStatuses(installationId).map((status) => status['status_id'])).toEqual([
      'completed',
      'on_hold',
    ]);
    expect(
      sandbox
        .customers(installationId)
        .map(({ email, first_name, last_name, phone_number, is_opt_in, is_newsletter_subscribed }) => ({
          email,
          first_name,
          last_name,
          phone_number,
          is_opt_in,
          is_newsletter_subscribed,
        })),
    ).toEqual([
      {
        email: 'ada@example.com',
        first_name: 'Ada',
        last_name: 'Lovelace',
        phone_number: '+44 20 7946 0000',
        is_opt_in: true,
        is_newsletter_subscribed: false,
      },
      {
        email: 'grace@example.com',
        first_name: 'Grace',
        last_name: 'Hopper',
        phone_number: undefined,
        is_opt_in: false,
        is_newsletter_subscribed: false,
      },
    ]);
    const addresses = sandbox.customerAddresses(installationId);
    expect(
      addresses.map((address) => [address['first_name'], address['city'], address['address_line_1']]),
    ).toEqual([
      ['Ada', 'London', '12 St James Sq'],
      ['Charles', 'London', '1 Dorset St'],
      ['Grace', 'Arlington', ''],
    ]);
    const [invoice, delivery] = addresses.map((address) => String(address['address_id']));
    expect(sandbox.orders(installationId)).toEqual([
      expect.objectContaining({
        order_id: 'ord_1',
        amount: 42.5,
        amount_without_tax: 35.42,
        shipping_costs: 4.9,
        shipping_costs_without_tax: 4.08,
        address_invoice_id: invoice,
        address_delivery_id: delivery,
        lang: 'fr',
        products: [expect.objectContaining({ price: 29.9, price_without_tax: 24.92 })],
      }),
    ]);
  });

  it('sends an order without the line naming a product sync skipped, with its totals', async () => {
    const order: NormalizedOrder = {
      id: 'ord_4',
      status: 'Completed',
      total: 49.8,
      customerEmail: 'ada@example.com',
      items: [
        { productId: 'prod_1', quantity: 1, price: 29.9 },
        { productId: 'prod_nameless', quantity: 2, price: 9.95 },
      ],
    };

    await service.pushOrders({
      connectionId,
      syncRunId: randomUUID(),
      page: 0,
      orders: [order],
      deletedIds: [],
    });

    const productIds = await idMappings.numericIdsFor(pushInstallationId, 'product', ['prod_1']);
    expect(outcomes.statuses('orders')).toEqual({ ord_4: 'accepted' });
    expect(sandbox.orders(installationId)).toEqual([
      expect.objectContaining({
        order_id: 'ord_4',
        amount: 49.8,
        products: [expect.objectContaining({ product_id: productIds.get('prod_1'), quantity: 1 })],
      }),
    ]);
    expect(warnings).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Left out 1 order lines naming products ShopiMind does not have .*: ord_4 \(prod_nameless\)$/,
      ),
    );
  });
});
