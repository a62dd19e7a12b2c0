import { Injectable } from '@nestjs/common';
import type { ProductsChangedEvent } from '@storebridge/contracts';
import { IdMappingRepository } from '@storebridge/persistence';
import { toShopimindProduct, type ShopimindProduct } from '@storebridge/shopimind';
import {
  chunks,
  PRODUCT_ENTITY,
  PushTargetService,
  RECORD_BATCH_SIZE,
} from '../push-target/push-target.service';

/** ShopiMind's per-call item limit for products (spec §9). */
export const PRODUCT_BATCH_SIZE = RECORD_BATCH_SIZE;

/** Writes changed products to ShopiMind, only while the installation is active (spec §2). */
@Injectable()
export class ProductPushService {
  constructor(
    private readonly pushTargets: PushTargetService,
    private readonly idMappings: IdMappingRepository,
  ) {}

  async pushProducts(event: ProductsChangedEvent): Promise<void> {
    const opened = await this.pushTargets.open(event, 'products');
    if (!opened) {
      return;
    }
    const { connection, installation, target } = opened;
    const ids = await this.idMappings.numericIdsFor(installation.id, PRODUCT_ENTITY, [
      ...event.products.map((product) => product.id),
      ...event.deletedIds,
    ]);
    const now = new Date().toISOString();
    const items: ShopimindProduct[] = event.products.map((product) =>
      toShopimindProduct(product, {
        numericId: ids.get(product.id) as number,
        lang: connection.lang,
        currency: connection.currency,
        dataSourceId: target.dataSourceId,
        now,
      }),
    );
    for (const batch of chunks(items, PRODUCT_BATCH_SIZE)) {
      this.pushTargets.settle(await target.writer.saveProducts(batch), 'products', event);
    }
    if (event.deletedIds.length > 0) {
      this.pushTargets.settle(
        await target.writer.deleteProducts(event.deletedIds.map((id) => ids.get(id) as number)),
        'products',
        event,
      );
    }
  }
}
