import { Injectable, Optional } from '@nestjs/common';
import type { NormalizedProduct, ProductsChangedEvent } from '@storebridge/contracts';
import { IdMappingRepository } from '@storebridge/push-persistence';
import {
  toShopimindCategoryKey,
  toShopimindProduct,
  toShopimindProductCategory,
  type ShopimindProduct,
  type ShopimindProductCategory,
} from '@storebridge/shopimind-mapping';
import {
  CATEGORY_ENTITY,
  FIRST_DELIVERY,
  PRODUCT_ENTITY,
  PushTargetService,
  RECORD_BATCH_SIZE,
  REFERENCE_BATCH_SIZE,
  type PushDelivery,
} from '../push-target/push-target.service';
import { deleteProducts, idsToDelete, retryDueDerived } from '../deletes/record-deletes';
import { productReferences } from '../derived-records/derived-references';
import { ProductPartsPushService } from './product-parts-push.service';
import { ShopimindLanguageService } from '../shopimind-language/shopimind-language.service';

/** ShopiMind's per-call item limits (spec §9): products are records, categories reference data. */
export const PRODUCT_BATCH_SIZE = RECORD_BATCH_SIZE;
export const CATEGORY_BATCH_SIZE = REFERENCE_BATCH_SIZE;

/** The store's wording of each category key of the products, blank names left out; the first wording seen wins. */
function distinctCategoryNames(products: readonly NormalizedProduct[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const name of products.flatMap((product) => product.categories)) {
    const key = toShopimindCategoryKey(name);
    if (key !== '' && !names.has(key)) {
      names.set(key, name);
    }
  }
  return names;
}

/**
 * Writes changed products to ShopiMind, referenced things first: the categories they are in, then the products
 * (pointing at them by id), then the deletes. Only while the installation is active (spec §2).
 */
@Injectable()
export class ProductPushService {
  constructor(
    private readonly pushTargets: PushTargetService,
    private readonly idMappings: IdMappingRepository,
    private readonly productParts: ProductPartsPushService,
    // Absent in tests that never change the connection's language.
    @Optional() private readonly languages?: ShopimindLanguageService,
  ) {}

  async pushProducts(event: ProductsChangedEvent, delivery: PushDelivery = FIRST_DELIVERY): Promise<void> {
    const opened = await this.pushTargets.open(event, 'products', delivery);
    if (!opened) {
      return;
    }
    // Nothing is written in a language the merchant just chose before the old one's rows are gone.
    await this.languages?.replaceOldLanguage(opened, event);
    const { connection, installation, target } = opened;
    const categoryNames = distinctCategoryNames(event.products);
    // A mapping never changes: the category ids this installation looked up before are not read again.
    const categoryIds = target.categoryIds;
    const unknownCategories = [...categoryNames.keys()].filter((key) => !categoryIds.has(key));
    // Deletes ShopiMind refused before are tried again with this message's own.
    const due = await this.pushTargets.dueDeletes(event, ['products', 'categories']);
    const deletedIds = idsToDelete(
      event.deletedIds,
      due,
      'products',
      event.products.map((product) => product.id),
    );
    const [ids, lookedUp] = await Promise.all([
      this.idMappings.numericIdsFor(installation.id, PRODUCT_ENTITY, [
        ...event.products.map((product) => product.id),
        ...deletedIds,
      ]),
      unknownCategories.length === 0
        ? new Map<string, number>()
        : this.idMappings.numericIdsFor(installation.id, CATEGORY_ENTITY, unknownCategories),
    ]);
    lookedUp.forEach((numericId, key) => categoryIds.set(key, numericId));
    // One timestamp for the whole message, so undated records of one page agree.
    const now = new Date().toISOString();
    const categories: ShopimindProductCategory[] = [...categoryNames].map(([key, name]) =>
      toShopimindProductCategory(name, {
        categoryId: categoryIds.get(key) as number,
        lang: connection.lang,
        // Stores give no category URL: the store's home page is the one link known to work.
        link: connection.baseUrl,
        dataSourceId: target.dataSourceId,
        now,
      }),
    );
    const items: ShopimindProduct[] = event.products.map((product) =>
      toShopimindProduct(product, {
        numericId: ids.get(product.id) as number,
        lang: connection.lang,
        currency: connection.currency,
        categoryIds,
        dataSourceId: target.dataSourceId,
        now,
      }),
    );

    await this.pushTargets.writeReferenceRows(
      target,
      'product categories',
      categories,
      (category) => category.category_id,
      (batch) => target.writer.saveProductCategories(batch),
      event,
      'categories',
    );
    const unchanged = await this.pushTargets.writeRecords(
      'products',
      event,
      event.products,
      items,
      (batch) => target.writer.saveProducts(batch),
      productReferences,
    );
    // After their products: ShopiMind attaches variations and images to a product it holds.
    await this.productParts.pushParts(opened, event, event.products, ids, unchanged);
    if (deletedIds.length > 0) {
      await deleteProducts(this.pushTargets, target, event, deletedIds, ids);
      await this.productParts.forgetDeleted(connection.id, deletedIds);
    }
    const categoryIdsSent = categories.map((category) => category.category_id);
    await retryDueDerived(this.pushTargets, target, event, due, 'categories', categoryIdsSent);
  }
}
