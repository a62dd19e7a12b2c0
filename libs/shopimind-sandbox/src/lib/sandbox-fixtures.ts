import { SandboxItem } from './sandbox-entities';

/** Valid entity payloads (every required field of the SDK types), for tests to override. */

export function sandboxProductFixture(overrides: SandboxItem = {}): SandboxItem {
  return {
    product_id: 1,
    lang: 'en',
    name: 'Sandbox product',
    description: '<p>A product.</p>',
    link: 'https://shop.example.com/product/sandbox-product',
    currency: 'EUR',
    price: 19.9,
    quantity_remaining: 5,
    is_active: true,
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-02T00:00:00.000Z',
    ...overrides,
  };
}

export function sandboxOrderFixture(overrides: SandboxItem = {}): SandboxItem {
  return {
    order_id: 'ord_1',
    lang: 'en',
    status_id: 'completed',
    customer: { customer_id: 'cust_1', email: 'alice@example.com', created_at: '2024-01-01T00:00:00.000Z' },
    products: [{ product_id: 1, price: 19.9, price_without_tax: 16.58, quantity: 2 }],
    cart_id: 'cart_1',
    cart_updated_at: '2024-01-01T00:00:00.000Z',
    amount: 39.8,
    amount_without_tax: 33.17,
    shipping_costs: 0,
    shipping_costs_without_tax: 0,
    currency: 'EUR',
    is_confirmed: true,
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function sandboxCustomerFixture(overrides: SandboxItem = {}): SandboxItem {
  return {
    customer_id: 'cust_1',
    email: 'alice@example.com',
    first_name: 'Alice',
    last_name: 'Martin',
    is_opt_in: false,
    is_newsletter_subscribed: false,
    lang: 'en',
    is_active: true,
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function sandboxOrderStatusFixture(overrides: SandboxItem = {}): SandboxItem {
  return {
    status_id: 'completed',
    lang: 'en',
    name: 'Completed',
    is_deleted: false,
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Every required field of SpmProductCategoryData. */
export function sandboxProductCategoryFixture(overrides: SandboxItem = {}): SandboxItem {
  return {
    category_id: 1,
    lang: 'en',
    name: 'Clothing',
    description: '',
    parent_category_id: null,
    link: 'https://shop.example.com',
    is_active: true,
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}
