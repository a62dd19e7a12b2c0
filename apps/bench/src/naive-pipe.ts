// First, as this file is also the child process's entry: the normalizers load the contract classes, whose
// decorators need the metadata polyfill.
import 'reflect-metadata';
import { fork } from 'node:child_process';
import {
  SpmClient,
  SpmCustomers,
  SpmCustomersAddresses,
  SpmDataSources,
  SpmOrders,
  SpmOrdersStatuses,
  SpmProducts,
  SpmProductsCategories,
  SpmProductsImages,
  SpmProductsVariations,
  type SpmEnvelope,
  type SpmHttpClient,
} from '@shopimind/sdk-shopimind';
import type { NormalizedOrder, NormalizedProduct } from '@storebridge/contracts';
import { loggableErrorText } from '@storebridge/security';
import {
  toCustomerAddressDrafts,
  toShopimindCategoryKey,
  toShopimindCustomer,
  toShopimindCustomerAddress,
  toShopimindImages,
  toShopimindOrder,
  toShopimindOrderStatus,
  toShopimindProduct,
  toShopimindProductCategory,
  toShopimindVariations,
  toVariationMappingKey,
  type ShopimindCustomer,
  type ShopimindCustomerAddress,
  type ShopimindOrder,
  type ShopimindOrderStatus,
  type ShopimindProduct,
  type ShopimindProductCategory,
  type ShopimindProductImage,
  type ShopimindProductVariation,
} from '@storebridge/shopimind-mapping';
import {
  crawlPages,
  resolveStoreSettings,
  StoreClient,
  type StoreConnectionSettings,
  type StoreEntity,
} from '@storebridge/store-client';
import { toNormalizedOrder, toNormalizedProduct } from '@storebridge/store-normalization';
import { isRecord } from '@storebridge/untrusted-input';

/*
 * The full sync's yardstick (issue #17): what a script gets from the same store into ShopiMind with nothing but
 * the work itself. Store pages 2 in flight through the store client sync uses, the same normalizers and mappers,
 * the same ShopiMind resources written with the SDK, ids handed out in memory. No database, no bus, no retry
 * policy, no ledger: nothing survives a crash, which is what storebridge's durability costs are measured against.
 */

/** Store pages asked for at once, as sync's crawl does. */
export const NAIVE_PIPE_PAGES_IN_FLIGHT = 2;
/** Pages whose writes run at once while the crawl reads on. */
const PAGES_SAVED_AT_ONCE = 2;
/** Labels the pipe's data source in ShopiMind. */
const DATA_SOURCE_LABEL = 'storebridge naive pipe';

/** Where the naive pipe reads and writes; the access token is the sandbox installation's own. */
export interface NaivePipeTarget {
  storeUrl: string;
  storeApiKey: string;
  pageSize: number;
  shopimindUrl: string;
  accessToken: string;
  lang: string;
  currency: string;
}

export interface NaivePipeRun {
  /** From the first store page asked for until the last write answered. */
  elapsedMs: number;
  /** Items of every write, every resource (categories, variations, customers... included). */
  itemsWritten: number;
  /** Items ShopiMind answered as rejected. */
  itemsRejected: number;
}

/** The run and what ShopiMind held after it: the records the full sync's rate counts too. */
export interface NaivePipeFigures extends NaivePipeRun {
  inSandbox: { products: number; orders: number };
}

/** Numeric ids ShopiMind knows records by, handed out in memory where storebridge keeps its id mappings. */
export class NumericIds {
  private readonly ids = new Map<string, number>();

  /** Every key given an id so far. */
  get known(): ReadonlyMap<string, number> {
    return this.ids;
  }

  idOf(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(key, id);
    }
    return id;
  }
}

/** What the pipe remembers across pages: the ids it handed out and the reference rows it sent. */
export class NaivePipeIds {
  readonly products = new NumericIds();
  readonly variations = new NumericIds();
  readonly categories = new NumericIds();
  readonly addresses = new NumericIds();
  readonly statusesSent = new Set<string>();
}

/** What every mapped record of a run shares. */
export interface NaiveWriteContext {
  lang: string;
  currency: string;
  /** Categories link to the store's home page, as push does. */
  storeUrl: string;
  dataSourceId: number;
  now: string;
}

export interface ProductPageWrites {
  /** Categories no earlier page named. */
  categories: ShopimindProductCategory[];
  products: ShopimindProduct[];
  variations: ShopimindProductVariation[];
  images: ShopimindProductImage[];
}

export interface OrderPageWrites {
  /** Statuses no earlier page sent. */
  statuses: ShopimindOrderStatus[];
  customers: ShopimindCustomer[];
  addresses: ShopimindCustomerAddress[];
  orders: ShopimindOrder[];
}

export function productPageWrites(
  products: readonly NormalizedProduct[],
  ids: NaivePipeIds,
  context: NaiveWriteContext,
): ProductPageWrites {
  const common = { lang: context.lang, dataSourceId: context.dataSourceId };
  const categories: ShopimindProductCategory[] = [];
  for (const name of products.flatMap((product) => product.categories)) {
    const key = toShopimindCategoryKey(name);
    if (key !== '' && !ids.categories.known.has(key)) {
      const categoryId = ids.categories.idOf(key);
      categories.push(
        toShopimindProductCategory(name, { ...common, categoryId, link: context.storeUrl, now: context.now }),
      );
    }
  }
  const written: ProductPageWrites = { categories, products: [], variations: [], images: [] };
  for (const product of products) {
    const productId = ids.products.idOf(product.id);
    written.products.push(
      toShopimindProduct(product, {
        ...common,
        numericId: productId,
        currency: context.currency,
        categoryIds: ids.categories.known,
        now: context.now,
      }),
    );
    const variationIds = new Map(
      (product.variations ?? []).map((variation) => [
        variation.id,
        ids.variations.idOf(toVariationMappingKey(product.id, variation.id)),
      ]),
    );
    written.variations.push(...toShopimindVariations(product, { ...common, productId, variationIds }));
    written.images.push(...toShopimindImages(product, { ...common, productId }));
  }
  return written;
}

/** Orders without a customer email are left out, as push leaves them out. */
export function orderPageWrites(
  orders: readonly NormalizedOrder[],
  ids: NaivePipeIds,
  context: NaiveWriteContext,
): OrderPageWrites {
  const customers = new Map<string, ShopimindCustomer>();
  const addresses = new Map<string, ShopimindCustomerAddress>();
  for (const order of orders) {
    const customer = toShopimindCustomer(order, context);
    if (customer.kind === 'skipped') {
      continue;
    }
    customers.set(customer.customer.customer_id, customer.customer);
    const { billing, shipping } = toCustomerAddressDrafts(order, context);
    for (const draft of [billing, shipping]) {
      if (draft !== undefined) {
        addresses.set(draft.key, toShopimindCustomerAddress(draft, ids.addresses.idOf(draft.key)));
      }
    }
  }
  const orderContext = {
    ...context,
    productIds: ids.products.known,
    addressIds: ids.addresses.known,
  };
  const mapped = orders.flatMap((order) => {
    const mapping = toShopimindOrder(order, orderContext);
    return mapping.kind === 'order' ? [mapping.order] : [];
  });
  const statuses: ShopimindOrderStatus[] = [];
  for (const order of orders) {
    const status = toShopimindOrderStatus(order.status, context);
    if (!ids.statusesSent.has(status.status_id)) {
      ids.statusesSent.add(status.status_id);
      statuses.push(status);
    }
  }
  return { statuses, customers: [...customers.values()], addresses: [...addresses.values()], orders: mapped };
}

export class NaivePipeError extends Error {}

/**
 * Sends SDK bulk saves and counts their items; a call that fails fails the pipe. Items go in calls of at most the
 * resource's CHUNK_SIZE, side by side, as push's writer sends them.
 */
class CountingWriter {
  itemsWritten = 0;
  itemsRejected = 0;

  constructor(readonly client: SpmHttpClient) {}

  async save<T>(
    what: string,
    items: readonly T[],
    chunkSize: number,
    call: (client: SpmHttpClient, chunk: T[]) => Promise<SpmEnvelope>,
  ): Promise<void> {
    const calls: Array<Promise<void>> = [];
    for (let start = 0; start < items.length; start += chunkSize) {
      calls.push(this.send(what, items.slice(start, start + chunkSize), call));
    }
    await Promise.all(calls);
  }

  private async send<T>(
    what: string,
    chunk: T[],
    call: (client: SpmHttpClient, chunk: T[]) => Promise<SpmEnvelope>,
  ): Promise<void> {
    const envelope = await call(this.client, chunk);
    if (!envelope.ok) {
      throw new NaivePipeError(
        `${what}: HTTP ${envelope.statusCode} ${envelope.error?.message ?? ''}`.trimEnd(),
      );
    }
    const body = isRecord(envelope.data) ? envelope.data : {};
    const rejected = body['rejected_items'];
    this.itemsWritten += chunk.length;
    this.itemsRejected += Array.isArray(rejected) ? rejected.length : 0;
  }
}

/**
 * The HTTP client push's writer builds on (ShopimindWriter): SDK retries off, no redirects followed, items naming
 * their data source. The same client settings, so the two differ by what storebridge adds around the calls only.
 */
function shopimindClient(target: NaivePipeTarget): SpmHttpClient {
  const client = SpmClient.getClient('v1', target.accessToken, {
    baseUrl: target.shopimindUrl,
    labelSource: null,
    retry: false,
  });
  client.defaults.maxRedirects = 0;
  return client;
}

async function createDataSource(client: SpmHttpClient): Promise<number> {
  const envelope = await SpmDataSources.create(client, { label: DATA_SOURCE_LABEL, type: 'api' });
  // Admin routes answer `{ statusCode, data }`: the row is one level down.
  const body = isRecord(envelope.data) && 'data' in envelope.data ? envelope.data['data'] : envelope.data;
  const id = isRecord(body) ? body['id_data_source'] : undefined;
  if (!envelope.ok || typeof id !== 'number') {
    throw new NaivePipeError(`creating the data source: HTTP ${envelope.statusCode}`);
  }
  return id;
}

/** Crawls `entity` and saves each page while the next ones are read, at most PAGES_SAVED_AT_ONCE at a time. */
async function crawlAndSave(
  store: StoreClient,
  entity: StoreEntity,
  savePage: (records: unknown[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const saving = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  try {
    for await (const page of crawlPages(store, entity, {
      pagesInFlight: NAIVE_PIPE_PAGES_IN_FLIGHT,
      signal,
    })) {
      if (failure !== undefined) {
        break;
      }
      const save = savePage(page.records).catch((error: unknown) => {
        failure ??= { error };
      });
      saving.add(save);
      void save.then(() => saving.delete(save));
      if (saving.size >= PAGES_SAVED_AT_ONCE) {
        await Promise.race(saving);
      }
    }
  } finally {
    // A failed crawl still waits for the writes it started, so none lands after the pipe returned.
    await Promise.all(saving);
  }
  if (failure !== undefined) {
    throw failure.error;
  }
}

/** Runs the naive pipe in this process: every product, then every order, of the store. */
export async function runNaivePipe(target: NaivePipeTarget, signal?: AbortSignal): Promise<NaivePipeRun> {
  const settings: StoreConnectionSettings = resolveStoreSettings({
    baseUrl: target.storeUrl,
    auth: { method: 'api_key', token: target.storeApiKey },
    perPage: target.pageSize,
  });
  // The demo store listens on loopback.
  const store = new StoreClient(settings, { allowPrivateAddresses: true });
  const writer = new CountingWriter(shopimindClient(target));
  const ids = new NaivePipeIds();
  const context: NaiveWriteContext = {
    lang: target.lang,
    currency: target.currency,
    storeUrl: settings.baseUrl,
    dataSourceId: await createDataSource(writer.client),
    now: new Date().toISOString(),
  };
  const productContext = { baseUrl: settings.baseUrl, mappings: settings.fieldMappings.products };
  const orderContext = { mappings: settings.fieldMappings.orders };

  const started = performance.now();
  await crawlAndSave(
    store,
    'products',
    async (records) => {
      const products = records.flatMap((raw) => toNormalizedProduct(raw, productContext).product ?? []);
      const writes = productPageWrites(products, ids, context);
      // Referenced rows first, as push writes them: categories, products, then their variations and images.
      await writer.save(
        'product categories',
        writes.categories,
        SpmProductsCategories.CHUNK_SIZE,
        (client, chunk) => SpmProductsCategories.bulkSave(client, chunk),
      );
      await writer.save('products', writes.products, SpmProducts.CHUNK_SIZE, (client, chunk) =>
        SpmProducts.bulkSave(client, chunk),
      );
      await Promise.all([
        writer.save(
          'product variations',
          writes.variations,
          SpmProductsVariations.CHUNK_SIZE,
          (client, chunk) => SpmProductsVariations.bulkSaveAll(client, chunk),
        ),
        writer.save('product images', writes.images, SpmProductsImages.CHUNK_SIZE, (client, chunk) =>
          SpmProductsImages.bulkSaveAll(client, chunk),
        ),
      ]);
    },
    signal,
  );
  // Orders after every product: their lines name products by the ids handed out above.
  await crawlAndSave(
    store,
    'orders',
    async (records) => {
      const orders = records.flatMap((raw) => toNormalizedOrder(raw, orderContext).order ?? []);
      const writes = orderPageWrites(orders, ids, context);
      await writer.save('order statuses', writes.statuses, SpmOrdersStatuses.CHUNK_SIZE, (client, chunk) =>
        SpmOrdersStatuses.bulkSave(client, chunk),
      );
      await writer.save('customers', writes.customers, SpmCustomers.CHUNK_SIZE, (client, chunk) =>
        SpmCustomers.bulkSave(client, chunk),
      );
      await writer.save(
        'customer addresses',
        writes.addresses,
        SpmCustomersAddresses.CHUNK_SIZE,
        (client, chunk) => SpmCustomersAddresses.bulkSaveAll(client, chunk),
      );
      await writer.save('orders', writes.orders, SpmOrders.CHUNK_SIZE, (client, chunk) =>
        SpmOrders.bulkSave(client, chunk),
      );
    },
    signal,
  );
  return {
    elapsedMs: performance.now() - started,
    itemsWritten: writer.itemsWritten,
    itemsRejected: writer.itemsRejected,
  };
}

type NaivePipeReply = { ok: true; run: NaivePipeRun } | { ok: false; error: string };

/**
 * Runs the naive pipe in a process of its own, as a script would run: the benchmark's process serves the demo
 * store and the sandbox, whose work must not share a thread with the pipe's. The target goes over the IPC
 * channel, keeping the access token out of the process list. `signal` kills the child.
 */
export function runNaivePipeInChildProcess(
  target: NaivePipeTarget,
  signal: AbortSignal,
): Promise<NaivePipeRun> {
  return new Promise((resolve, reject) => {
    // The child inherits this process's `-r ts-node/register …` flags and environment.
    const child = fork(__filename, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], signal });
    let reply: NaivePipeReply | undefined;
    child.once('message', (message) => {
      reply = message as NaivePipeReply;
    });
    child.once('error', reject);
    child.once('exit', (code, exitSignal) => {
      if (reply?.ok) {
        resolve(reply.run);
      } else {
        reject(
          new NaivePipeError(
            reply === undefined
              ? `the naive pipe exited (${exitSignal ?? code}) without an answer`
              : reply.error,
          ),
        );
      }
    });
    child.send(target);
  });
}

if (require.main === module && process.send !== undefined) {
  process.once('message', (target) => {
    const answer = (reply: NaivePipeReply) => process.send?.(reply, () => process.exit(0));
    runNaivePipe(target as NaivePipeTarget).then(
      (run) => answer({ ok: true, run }),
      (error: unknown) => answer({ ok: false, error: loggableErrorText(error) }),
    );
  });
}
