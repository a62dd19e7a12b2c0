import { Inject, Injectable, Logger } from '@nestjs/common';
import { StoreConnectionService, type StoreConnectionView } from '@storebridge/connections';
import { Subjects, type NormalizedProduct, type SyncRequestedEvent } from '@storebridge/contracts';
import {
  checkStoreUrl,
  crawlPages,
  StoreClient,
  StoreCrawlError,
  StoreRequestError,
  toNormalizedProduct,
  type CrawledPage,
} from '@storebridge/generic-api';
import { MessagePublisher } from '@storebridge/messaging';
import {
  StoreProductRepository,
  SyncRunRepository,
  type SyncRunEntity,
  type SyncWarningCounts,
} from '@storebridge/persistence';
import { SYNC_FEATURE_OPTIONS, type SyncFeatureOptions } from '../sync-feature.options';

interface NormalizedPage {
  products: NormalizedProduct[];
  skipped: number;
  warnings: SyncWarningCounts;
}

function countBy(counts: SyncWarningCounts, kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

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
    @Inject(SYNC_FEATURE_OPTIONS) private readonly options: SyncFeatureOptions,
  ) {}

  async runFullSync(request: SyncRequestedEvent): Promise<void> {
    const view = await this.storeConnections.findById(request.connectionId);
    if (!view) {
      // The installation was uninstalled after the request was queued: nothing left to sync.
      this.logger.warn(`Sync requested for unknown connection ${request.connectionId}; skipped`);
      return;
    }
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
      await this.crawl(view, run);
      const finished = await this.syncRuns.finish(run.id, 'succeeded');
      this.logger.log(
        `Sync run ${run.id} succeeded: ${finished?.pagesFetched ?? 0} pages, ${finished?.recordsValid ?? 0} products, ${finished?.recordsSkipped ?? 0} skipped`,
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

  private async crawl(view: StoreConnectionView, run: SyncRunEntity): Promise<void> {
    const client = new StoreClient(view.settings);
    for await (const page of crawlPages(client, 'products', { startPage: run.nextPage })) {
      const normalized = this.normalize(view, page);
      if (normalized.products.length > 0) {
        // Mirror first: once a page is published, the widgets can already be asked about its products.
        await this.storeProducts.upsertMany(view.connection.id, normalized.products);
        await this.publisher.publish(
          Subjects.productsChanged,
          {
            connectionId: view.connection.id,
            syncRunId: run.id,
            page: page.page,
            products: normalized.products,
            deletedIds: [],
          },
          { messageId: `${run.id}:products:${page.page}` },
        );
      }
      await this.syncRuns.recordPage(run.id, {
        nextPage: page.page + 1,
        recordsSeen: page.records.length,
        recordsValid: normalized.products.length,
        recordsSkipped: normalized.skipped,
        recordsChanged: normalized.products.length,
        warnings: normalized.warnings,
      });
    }
  }

  private normalize(view: StoreConnectionView, page: CrawledPage): NormalizedPage {
    const context = { baseUrl: view.settings.baseUrl, mappings: view.settings.fieldMappings.products };
    const result: NormalizedPage = { products: [], skipped: 0, warnings: {} };
    page.records.forEach((raw, index) => {
      const mapped = toNormalizedProduct(raw, context);
      mapped.warnings.forEach((warning) => countBy(result.warnings, warning.code));
      if (mapped.product) {
        result.products.push(mapped.product);
      } else {
        result.skipped += 1;
        countBy(result.warnings, `skipped_${mapped.skipReason}`);
        this.logger.debug(`Skipped product at page ${page.page}, index ${index}: ${mapped.skipReason}`);
      }
    });
    return result;
  }
}
