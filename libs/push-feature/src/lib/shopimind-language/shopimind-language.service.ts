import { Injectable, Logger } from '@nestjs/common';
import { RetryLaterError } from '@storebridge/messaging';
import {
  AdvisoryLockRepository,
  StoreConnectionRepository,
  StoreProductReader,
} from '@storebridge/persistence';
import { IdMappingRepository, PushOutcomeRepository } from '@storebridge/push-persistence';
import { toShopimindCategoryKey } from '@storebridge/shopimind-mapping';
import { deleteDerived, deleteProducts } from '../deletes/record-deletes';
import {
  CATEGORY_ENTITY,
  PRODUCT_ENTITY,
  PushTargetService,
  type PushMessage,
  type PushTarget,
} from '../push-target/push-target.service';
import { ProductPartsPushService } from '../product-push/product-parts-push.service';

/** How soon a run that found another one replacing the old language's rows tries again. */
export const LANGUAGE_REPLACEMENT_RETRY_MS = 5_000;

/**
 * ShopiMind keys products, categories and order statuses by id and language (spec §9), and deletes them in every
 * language at once: after the merchant changed the language, writing in the new one would leave the old one's rows
 * behind. So the first product or order push after the change deletes every product, category and order status of
 * the connection (the sync mirror's products, the ledger's statuses) before it writes anything, then records the
 * new language as ShopiMind's. Sync publishes every record again under the new configuration (StoreSyncService),
 * which writes them back. Orders and customers are keyed by id alone: writing them again replaces them.
 */
@Injectable()
export class ShopimindLanguageService {
  private readonly logger = new Logger(ShopimindLanguageService.name);

  constructor(
    private readonly connections: StoreConnectionRepository,
    private readonly products: StoreProductReader,
    private readonly idMappings: IdMappingRepository,
    private readonly ledger: PushOutcomeRepository,
    private readonly locks: AdvisoryLockRepository,
    private readonly pushTargets: PushTargetService,
    private readonly productParts: ProductPartsPushService,
  ) {}

  /** Before `message` is written: deletes the old language's rows if the connection's language changed. */
  async replaceOldLanguage(opened: PushTarget, message: PushMessage): Promise<void> {
    const { connection } = opened;
    if (!connection.shopimindLang || connection.shopimindLang === connection.lang) {
      return;
    }
    // One run deletes; the others wait, since a row they wrote in the new language would be deleted too.
    const outcome = await this.locks.tryWithLock(`shopimind-lang:${connection.id}`, () =>
      this.deleteOldLanguage(opened, message),
    );
    if (!outcome.acquired) {
      throw new RetryLaterError(
        LANGUAGE_REPLACEMENT_RETRY_MS,
        `The old language's rows of connection ${connection.id} are being deleted`,
      );
    }
  }

  private async deleteOldLanguage(opened: PushTarget, message: PushMessage): Promise<void> {
    const { installation, target } = opened;
    // Read again under the lock: the run that held it may have finished the job.
    const connection = await this.connections.findById(opened.connection.id);
    const from = connection?.shopimindLang;
    if (!connection || !from || from === connection.lang) {
      return;
    }
    const held = await this.products.findIdsAndCategoryNames(connection.id);
    const categoryKeys = [...new Set(held.categoryNames.map(toShopimindCategoryKey))].filter(
      (key) => key !== '',
    );
    const [productIds, categoryIds, statusIds] = await Promise.all([
      this.idMappings.numericIdsFor(installation.id, PRODUCT_ENTITY, held.productIds),
      this.idMappings.numericIdsFor(installation.id, CATEGORY_ENTITY, categoryKeys),
      this.ledger.findAcceptedIds(connection.id, 'order_statuses'),
    ]);
    // The normal delete path: a chunk ShopiMind refuses is kept and tried again, unless the product is written anew.
    await deleteProducts(this.pushTargets, target, message, held.productIds, productIds);
    // Their variations and images went with them: written again with the products.
    await this.productParts.forgetDeleted(connection.id, held.productIds);
    await deleteDerived(
      this.pushTargets,
      target,
      message,
      'categories',
      [...categoryIds.values()].map(String),
    );
    await deleteDerived(this.pushTargets, target, message, 'order_statuses', statusIds);
    await this.connections.replaceShopimindLang(connection.id, from, connection.lang);
    this.logger.log(
      `Deleted the ${from} rows of connection ${connection.id} (${held.productIds.length} products, ${categoryKeys.length} categories, ${statusIds.length} order statuses): ShopiMind gets them in ${connection.lang}`,
    );
  }
}
