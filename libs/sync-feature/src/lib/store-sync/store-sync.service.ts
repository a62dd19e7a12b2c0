import { Inject, Injectable, Logger } from '@nestjs/common';
import { StoreConnectionService, type StoreConnectionView } from '@storebridge/connections';
import {
  Subjects,
  type NormalizedProduct,
  type SyncRequestedEvent,
  type SyncTrigger,
} from '@storebridge/contracts';
import {
  checkStoreUrl,
  crawlPages,
  StoreClient,
  StoreCrawlError,
  StoreRequestError,
  toNormalizedProduct,
  type CrawledPage,
} from '@storebridge/generic-api';
import { MessagePublisher, RetryLaterError } from '@storebridge/messaging';
import {
  AdvisoryLockRepository,
  storeProductContentHash,
  StoreProductRepository,
  SyncRunRepository,
  type SyncRunEntity,
  type SyncWarningCounts,
} from '@storebridge/persistence';
import { SYNC_FEATURE_OPTIONS, type SyncFeatureOptions } from '../sync-feature.options';

interface NormalizedPage {
  products: NormalizedProduct[];
  /** The store's record of each product by id (the last of a repeated id), mirrored for webhook merges. */
  raws: Map<string, Record<string, unknown>>;
  skipped: number;
  warnings: SyncWarningCounts;
}

/** Deleted ids per message: keeps a message small whatever the store removed. */
export const DELETED_IDS_PER_MESSAGE = 500;

/** When another replica crawls the connection, the request comes back after this long. */
export const LOCKED_CONNECTION_RETRY_MS = 60_000;

function countBy(counts: SyncWarningCounts, kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

/** Runs that must publish every product, changed or not (see changedProducts). */
const REPUSH_TRIGGERS: ReadonlySet<string> = new Set<SyncTrigger>(['activate', 'config_updated']);

/**
 * Full product crawl of one store connection (generic-api spec §3, §4): page by page, normalized, mirrored for
 * the gateway's widgets, published to push, with the run's progress recorded after each page so a restarted
 * worker resumes where it stopped.
 */
@Injectable()
export class ProductSyncService {
  private readonly logger = new Logger(ProductSyncService.name);

  constructor(
    private readonly storeConnections: StoreConnectionService,
    private readonly syncRuns: SyncRunRepository,
    private readonly publisher: MessagePublisher,
    private readonly storeProducts: StoreProductRepository,
    private readonly locks: AdvisoryLockRepository,
    @Inject(SYNC_FEATURE_OPTIONS) private readonly options: SyncFeatureOptions,
  ) {}

  async runFullSync(request: SyncRequestedEvent): Promise<void> {
    const view = await this.storeConnections.findById(request.connectionId);
    if (!view) {
      // The installation was uninstalled after the request was queued: nothing left to sync.
      this.logger.warn(`Sync requested for unknown connection ${request.connectionId}; skipped`);
      return;
    }
    // One crawl per connection across replicas: a second one would publish every change twice.
    const outcome = await this.locks.tryWithLock(`sync:${view.connection.id}`, () =>
      this.runLocked(request, view),
    );
    if (!outcome.acquired) {
      throw new RetryLaterError(
        LOCKED_CONNECTION_RETRY_MS,
        `A crawl of connection ${view.connection.id} is already running`,
      );
    }
  }

  private async runLocked(request: SyncRequestedEvent, view: StoreConnectionView): Promise<void> {
    const [resumable] = await this.syncRuns.findResumable(request.connectionId, 'products');
    const run =
      resumable ??
      (await this.syncRuns.start({
        connectionId: request.connectionId,
        entity: 'products',
        trigger: request.trigger,
      }));
    if (resumable) {
      this.logger.log(`Resuming sync run ${run.id} at page ${run.nextPage}`);
    }
    // Checked again at every crawl, not only when the merchant saved the URL: DNS answers change.
    const verdict = await checkStoreUrl(view.settings.baseUrl, {
      allowPrivate: this.options.allowPrivateStoreUrls,
    });
    if (!verdict.ok) {
      await this.syncRuns.finish(run.id, 'failed', verdict.message);
      this.logger.warn(`Sync run ${run.id} refused: ${verdict.message}`);
      return;
    }
    try {
      const nextPage = await this.crawl(view, run);
      // Only a complete crawl proves a product is gone; every run is a full crawl today.
      await this.deleteUnseen(view, run, nextPage);
      const finished = await this.syncRuns.finish(run.id, 'succeeded');
      this.logger.log(
        `Sync run ${run.id} succeeded: ${finished?.pagesFetched ?? 0} pages, ${finished?.recordsValid ?? 0} products, ${finished?.recordsSkipped ?? 0} skipped, ${finished?.recordsChanged ?? 0} changed, ${finished?.recordsDeleted ?? 0} deleted`,
      );
    } catch (error) {
      if (!(error instanceof StoreRequestError || error instanceof StoreCrawlError)) {
        // Our own bus or database failed, not the store: the run stays resumable and the request is
        // redelivered, so the crawl goes on from the last recorded page.
        throw error;
      }
      // Recorded on the run for the merchant; retrying a broken store at once would not help.
      await this.syncRuns.finish(run.id, 'failed', error.message);
      this.logger.warn(`Sync run ${run.id} failed: ${error.message}`);
    }
  }

  /** Returns the page a resumed crawl would start at, i.e. one past the last crawled page. */
  private async crawl(view: StoreConnectionView, run: SyncRunEntity): Promise<number> {
    const client = new StoreClient(view.settings);
    const connectionId = view.connection.id;
    let nextPage = run.nextPage;
    for await (const page of crawlPages(client, 'products', { startPage: run.nextPage })) {
      const normalized = this.normalize(view, page);
      const changed = await this.changedProducts(connectionId, run, normalized.products);
      if (changed.length > 0) {
        // Mirror first: once a page is published, the widgets can already be asked about its products.
        await this.storeProducts.upsertMany(connectionId, changed, normalized.raws);
      }
      // Unchanged products too: the deletion pass keeps exactly the products this run saw.
      await this.storeProducts.markSeen(
        connectionId,
        normalized.products.map((product) => product.id),
        run.id,
      );
      if (changed.length > 0) {
        await this.publisher.publish(
          Subjects.productsChanged,
          { connectionId, syncRunId: run.id, page: page.page, products: changed, deletedIds: [] },
          { messageId: `${run.id}:products:${page.page}` },
        );
      }
      nextPage = page.page + 1;
      await this.syncRuns.recordPage(run.id, {
        nextPage,
        recordsSeen: page.records.length,
        recordsValid: normalized.products.length,
        recordsSkipped: normalized.skipped,
        recordsChanged: changed.length,
        warnings: normalized.warnings,
      });
    }
    return nextPage;
  }

  /**
   * The products to publish: new ones and those whose content differs from the mirror's; the last of a repeated
   * id wins. A product this run already mirrored counts as changed: its page may have failed to publish before
   * a redelivery (the mirror is written first), and publishing it twice is harmless. After an activation or a
   * configuration change every product is published: what ShopiMind stores also depends on the connection
   * (language, currency, data source), which the content hash does not cover.
   */
  private async changedProducts(
    connectionId: string,
    run: SyncRunEntity,
    products: readonly NormalizedProduct[],
  ): Promise<NormalizedProduct[]> {
    if (products.length === 0 || REPUSH_TRIGGERS.has(run.trigger)) {
      return [...new Map(products.map((product) => [product.id, product])).values()];
    }
    const runId = run.id;
    const latest = new Map(products.map((product) => [product.id, product]));
    const stored = await this.storeProducts.syncStatesOf(connectionId, [...latest.keys()]);
    return [...latest.values()].filter((product) => {
      const state = stored.get(product.id);
      return (
        state === undefined ||
        state.lastSeenRunId === runId ||
        state.contentHash !== storeProductContentHash(product)
      );
    });
  }

  /**
   * Publishes, then removes from the mirror, the connection's products this complete crawl did not see. All
   * chunks are published before any row is deleted: a redelivered request after a failure finds the same ids,
   * in the same chunks under the same message ids, so the bus drops what it already has.
   */
  private async deleteUnseen(view: StoreConnectionView, run: SyncRunEntity, nextPage: number): Promise<void> {
    const connectionId = view.connection.id;
    const unseen = await this.storeProducts.findUnseen(connectionId, run.id);
    if (unseen.length === 0) {
      return;
    }
    const chunks: string[][] = [];
    for (let start = 0; start < unseen.length; start += DELETED_IDS_PER_MESSAGE) {
      chunks.push(unseen.slice(start, start + DELETED_IDS_PER_MESSAGE));
    }
    for (const [index, deletedIds] of chunks.entries()) {
      await this.publisher.publish(
        Subjects.productsChanged,
        { connectionId, syncRunId: run.id, page: nextPage, products: [], deletedIds },
        { messageId: `${run.id}:products:deleted:${index}` },
      );
    }
    let deleted = 0;
    for (const deletedIds of chunks) {
      deleted += await this.storeProducts.deleteMany(connectionId, deletedIds);
    }
    await this.syncRuns.recordPage(run.id, { nextPage, pagesFetched: 0, recordsDeleted: deleted });
  }

  private normalize(view: StoreConnectionView, page: CrawledPage): NormalizedPage {
    const context = { baseUrl: view.settings.baseUrl, mappings: view.settings.fieldMappings.products };
    const result: NormalizedPage = { products: [], raws: new Map(), skipped: 0, warnings: {} };
    page.records.forEach((raw, index) => {
      const mapped = toNormalizedProduct(raw, context);
      mapped.warnings.forEach((warning) => countBy(result.warnings, warning.code));
      if (mapped.product) {
        result.products.push(mapped.product);
        // A normalized product came from an object record.
        result.raws.set(mapped.product.id, raw as Record<string, unknown>);
      } else {
        result.skipped += 1;
        countBy(result.warnings, `skipped_${mapped.skipReason}`);
        this.logger.debug(`Skipped product at page ${page.page}, index ${index}: ${mapped.skipReason}`);
      }
    });
    return result;
  }
}
