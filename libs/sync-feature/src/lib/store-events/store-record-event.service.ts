import { Injectable, Logger } from '@nestjs/common';
import { StoreConnectionService, type StoreConnectionView } from '@storebridge/connections';
import { Subjects, type StoreProductEventReceivedEvent } from '@storebridge/contracts';
import {
  PRODUCT_FIELD_ALIASES,
  resolveField,
  toNormalizedProduct,
  type FieldMapping,
} from '@storebridge/generic-api';
import { MessagePublisher } from '@storebridge/messaging';
import { storeProductContentHash, StoreProductRepository } from '@storebridge/persistence';

/** The store's id of the product a webhook's `data` is about, resolved like a crawled record's (spec §6). */
export function storeProductIdOf(data: Record<string, unknown>, mappings: FieldMapping): string | undefined {
  const value = resolveField(data, PRODUCT_FIELD_ALIASES, 'id', mappings)?.value;
  if (typeof value === 'string') {
    return value.trim() || undefined;
  }
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/**
 * Applies a store's product webhook (generic-api spec §7) to the mirror and hands the result to push, like a
 * crawled page of one product. Push is told before the mirror is written: a redelivery after a failure in
 * between then finds the mirror still old, publishes again under the same message id (dropped by the bus)
 * and writes the mirror, where the other order would take the redelivered change for an unchanged one.
 */
@Injectable()
export class StoreProductEventService {
  private readonly logger = new Logger(StoreProductEventService.name);

  constructor(
    private readonly storeConnections: StoreConnectionService,
    private readonly storeProducts: StoreProductRepository,
    private readonly publisher: MessagePublisher,
  ) {}

  async apply(event: StoreProductEventReceivedEvent): Promise<void> {
    const view = await this.storeConnections.findById(event.connectionId);
    if (!view) {
      // Uninstalled since the store sent it: nothing is kept for that store any more.
      this.logger.warn(`Store ${event.event} event for unknown connection ${event.connectionId}; dropped`);
      return;
    }
    const id = storeProductIdOf(event.data, view.settings.fieldMappings.products);
    if (id === undefined) {
      this.logger.warn(
        `Store ${event.event} event of connection ${event.connectionId} names no product id; skipped`,
      );
      return;
    }
    switch (event.event) {
      case 'product.created':
      case 'product.updated':
        return this.merge(view, id, event.data);
      case 'product.deleted':
        return this.delete(view.connection.id, id);
    }
  }

  /**
   * Spec §7: an update may carry only the changed fields, so it is merged into the last record we hold. The
   * merge is shallow on purpose: a store sends a changed nested value (images, categories, attributes) whole,
   * and merging inside it would keep images or options the store removed. A created event is merged too, so
   * a redelivered or late "created" never loses what a later update added.
   */
  private async merge(view: StoreConnectionView, id: string, data: Record<string, unknown>): Promise<void> {
    const connectionId = view.connection.id;
    const stored = await this.storeProducts.findOne(connectionId, id);
    const merged = { ...(stored?.raw ?? {}), ...data };
    const mapped = toNormalizedProduct(merged, {
      baseUrl: view.settings.baseUrl,
      mappings: view.settings.fieldMappings.products,
    });
    if (!mapped.product) {
      // E.g. a partial update of a product mirrored before raw records were kept: the next crawl has it all.
      this.logger.warn(
        `Store product event for ${id} of connection ${connectionId} skipped after merging: ${mapped.skipReason}`,
      );
      return;
    }
    const product = mapped.product;
    const contentHash = storeProductContentHash(product);
    if (stored?.contentHash !== contentHash) {
      await this.publisher.publish(
        Subjects.productsChanged,
        { connectionId, syncRunId: null, page: 0, products: [product], deletedIds: [] },
        { messageId: `webhook:${connectionId}:${product.id}:${contentHash}` },
      );
    }
    // Also when nothing ShopiMind sees changed: the next partial update merges into the latest record.
    await this.storeProducts.upsertMany(connectionId, [product], new Map([[product.id, merged]]));
  }

  /** Only a product we hold is announced as deleted; a redelivery after the row went has nothing left to do. */
  private async delete(connectionId: string, id: string): Promise<void> {
    const stored = await this.storeProducts.findOne(connectionId, id);
    if (!stored) {
      this.logger.log(
        `Store deleted product ${id} of connection ${connectionId}, which the mirror does not hold`,
      );
      return;
    }
    await this.publisher.publish(
      Subjects.productsChanged,
      { connectionId, syncRunId: null, page: 0, products: [], deletedIds: [id] },
      { messageId: `webhook:${connectionId}:${id}:deleted:${stored.contentHash}` },
    );
    await this.storeProducts.deleteMany(connectionId, [id]);
  }
}
