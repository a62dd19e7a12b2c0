/**
 * Deterministic demo catalogue: every record is a pure function of its 1-based index,
 * so a store of 100,000 products needs no storage and tests can compute expected values.
 */

export const DEMO_STORE_ORIGIN = 'https://demo-store.example';
export const DEFAULT_PRODUCT_COUNT = 250;

export type DemoStockStatus = 'in_stock' | 'out_of_stock';

export interface DemoProduct {
  id: string;
  name: string;
  price: number;
  regular_price: number;
  /** Present only for products on sale; `price` then equals it. */
  sale_price?: number;
  /** One currency for the whole store, its orders included: a store mixing currencies is no sane demo. */
  currency: 'EUR';
  sku: string;
  description: string;
  short_description: string;
  stock_status: DemoStockStatus;
  stock_quantity: number;
  categories: string[];
  tags: string[];
  images: string[];
  /**
   * The sizes a garment is sold in, array style (spec §4 `attributes`): each with its own id, SKU, prices, stock and
   * image. The first is the product's own price; the product's stock is theirs added up.
   */
  attributes?: DemoVariation[];
  permalink: string;
  slug: string;
  created_at: string;
  updated_at: string;
}

export interface DemoOrderItem {
  /** Absent on a line that sells no product (gift wrapping). */
  product_id?: string;
  name: string;
  quantity: number;
  price: number;
}

export interface DemoAddress {
  first_name: string;
  last_name: string;
  phone: string;
  street: string;
  city: string;
  zip: string;
  country: 'FR';
}

export interface DemoOrder {
  id: string;
  order_number: string;
  status: string;
  /** What the goods cost before tax: total = subtotal + tax + shipping, as in the generic API's example. */
  subtotal: number;
  /** The VAT included in the prices paid for the goods. */
  tax: number;
  shipping: number;
  total: number;
  currency: 'EUR';
  /** Absent on a guest order (see `DemoOrderOptions.guestOrderEvery`). */
  customer_email?: string;
  customer_name: string;
  customer_phone: string;
  accepts_marketing: boolean;
  items: DemoOrderItem[];
  billing_address: DemoAddress;
  shipping_address: DemoAddress;
  created_at: string;
}

export interface DemoOrderOptions {
  /** Every n-th order is a guest order, without an email (0, the default: none). */
  guestOrderEvery?: number;
}

const ADJECTIVES = [
  'Classic',
  'Modern',
  'Vintage',
  'Essential',
  'Premium',
  'Urban',
  'Coastal',
  'Alpine',
  'Nordic',
  'Studio',
];
const MATERIALS = ['Linen', 'Cotton', 'Wool', 'Leather', 'Canvas', 'Bamboo', 'Ceramic', 'Oak'];
const NOUNS = [
  'Shirt',
  'Jacket',
  'Backpack',
  'Mug',
  'Lamp',
  'Scarf',
  'Sneakers',
  'Wallet',
  'Blanket',
  'Bowl',
  'Cap',
  'Tote',
];
const CATEGORIES = ['Clothing', 'Accessories', 'Home', 'Kitchen', 'Outdoor', 'Gifts', 'Sale'];
/** Products sold in sizes: about a third of the catalogue. */
const SIZED_NOUNS: ReadonlySet<string> = new Set(['Shirt', 'Jacket', 'Sneakers', 'Cap']);
const SIZES = ['S', 'M', 'L', 'XL'];
const TAGS = ['new', 'bestseller', 'eco', 'limited', 'handmade', 'gift-idea'];
const ORDER_STATUSES = [
  'pending',
  'processing',
  'completed',
  'completed',
  'completed',
  'cancelled',
  'refunded',
];
const FIRST_NAMES = ['Alice', 'Bruno', 'Chloé', 'David', 'Emma', 'Farid', 'Giulia', 'Hugo', 'Inès', 'Jonas'];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Moreau',
  'Laurent',
  'Garcia',
  'Rossi',
  'Nguyen',
  'Müller',
  'Silva',
];

const CATALOG_EPOCH_MS = Date.UTC(2024, 0, 1);
const ORDERS_EPOCH_MS = Date.UTC(2024, 6, 1);
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const FREE_SHIPPING_FROM = 50;
const SHIPPING_COST = 4.9;
/** French VAT, included in the prices paid. */
const VAT_RATE = 0.2;
const STREETS = [
  'rue de la Paix',
  'avenue Victor Hugo',
  'boulevard Voltaire',
  'rue Lepic',
  'quai de la Tournelle',
];
const CITIES: ReadonlyArray<[city: string, zip: string]> = [
  ['Paris', '75011'],
  ['Lyon', '69002'],
  ['Marseille', '13001'],
  ['Toulouse', '31000'],
  ['Nantes', '44000'],
  ['Lille', '59000'],
];
/** A line selling no product, which ShopiMind's order lines cannot hold. */
const GIFT_WRAPPING = { name: 'Gift wrapping', quantity: 1, price: 3.5 } as const;

/** Stable pseudo-random uint32 for (index, salt): murmur3's finalizer, no state. */
function draw(index: number, salt: number): number {
  let h = Math.imul(index, 0x9e3779b1) ^ Math.imul(salt + 1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function pick<T>(list: readonly T[], index: number, salt: number): T {
  return list[draw(index, salt) % list.length];
}

/** Distinct elements of `list`, how many and which ones decided by (index, salt). */
function pickSome<T>(list: readonly T[], index: number, salt: number, min: number, max: number): T[] {
  const count = min + (draw(index, salt) % (max - min + 1));
  const start = draw(index, salt + 1) % list.length;
  return Array.from({ length: count }, (_, k) => list[(start + k) % list.length]);
}

function money(value: number): number {
  return Math.round(value * 100) / 100;
}

// Product names are drawn from a few hundred combinations: each is slugified once.
const slugs = new Map<string, string>();

function slugify(text: string): string {
  let slug = slugs.get(text);
  if (slug === undefined) {
    slug = slugifyOnce(text);
    slugs.set(text, slug);
  }
  return slug;
}

function slugifyOnce(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function assertIndex(index: number, kind: string): void {
  if (!Number.isInteger(index) || index < 1) {
    throw new RangeError(`${kind} index must be an integer >= 1, got ${index}`);
  }
}

/** What an order line shows of a product, without building the whole product (orders hold one to three). */
function productBasics(index: number) {
  const material = pick(MATERIALS, index, 1);
  const noun = pick(NOUNS, index, 2);
  const name = `${pick(ADJECTIVES, index, 0)} ${material} ${noun}`;
  const regularPrice = money(5 + (draw(index, 3) % 20_000) / 100);
  const onSale = draw(index, 4) % 4 === 0;
  const salePrice = onSale ? money(regularPrice * 0.8) : undefined;
  return {
    id: `prod_${index}`,
    material,
    noun,
    name,
    regularPrice,
    salePrice,
    price: salePrice ?? regularPrice,
  };
}

export interface DemoVariation {
  id: string;
  sku: string;
  price: number;
  regular_price: number;
  sale_price?: number;
  stock_quantity: number;
  image: string;
  attributes: { size: string };
}

interface VariedProduct {
  id: string;
  slug: string;
  regularPrice: number;
  salePrice: number | undefined;
  stock: number;
}

/** Two to four sizes, each 2.00 dearer than the one before, sharing the product's stock between them. */
function demoVariations(index: number, product: VariedProduct): DemoVariation[] {
  const count = 2 + (draw(index, 13) % 3);
  return SIZES.slice(0, count).map((size, k) => {
    const regularPrice = money(product.regularPrice + 2 * k);
    const salePrice = product.salePrice === undefined ? undefined : money(product.salePrice + 2 * k);
    return {
      id: `${product.id}-${size.toLowerCase()}`,
      sku: `DS-${String(index).padStart(6, '0')}-${size}`,
      price: salePrice ?? regularPrice,
      regular_price: regularPrice,
      ...(salePrice === undefined ? {} : { sale_price: salePrice }),
      stock_quantity: Math.floor(product.stock / count) + (k < product.stock % count ? 1 : 0),
      image: `${DEMO_STORE_ORIGIN}/images/${product.slug}-${size.toLowerCase()}.jpg`,
      attributes: { size },
    };
  });
}

/** The product at 1-based position `index` of the demo catalogue; its id is `prod_<index>`. */
export function demoProduct(index: number): DemoProduct {
  assertIndex(index, 'product');
  const { id, material, noun, name, regularPrice, salePrice, price } = productBasics(index);
  const slug = `${slugify(name)}-${index}`;
  const outOfStock = draw(index, 5) % 10 === 0;
  const imageCount = 1 + (draw(index, 6) % 3);
  const stockQuantity = outOfStock ? 0 : 1 + (draw(index, 7) % 200);
  const createdMs = CATALOG_EPOCH_MS + index * MINUTE_MS;

  return {
    id,
    name,
    price,
    regular_price: regularPrice,
    ...(salePrice === undefined ? {} : { sale_price: salePrice }),
    currency: 'EUR',
    sku: `DS-${String(index).padStart(6, '0')}`,
    description: `<p>The ${name.toLowerCase()} is made of ${material.toLowerCase()}.</p><p>Demo product number ${index}.</p>`,
    short_description: `${material} ${noun.toLowerCase()} from the demo store.`,
    stock_status: outOfStock ? 'out_of_stock' : 'in_stock',
    stock_quantity: stockQuantity,
    categories: pickSome(CATEGORIES, index, 8, 1, 2),
    tags: pickSome(TAGS, index, 10, 0, 3),
    images: Array.from({ length: imageCount }, (_, k) => `${DEMO_STORE_ORIGIN}/images/${slug}-${k + 1}.jpg`),
    ...(SIZED_NOUNS.has(noun)
      ? { attributes: demoVariations(index, { id, slug, regularPrice, salePrice, stock: stockQuantity }) }
      : {}),
    permalink: `${DEMO_STORE_ORIGIN}/product/${slug}`,
    slug,
    created_at: new Date(createdMs).toISOString(),
    updated_at: new Date(createdMs + (draw(index, 12) % 30) * DAY_MS).toISOString(),
  };
}

/**
 * The order at 1-based position `index`; its id is `ord_<index>`. Items reference products
 * `prod_1..prod_<productCount>` so they resolve in a store of that size (none when it is 0).
 * Customers repeat across orders, as the push side derives customers from orders.
 */
export function demoOrder(
  index: number,
  productCount: number = DEFAULT_PRODUCT_COUNT,
  options: DemoOrderOptions = {},
): DemoOrder {
  assertIndex(index, 'order');
  const itemCount = productCount > 0 ? 1 + (draw(index, 20) % 3) : 0;
  const items = Array.from({ length: itemCount }, (_, k): DemoOrderItem => {
    const product = productBasics(1 + (draw(index, 21 + k) % productCount));
    return {
      product_id: product.id,
      name: product.name,
      quantity: 1 + (draw(index, 25 + k) % 3),
      price: product.price,
    };
  });
  if (itemCount > 0 && draw(index, 26) % 6 === 0) {
    items.push({ ...GIFT_WRAPPING });
  }
  const paid = money(items.reduce((sum, item) => sum + item.price * item.quantity, 0));
  const tax = money(paid - paid / (1 + VAT_RATE));
  const shipping = paid >= FREE_SHIPPING_FROM || paid === 0 ? 0 : SHIPPING_COST;
  const customer = 1 + (draw(index, 30) % (Math.floor(index / 2) + 1));
  const home = demoAddress(customer, customer);
  const guestEvery = options.guestOrderEvery ?? 0;
  const guest = guestEvery > 0 && index % guestEvery === 0;

  return {
    id: `ord_${index}`,
    order_number: String(100_000 + index),
    status: pick(ORDER_STATUSES, index, 31),
    subtotal: money(paid - tax),
    tax,
    shipping,
    total: money(paid + shipping),
    currency: 'EUR',
    ...(guest ? {} : { customer_email: `customer${customer}@example.com` }),
    customer_name: `${home.first_name} ${home.last_name}`,
    customer_phone: home.phone,
    accepts_marketing: draw(customer, 36) % 3 === 0,
    items,
    billing_address: home,
    // Now and then a gift, shipped to someone else.
    shipping_address: draw(index, 37) % 5 === 0 ? demoAddress(customer + 1, 1_000_000 + index) : home,
    created_at: new Date(ORDERS_EPOCH_MS + index * 37 * MINUTE_MS).toISOString(),
  };
}

/** The address of `person` (their name and phone) at `place`; the same inputs give the same address. */
function demoAddress(person: number, place: number): DemoAddress {
  const [city, zip] = pick(CITIES, place, 34);
  const digits = String(draw(person, 35) % 100_000_000).padStart(8, '0');
  return {
    first_name: pick(FIRST_NAMES, person, 32),
    last_name: pick(LAST_NAMES, person, 33),
    phone: `+33 6 ${digits.replace(/(\d{2})(?=\d)/g, '$1 ')}`,
    street: `${1 + (draw(place, 38) % 120)} ${pick(STREETS, place, 39)}`,
    city,
    zip,
    country: 'FR',
  };
}
