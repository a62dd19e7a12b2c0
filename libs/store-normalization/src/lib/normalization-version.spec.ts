import { createHash } from 'node:crypto';
import { NORMALIZATION_VERSION } from './normalization-version';
import { toNormalizedOrder } from './order.mapper';
import { toNormalizedProduct } from './product.mapper';

/** Messy store records touching most rules: aliases, mappings, prices, stock, lists, URLs, dates, skips. */
const SAMPLE_PRODUCTS: unknown[] = [
  {
    id: 1,
    name: 'Linen shirt',
    price: 39.9,
    permalink: 'https://shop.example/p/linen',
    images: ['https://cdn.example/1.jpg'],
  },
  {
    product_id: 'sku-2',
    title: ' Scarf ',
    selling_price: '$1,299.50',
    original_price: '1 499,00 €',
    availability: 'InStock',
  },
  {
    sku: 'sku-3',
    product_name: 'Mug',
    current_price: 'USD 12',
    stock: '0',
    category: 'Kitchen, Gifts',
    handle: 'mug',
  },
  {
    id: 'p4',
    name: 'Lamp',
    price: 'call us',
    product_categories: [{ name: 'Home' }],
    labels: 'new,eco',
    created_at: 1_704_067_200,
  },
  {
    id: 'p5',
    name: 'Chair',
    pricing: { amount: '89.00' },
    photos: [{ src: 'https://cdn.example/5.jpg' }],
    updated_at: '2024-01-02T03:04:05+02:00',
  },
  {
    id: 'p6',
    name: 'Desk',
    stock_status: 'backorder',
    stock_quantity: 3,
    url: '/products/desk',
    tags: ['office'],
  },
  {
    id: 'p7',
    name: 'Tee',
    selling_price: 'USD 25.00',
    list_price: '20.00',
    currency_code: 'usd',
    variations: [
      { id: 'v1', sku: 'TEE-S', price: 25, stock: 2, image: 'https://cdn.example/7-s.jpg' },
      { id: 'v2', sku: 'TEE-M', stock_status: 'out_of_stock' },
      { color: 'Black' },
    ],
  },
  { name: 'No id' },
  { id: 'p8' },
  'not a record',
];

const SAMPLE_ORDERS: unknown[] = [
  {
    order_id: 1001,
    order_status: 'Processing',
    total_amount: '$1,299.50',
    currency_code: 'eur',
    billing_email: 'Ada@Example.com',
    customer: 'Ada Lovelace',
    line_items: [{ product_id: 7, name: 'Shirt', quantity: '2', price: '19.90' }],
    order_date: 1_704_067_200_000,
  },
  { id: 'o2', status: 'completed', total: 10, email: 'bob@example.com', items: [], created_at: '2024-03-01' },
  { id: 'o3', state: 'refunded', grand_total: 'n/a', shipping_address: { city: 'Paris', zip: 75001 } },
  {
    id: 'o4',
    total: 120,
    subtotal: 95,
    shipping: 5,
    customer_phone: '+33 1 23',
    accepts_marketing: 'yes',
    billing_address: { first_name: 'Grace', last_name: 'Hopper', address_1: '1 Navy Way', phone: '+1 555' },
    items: [{ name: 'Gift wrapping', price: 5 }],
  },
  { number: 'no id' },
];

function normalizedSamples(): unknown {
  const mappings = { price: 'pricing.amount' };
  return {
    products: SAMPLE_PRODUCTS.map((raw) =>
      toNormalizedProduct(raw, { baseUrl: 'https://shop.example', mappings }),
    ),
    orders: SAMPLE_ORDERS.map((raw) => toNormalizedOrder(raw, { mappings: {} })),
  };
}

/** The digest of `normalizedSamples()` under each version: a new version pins its own. */
const DIGESTS: Readonly<Record<number, string>> = {
  1: '433fca6a1ca842736cb826eee239c64eea967f83fedcfde53496a20de5459aa5',
  2: 'b3d97f0da4b8309b2147ac8bbcd61e42e43daeb78d54f6a658c6e7f5036576df',
};

describe('NORMALIZATION_VERSION', () => {
  it('is bumped (and the new digest pinned here) whenever normalization makes something else of a record', () => {
    const digest = createHash('sha256').update(JSON.stringify(normalizedSamples())).digest('hex');
    expect({ version: NORMALIZATION_VERSION, digest }).toEqual({
      version: NORMALIZATION_VERSION,
      digest: DIGESTS[NORMALIZATION_VERSION],
    });
  });
});
