import { randomBytes } from 'node:crypto';
import { startServiceProcess, type ServiceProcess } from '@storebridge/built-apps';
import {
  demoOrder,
  demoProduct,
  type DemoAddress,
  type DemoOrder,
  type DemoProduct,
} from '@storebridge/demo-store';
import type { SandboxItem } from '@storebridge/shopimind-sandbox';
import { expectEventually, testDatabaseUrl, testNatsUrl } from '@storebridge/testing';
import {
  installAndActivate,
  serviceEnv,
  startOutsideWorld,
  storeConfigs,
  type OutsideWorld,
} from './support/outside-world';
import { withServiceLogs } from './support/production-system';

// Issue #16 "Done when": every field ShopiMind holds is computed here from the demo store's own records
// (never by our mappers), for products with and without variations, sale prices and several images, an
// excluded category, and orders with addresses and guest orders.

const PRODUCT_COUNT = 40;
const ORDER_COUNT = 30;
const GUEST_ORDER_EVERY = 6;
/** A category of several products, some of them sold in sizes. */
const EXCLUDED_CATEGORY = 'Outdoor';
const LANG = 'fr';
const ADMIN_TOKEN = randomBytes(32).toString('hex');
const EVENTUALLY = { timeoutMs: 90_000, intervalMs: 250 };
/** Once the counts are right, the fields must be too, give or take a write in flight. */
const SETTLED = { timeoutMs: 10_000, intervalMs: 250 };

/** What the store serves: the demo store builds its pages from these very functions and options. */
const STORE_PRODUCTS: readonly DemoProduct[] = Array.from({ length: PRODUCT_COUNT }, (_, index) =>
  demoProduct(index + 1),
);
const STORE_ORDERS: readonly DemoOrder[] = Array.from({ length: ORDER_COUNT }, (_, index) =>
  demoOrder(index + 1, PRODUCT_COUNT, { guestOrderEvery: GUEST_ORDER_EVERY }),
);
const KEPT_PRODUCTS = STORE_PRODUCTS.filter((product) => !product.categories.includes(EXCLUDED_CATEGORY));
const EXCLUDED_PRODUCTS = STORE_PRODUCTS.filter((product) => product.categories.includes(EXCLUDED_CATEGORY));
const CUSTOMER_ORDERS = STORE_ORDERS.filter((order) => order.customer_email !== undefined);
const GUEST_ORDERS = STORE_ORDERS.filter((order) => order.customer_email === undefined);

/** The customer pays the store's selling price; the regular price shows, struck through, only when higher. */
function shopimindPrices(sold: { price: number; regular_price: number }): {
  price: number;
  price_discount: number | null;
} {
  return sold.regular_price > sold.price
    ? { price: sold.regular_price, price_discount: sold.price }
    : { price: sold.price, price_discount: null };
}

/** What ShopiMind holds of one installation, read once. */
interface Held {
  products: SandboxItem[];
  variations: SandboxItem[];
  images: SandboxItem[];
  categories: SandboxItem[];
  customers: SandboxItem[];
  addresses: SandboxItem[];
  orders: SandboxItem[];
  orderStatuses: SandboxItem[];
  dataSourceIds: number[];
}

function held(world: OutsideWorld, installationId: string): Held {
  const { sandbox } = world;
  return {
    products: sandbox.products(installationId),
    variations: sandbox.productVariations(installationId),
    images: sandbox.productImages(installationId),
    categories: sandbox.productCategories(installationId),
    customers: sandbox.customers(installationId),
    addresses: sandbox.customerAddresses(installationId),
    orders: sandbox.orders(installationId),
    orderStatuses: sandbox.orderStatuses(installationId),
    dataSourceIds: sandbox.dataSources(installationId).map((source) => source.id_data_source),
  };
}

/** The one data source the installation's records are filed under. */
function dataSourceOf(shopimind: Held): number {
  expect(shopimind.dataSourceIds).toHaveLength(1);
  return shopimind.dataSourceIds[0];
}

const byText =
  (...fields: string[]) =>
  (a: SandboxItem, b: SandboxItem): number =>
    fields
      .map((field) => String(a[field]))
      .join('|')
      .localeCompare(fields.map((field) => String(b[field])).join('|'));

function expectedCounts(products: readonly DemoProduct[]): Record<string, number> {
  const customerEmails = new Set(CUSTOMER_ORDERS.map((order) => order.customer_email));
  return {
    products: products.length,
    variations: products.reduce((sum, product) => sum + (product.attributes?.length ?? 0), 0),
    images: products.reduce((sum, product) => sum + product.images.length, 0),
    customers: customerEmails.size,
    addresses: [...customerEmails].reduce((sum, email) => sum + storeAddressesOf(String(email)).length, 0),
    orders: CUSTOMER_ORDERS.length,
  };
}

function heldCounts(shopimind: Held): Record<string, number> {
  return {
    products: shopimind.products.length,
    variations: shopimind.variations.length,
    images: shopimind.images.length,
    customers: shopimind.customers.length,
    addresses: shopimind.addresses.length,
    orders: shopimind.orders.length,
  };
}

/** Each ShopiMind product, by the store's SKU; every one must be a store product. */
function productsBySku(shopimind: Held): Map<string, SandboxItem> {
  return new Map(shopimind.products.map((item) => [String(item['reference']), item]));
}

function expectProductsAsInStore(shopimind: Held, products: readonly DemoProduct[]): void {
  const dataSource = dataSourceOf(shopimind);
  expect(shopimind.products.map((item) => item['reference']).sort()).toEqual(
    products.map((product) => product.sku).sort(),
  );
  const bySku = productsBySku(shopimind);
  expect(new Set(shopimind.products.map((item) => item['product_id'])).size).toBe(products.length);
  const categoryNames = new Map(shopimind.categories.map((item) => [item['category_id'], item['name']]));

  for (const product of products) {
    const item = bySku.get(product.sku) as SandboxItem;
    expect(item).toEqual({
      product_id: expect.any(Number),
      lang: LANG,
      currency: product.currency,
      name: product.name,
      reference: product.sku,
      description: product.description,
      description_short: product.short_description,
      link: product.permalink,
      image_link: product.images[0],
      category_ids: expect.any(Array),
      ...shopimindPrices(product),
      quantity_remaining: product.stock_quantity,
      is_active: product.stock_status === 'in_stock',
      created_at: product.created_at,
      updated_at: product.updated_at,
      id_data_source: dataSource,
    });
    expect((item['category_ids'] as unknown[]).map((id) => categoryNames.get(id)).sort()).toEqual(
      [...product.categories].sort(),
    );
    expectVariationsAsInStore(shopimind, product, item, dataSource);
    expectImagesAsInStore(shopimind, product, item, dataSource);
  }
  // Parts of products ShopiMind does not hold (an excluded category's) must not linger either.
  const heldIds = new Set(shopimind.products.map((item) => String(item['product_id'])));
  expect(shopimind.variations.filter((item) => !heldIds.has(String(item['product_id'])))).toEqual([]);
  expect(shopimind.images.filter((item) => !heldIds.has(String(item['product_id'])))).toEqual([]);
}

const ofProduct =
  (productId: string) =>
  (part: SandboxItem): boolean =>
    String(part['product_id']) === productId;

/** A variation or image names its product by number or by digits, as the route it came by does. */
function withTextProductId(part: SandboxItem): SandboxItem {
  return { ...part, product_id: String(part['product_id']) };
}

/** The store's sizes one by one, the first the default: nothing more, nothing less. */
function expectVariationsAsInStore(
  shopimind: Held,
  product: DemoProduct,
  item: SandboxItem,
  dataSource: number,
): void {
  const productId = String(item['product_id']);
  const variations = shopimind.variations.filter(ofProduct(productId)).map(withTextProductId);
  const expected = (product.attributes ?? []).map((variation, index) => ({
    product_id: productId,
    variation_id: expect.any(Number),
    lang: LANG,
    // The store names a size by its attributes only.
    name: Object.values(variation.attributes).join(' / '),
    reference: variation.sku,
    ean13: null,
    link: product.permalink,
    image_link: variation.image,
    ...shopimindPrices(variation),
    quantity_remaining: variation.stock_quantity,
    is_default: index === 0,
    id_data_source: dataSource,
  }));
  expect([...variations].sort(byText('reference'))).toEqual(
    [...expected].sort((a, b) => a.reference.localeCompare(b.reference)),
  );
  expect(new Set(variations.map((variation) => variation['variation_id'])).size).toBe(expected.length);
}

/** Every image of the product, the first the default: as many as the store has. */
function expectImagesAsInStore(
  shopimind: Held,
  product: DemoProduct,
  item: SandboxItem,
  dataSource: number,
): void {
  const productId = String(item['product_id']);
  const images = shopimind.images.filter(ofProduct(productId)).map(withTextProductId);
  const expected = product.images.map((url, index) => ({
    product_id: productId,
    image_id: expect.any(String),
    lang: LANG,
    variation_id: null,
    url,
    is_default: index === 0,
    id_data_source: dataSource,
  }));
  expect([...images].sort(byText('url'))).toEqual([...expected].sort((a, b) => a.url.localeCompare(b.url)));
  expect(new Set(images.map((image) => image['image_id'])).size).toBe(product.images.length);
}

/** How ShopiMind holds a store address: who it is for, their phone, the place. */
function shopimindAddress(address: DemoAddress): Record<string, unknown> {
  return {
    first_name: address.first_name,
    last_name: address.last_name,
    primary_phone: address.phone,
    address_line_1: address.street,
    postal_code: address.zip,
    city: address.city,
    country: address.country,
    is_active: true,
  };
}

/** The distinct places (billing or shipping) on the customer's orders: one ShopiMind address each. */
function storeAddressesOf(email: string): Array<Record<string, unknown>> {
  const places = new Map<string, Record<string, unknown>>();
  for (const order of CUSTOMER_ORDERS.filter((candidate) => candidate.customer_email === email)) {
    for (const address of [order.billing_address, order.shipping_address]) {
      const record = shopimindAddress(address);
      places.set(JSON.stringify(record), record);
    }
  }
  return [...places.values()];
}

function addressContent(item: SandboxItem | undefined): Record<string, unknown> {
  const {
    address_id: _addressId,
    customer_id: _customerId,
    id_data_source: _dataSource,
    ...content
  } = item ?? {};
  return content;
}

/**
 * Customers, their addresses and their orders as the store says. `productIdsBySku` gives ShopiMind's number
 * of the store products an order line must point at, where ShopiMind holds them.
 */
function expectOrdersAsInStore(shopimind: Held, productIdsBySku: ReadonlyMap<string, unknown>): void {
  const dataSource = dataSourceOf(shopimind);
  const customersByEmail = new Map(shopimind.customers.map((item) => [item['email'], item]));
  expect([...customersByEmail.keys()].sort()).toEqual(
    [...new Set(CUSTOMER_ORDERS.map((order) => order.customer_email))].sort(),
  );
  for (const [email, customer] of customersByEmail) {
    const order = CUSTOMER_ORDERS.find((candidate) => candidate.customer_email === email) as DemoOrder;
    // The same person on every order: one name, one phone, one answer about marketing.
    expect(customer).toEqual({
      customer_id: expect.any(String),
      email,
      phone_number: order.customer_phone,
      first_name: order.billing_address.first_name,
      last_name: order.billing_address.last_name,
      is_opt_in: order.accepts_marketing,
      // The store says nothing of a newsletter.
      is_newsletter_subscribed: false,
      lang: LANG,
      is_active: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      id_data_source: dataSource,
    });
    const addresses = shopimind.addresses.filter((item) => item['customer_id'] === customer['customer_id']);
    expect(addresses.map(addressContent).sort(byText('last_name', 'address_line_1', 'city'))).toEqual(
      storeAddressesOf(String(email)).sort(byText('last_name', 'address_line_1', 'city')),
    );
    expect(addresses.every((item) => item['id_data_source'] === dataSource)).toBe(true);
  }

  const ordersById = new Map(shopimind.orders.map((item) => [item['order_id'], item]));
  expect([...ordersById.keys()].sort()).toEqual(CUSTOMER_ORDERS.map((order) => order.id).sort());
  const skuByProductId = new Map(STORE_PRODUCTS.map((product) => [product.id, product.sku]));
  const statusNames = new Map(shopimind.orderStatuses.map((item) => [item['status_id'], item['name']]));
  for (const order of CUSTOMER_ORDERS) {
    const item = ordersById.get(order.id) as SandboxItem;
    const customer = customersByEmail.get(order.customer_email) as SandboxItem;
    expect(item).toEqual({
      order_id: order.id,
      lang: LANG,
      reference: order.order_number,
      status_id: expect.any(String),
      address_invoice_id: expect.any(String),
      address_delivery_id: expect.any(String),
      customer: {
        customer_id: customer['customer_id'],
        email: order.customer_email,
        created_at: order.created_at,
      },
      products: expect.any(Array),
      cart_id: order.id,
      cart_updated_at: order.created_at,
      amount: order.total,
      amount_without_tax: expect.closeTo(order.total - order.tax, 6),
      shipping_costs: order.shipping,
      // total = subtotal + tax + shipping: the total without tax, less the goods' subtotal.
      shipping_costs_without_tax: expect.closeTo(order.total - order.tax - order.subtotal, 2),
      currency: order.currency,
      // A sale happened once the store processes the order.
      is_confirmed: order.status === 'processing' || order.status === 'completed',
      created_at: order.created_at,
      updated_at: order.created_at,
      id_data_source: dataSource,
    });
    expect(statusNames.get(item['status_id'])).toBe(order.status);

    // ShopiMind's lines need a product: the store's lines without one (gift wrapping) are left out.
    const lines = order.items.filter((line) => line.product_id !== undefined);
    // The goods cost `subtotal` before tax: each line (gift wrapping included) its share of it.
    const goodsPaid = order.items.reduce((sum, line) => sum + line.price * line.quantity, 0);
    expect(item['products']).toEqual(
      lines.map((line) => ({
        product_id:
          productIdsBySku.get(String(skuByProductId.get(String(line.product_id)))) ?? expect.any(Number),
        price: line.price,
        price_without_tax: expect.closeTo((line.price * order.subtotal) / goodsPaid, 2),
        quantity: line.quantity,
      })),
    );

    const customerAddresses = shopimind.addresses.filter(
      (address) => address['customer_id'] === customer['customer_id'],
    );
    const addressNumbered = (id: unknown) =>
      customerAddresses.find((address) => String(address['address_id']) === id);
    expect(addressContent(addressNumbered(item['address_invoice_id']))).toEqual(
      shopimindAddress(order.billing_address),
    );
    expect(addressContent(addressNumbered(item['address_delivery_id']))).toEqual(
      shopimindAddress(order.shipping_address),
    );
  }
}

/** ShopiMind's number of each product it holds, by SKU. */
function productIdsOf(shopimind: Held): Map<string, unknown> {
  return new Map(shopimind.products.map((item) => [String(item['reference']), item['product_id']]));
}

interface DeadLetter {
  entity: string;
  storeId: string;
  reasons: string[];
}

interface PushStatus {
  accepted: number;
  rejected: number;
  pending: number;
  leftOut: number;
}

describe('Catalogue fidelity: ShopiMind holds exactly what the store says (production mode)', () => {
  let world: OutsideWorld;
  let services: ServiceProcess[] = [];
  let gatewayUrl: string;

  beforeAll(async () => {
    world = await startOutsideWorld(PRODUCT_COUNT, {
      orderCount: ORDER_COUNT,
      guestOrderEvery: GUEST_ORDER_EVERY,
    });
    const env = {
      ...serviceEnv(world),
      DATABASE_URL: testDatabaseUrl(),
      NATS_URL: testNatsUrl(),
      ADMIN_TOKEN,
    };
    services = await Promise.all([
      startServiceProcess('gateway', env),
      startServiceProcess('sync', env),
      startServiceProcess('push', env),
    ]);
    gatewayUrl = services[0].url;
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await world?.close();
  });

  const withLogs = (run: () => Promise<void>) => withServiceLogs(() => services, run);

  async function admin<T>(path: string): Promise<T> {
    const response = await fetch(`${gatewayUrl}/admin/${path}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  async function connectionIdOf(installationId: string): Promise<string> {
    const installations =
      await admin<Array<{ installationId: string; connection: { id: string } | null }>>(
        'installations?limit=200',
      );
    const connection = installations.find((item) => item.installationId === installationId)?.connection;
    expect(connection?.id).toEqual(expect.any(String));
    return String(connection?.id);
  }

  async function expectGuestOrdersDeadLettered(connectionId: string): Promise<void> {
    const deadLetters = await admin<DeadLetter[]>(
      `dead-letters?connectionId=${connectionId}&entity=orders&limit=1000`,
    );
    expect(
      deadLetters
        .map(({ entity, storeId, reasons }) => ({ entity, storeId, reasons }))
        .sort((a, b) => a.storeId.localeCompare(b.storeId)),
    ).toEqual(
      GUEST_ORDERS.map((order) => ({
        entity: 'orders',
        storeId: order.id,
        reasons: ['missing_customer_email'],
      })).sort((a, b) => a.storeId.localeCompare(b.storeId)),
    );
  }

  /** The connection's push report: every store record accounted for, the guest orders as rejected. */
  async function expectPushSummary(connectionId: string, pushed: readonly DemoProduct[]): Promise<void> {
    const summary = await admin<{ products: PushStatus; orders: PushStatus }>(
      `connections/${connectionId}/push-summary`,
    );
    expect(summary).toEqual({
      connectionId,
      products: { accepted: pushed.length, rejected: 0, pending: 0, leftOut: PRODUCT_COUNT - pushed.length },
      orders: { accepted: CUSTOMER_ORDERS.length, rejected: GUEST_ORDERS.length, pending: 0, leftOut: 0 },
    });
  }

  it('samples every case the issue names: variations, several images, sale prices, guest orders, gifts', () => {
    const varied = (products: readonly DemoProduct[]) => products.filter((product) => product.attributes);
    expect(varied(KEPT_PRODUCTS).length).toBeGreaterThan(1);
    expect(varied(EXCLUDED_PRODUCTS).length).toBeGreaterThan(0);
    expect(KEPT_PRODUCTS.filter((product) => product.images.length > 1).length).toBeGreaterThan(1);
    expect(KEPT_PRODUCTS.filter((product) => product.sale_price !== undefined).length).toBeGreaterThan(1);
    expect(KEPT_PRODUCTS.filter((product) => product.sale_price === undefined).length).toBeGreaterThan(1);
    expect(KEPT_PRODUCTS.filter((product) => product.stock_status !== 'in_stock').length).toBeGreaterThan(0);
    expect(GUEST_ORDERS.length).toBeGreaterThan(0);
    expect(
      CUSTOMER_ORDERS.filter((order) => order.items.some((line) => !line.product_id)).length,
    ).toBeGreaterThan(0);
    expect(
      CUSTOMER_ORDERS.filter((order) => order.shipping_address.street !== order.billing_address.street)
        .length,
    ).toBeGreaterThan(0);
    expect(
      CUSTOMER_ORDERS.filter((order) =>
        order.items.some((line) => EXCLUDED_PRODUCTS.some((product) => product.id === line.product_id)),
      ).length,
    ).toBeGreaterThan(0);
  });

  it('holds what the store says, field by field: first without the excluded category, then with it once put back', async () => {
    await withLogs(async () => {
      const installationId = await installAndActivate(world, gatewayUrl, {
        excluded_categories: [EXCLUDED_CATEGORY],
      });
      await expectEventually(
        () => expect(heldCounts(held(world, installationId))).toEqual(expectedCounts(KEPT_PRODUCTS)),
        EVENTUALLY,
      );
      await expectEventually(() => {
        const shopimind = held(world, installationId);
        expectProductsAsInStore(shopimind, KEPT_PRODUCTS);
        expectOrdersAsInStore(shopimind, productIdsOf(shopimind));
      }, SETTLED);

      // Guest orders: ShopiMind requires an email, so they are dead letters saying why, and counted.
      const connectionId = await connectionIdOf(installationId);
      await expectEventually(() => expectGuestOrdersDeadLettered(connectionId), SETTLED);
      await expectEventually(() => expectPushSummary(connectionId, KEPT_PRODUCTS), SETTLED);

      expect(
        await world.sandbox.lifecycle.configUpdated(gatewayUrl, installationId, {
          secret: world.webhookSecret,
          configs: storeConfigs(world, { excluded_categories: [] }),
        }),
      ).toEqual({ status: 200, body: { success: true } });

      await expectEventually(
        () => expect(heldCounts(held(world, installationId))).toEqual(expectedCounts(STORE_PRODUCTS)),
        EVENTUALLY,
      );
      await expectEventually(() => {
        const shopimind = held(world, installationId);
        expectProductsAsInStore(shopimind, STORE_PRODUCTS);
        // Every line now names a product ShopiMind holds: the very one the store's line sold.
        const productIds = productIdsOf(shopimind);
        expect(productIds.size).toBe(PRODUCT_COUNT);
        expectOrdersAsInStore(shopimind, productIds);
      }, SETTLED);
      await expectEventually(() => expectPushSummary(connectionId, STORE_PRODUCTS), SETTLED);
    });
  });
});
