import { backoffDelayMs } from '@storebridge/retry';
import type {
  ShopimindCustomer,
  ShopimindCustomerAddress,
  ShopimindOrder,
  ShopimindOrderStatus,
  ShopimindProduct,
  ShopimindProductCategory,
  ShopimindProductImage,
  ShopimindProductVariation,
} from '@storebridge/shopimind-mapping';
import {
  createShopimindHttpClient,
  sdk,
  sdkChunkSizes,
  type ShopimindEnvelope,
  type ShopimindHttpClient,
  withRetryAfter,
} from './shopimind-sdk';
import { AdaptiveConcurrency, type ConcurrencyWindow } from './adaptive-concurrency';
import { classifyWrite, type DeleteChunkOutcome, type WriteOutcome } from './write-outcome';
import { retryWrite, writeRetryPolicy, type WriteRetryOptions, type WriteRetryPolicy } from './write-retry';

/** The most items one call of each resource carries (the SDK's CHUNK_SIZE): the writer's chunked calls split by it. */
export { sdkChunkSizes as SHOPIMIND_CHUNK_SIZES } from './shopimind-sdk';

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

export class ShopimindWriteError extends Error {
  constructor(
    message: string,
    readonly outcome: WriteOutcome,
  ) {
    super(message);
  }
}

export interface ShopimindWriterOptions extends WriteRetryOptions {
  /** Per HTTP call (default 30 s); a timeout is a transient outcome, retried like a 5xx. */
  timeoutMs?: number;
  /** Calls in flight at most (default 16), fewer for a while after a 429 (see AdaptiveConcurrency). */
  maxInFlight?: number;
  /** Told of every HTTP call, retries included (metrics). */
  onCall?: (call: ShopimindCall) => void;
}

/** One HTTP call to ShopiMind: its status (0 when no answer came) and how long it took. */
export interface ShopimindCall {
  statusCode: number;
  durationMs: number;
}

/** An SDK call's envelope and what it meant. */
interface Answer {
  envelope: ShopimindEnvelope;
  outcome: WriteOutcome;
}

interface DataSourceRow {
  id_data_source: number;
  label: string;
}

/** Admin routes answer `{ statusCode, data }`: the payload is one level down. */
function apiPayload(body: unknown): unknown {
  return typeof body === 'object' && body !== null && 'data' in body
    ? (body as { data: unknown }).data
    : body;
}

function isDataSourceRow(value: unknown): value is DataSourceRow {
  return (
    typeof value === 'object' && value !== null && typeof (value as DataSourceRow).id_data_source === 'number'
  );
}

/**
 * ShopiMind writes for one installation, each outcome classified (spec §9). Rate-limited and transient
 * calls are retried here with capped backoff; the outcome returned is final or the last of the attempts.
 * Every attempt, retries included, takes a slot of the installation's adaptive window, which a 429 narrows.
 */
export class ShopimindWriter {
  private readonly client: ShopimindHttpClient;
  private readonly retry: WriteRetryPolicy;
  private readonly concurrency: AdaptiveConcurrency;
  private readonly onCall?: (call: ShopimindCall) => void;

  constructor(accessToken: string, baseUrl: string, options: ShopimindWriterOptions = {}) {
    const { timeoutMs, maxInFlight, onCall, ...retry } = options;
    this.onCall = onCall;
    this.client = createShopimindHttpClient(accessToken, { baseUrl, timeoutMs });
    this.retry = writeRetryPolicy(retry);
    this.concurrency = new AdaptiveConcurrency({
      maxInFlight,
      sleep: this.retry.sleep,
      // The probes of an outage space out like one call's retries.
      probeDelayMs: (failures) => backoffDelayMs(failures, this.retry),
    });
  }

  /** The installation's call window now: its limit, the calls in flight and those waiting for a slot. */
  get window(): ConcurrencyWindow {
    return this.concurrency.window;
  }

  /** Finds the data source labelled `label` or creates it (type `api`), so repeating this is harmless. */
  async ensureDataSource(label: string): Promise<number> {
    const existing = await this.findDataSource(label);
    if (existing !== undefined) {
      return existing;
    }
    const created = await this.send((client) => sdk.createDataSource(client, label));
    const row = apiPayload(created.envelope.data);
    if (created.outcome.kind === 'accepted' && isDataSourceRow(row)) {
      return row.id_data_source;
    }
    // The label exists by now: another service opened this store too, or a create that timed out had landed.
    if (created.outcome.kind === 'permanent' && created.outcome.statusCode === 409) {
      const raced = await this.findDataSource(label);
      if (raced !== undefined) {
        return raced;
      }
    }
    throw new ShopimindWriteError(
      `creating data source failed (HTTP ${created.envelope.statusCode})`,
      created.outcome,
    );
  }

  private async findDataSource(label: string): Promise<number | undefined> {
    const listed = await this.send((client) => sdk.listDataSources(client));
    if (listed.outcome.kind !== 'accepted') {
      throw new ShopimindWriteError(
        `listing data sources failed (HTTP ${listed.envelope.statusCode})`,
        listed.outcome,
      );
    }
    const rows = apiPayload(listed.envelope.data);
    return (Array.isArray(rows) ? rows : []).filter(isDataSourceRow).find((row) => row.label === label)
      ?.id_data_source;
  }

  /** One SDK call under the retry policy, each attempt in a slot of the window. */
  private send(call: (client: ShopimindHttpClient) => Promise<ShopimindEnvelope>): Promise<Answer> {
    let attempts = 0;
    return retryWrite(
      () => {
        attempts += 1;
        const attempt = attempts;
        return this.concurrency.run(
          async () => {
            const started = performance.now();
            const envelope = await withRetryAfter(() => call(this.client));
            this.onCall?.({ statusCode: envelope.statusCode, durationMs: performance.now() - started });
            return { envelope, outcome: classifyWrite(envelope) };
          },
          (answer) => answer.outcome,
          // Without a Retry-After, the window is held as long as this call's own backoff.
          (outcome) => outcome.retryAfterMs ?? backoffDelayMs(attempt, this.retry),
        );
      },
      (answer) => answer.outcome,
      this.retry,
    );
  }

  /** Every bulk write is keyed by natural ids (upserts, deletes), so retrying it is safe. */
  private async write(
    call: (client: ShopimindHttpClient) => Promise<ShopimindEnvelope>,
  ): Promise<WriteOutcome> {
    return (await this.send(call)).outcome;
  }

  async saveProducts(items: ShopimindProduct[]): Promise<WriteOutcome> {
    return this.write((client) => sdk.saveProducts(client, items));
  }

  /**
   * Deletes in calls of at most `chunkSize` ids, side by side, and answers for each call: a refused chunk does not
   * hide the chunks that went through. Deletes are idempotent, so a chunk sent again is harmless.
   */
  private deleteInChunks<Id>(
    ids: readonly Id[],
    chunkSize: number,
    call: (client: ShopimindHttpClient, chunk: Id[]) => Promise<ShopimindEnvelope>,
  ): Promise<Array<DeleteChunkOutcome<Id>>> {
    return Promise.all(
      chunksOf(ids, chunkSize).map(async (chunk) => ({
        ids: chunk,
        outcome: await this.write((client) => call(client, chunk)),
      })),
    );
  }

  async deleteProducts(productIds: number[]): Promise<Array<DeleteChunkOutcome<number>>> {
    return this.deleteInChunks(productIds, sdkChunkSizes.products, sdk.deleteProducts);
  }

  /**
   * Variations of any products, in calls of at most the SDK's chunk size side by side: one outcome per call, in
   * the order of `items`.
   */
  async saveProductVariations(items: ShopimindProductVariation[]): Promise<WriteOutcome[]> {
    return this.saveInChunks(items, sdkChunkSizes.productVariations, sdk.saveProductVariations);
  }

  /** Variations are deleted per product: the API nests them under it. */
  async deleteProductVariations(
    productId: number,
    variationIds: number[],
  ): Promise<Array<DeleteChunkOutcome<number>>> {
    return this.deleteInChunks(variationIds, sdkChunkSizes.productVariations, (client, chunk) =>
      sdk.deleteProductVariations(client, productId, chunk),
    );
  }

  /** Images of any products, like `saveProductVariations`. */
  async saveProductImages(items: ShopimindProductImage[]): Promise<WriteOutcome[]> {
    return this.saveInChunks(items, sdkChunkSizes.productImages, sdk.saveProductImages);
  }

  private saveInChunks<T>(
    items: readonly T[],
    chunkSize: number,
    call: (client: ShopimindHttpClient, chunk: T[]) => Promise<ShopimindEnvelope>,
  ): Promise<WriteOutcome[]> {
    return Promise.all(
      chunksOf(items, chunkSize).map((chunk) => this.write((client) => call(client, chunk))),
    );
  }

  /** Images are deleted per product: the API nests them under it. */
  async deleteProductImages(
    productId: number,
    imageIds: string[],
  ): Promise<Array<DeleteChunkOutcome<string>>> {
    return this.deleteInChunks(imageIds, sdkChunkSizes.productImages, (client, chunk) =>
      sdk.deleteProductImages(client, productId, chunk),
    );
  }

  async saveOrders(items: ShopimindOrder[]): Promise<WriteOutcome> {
    return this.write((client) => sdk.saveOrders(client, items));
  }

  /** Order ids are the store's own (strings), unlike product ids. */
  async deleteOrders(orderIds: string[]): Promise<Array<DeleteChunkOutcome<string>>> {
    return this.deleteInChunks(orderIds, sdkChunkSizes.orders, sdk.deleteOrders);
  }

  async saveCustomers(items: ShopimindCustomer[]): Promise<WriteOutcome> {
    return this.write((client) => sdk.saveCustomers(client, items));
  }

  /** Addresses of any customers, each naming its `customer_id`; the customers must be in ShopiMind first. */
  async saveCustomerAddresses(items: ShopimindCustomerAddress[]): Promise<WriteOutcome> {
    return this.write((client) => sdk.saveCustomerAddresses(client, items));
  }

  /** Customer ids are those orders carry (`toShopimindCustomerId`). */
  async deleteCustomers(customerIds: string[]): Promise<Array<DeleteChunkOutcome<string>>> {
    return this.deleteInChunks(customerIds, sdkChunkSizes.customers, sdk.deleteCustomers);
  }

  async deleteOrderStatuses(statusIds: string[]): Promise<Array<DeleteChunkOutcome<string>>> {
    return this.deleteInChunks(statusIds, sdkChunkSizes.orderStatuses, sdk.deleteOrderStatuses);
  }

  async deleteProductCategories(categoryIds: number[]): Promise<Array<DeleteChunkOutcome<number>>> {
    return this.deleteInChunks(categoryIds, sdkChunkSizes.productCategories, sdk.deleteProductCategories);
  }

  async saveOrderStatuses(items: ShopimindOrderStatus[]): Promise<WriteOutcome> {
    return this.write((client) => sdk.saveOrderStatuses(client, items));
  }

  async saveProductCategories(items: ShopimindProductCategory[]): Promise<WriteOutcome> {
    return this.write((client) => sdk.saveProductCategories(client, items));
  }
}
