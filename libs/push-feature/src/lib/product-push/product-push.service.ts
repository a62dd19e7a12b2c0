import { Injectable, Logger } from '@nestjs/common';
import type { ProductsChangedEvent } from '@storebridge/contracts';
import { RetryLaterError } from '@storebridge/messaging';
import {
  IdMappingRepository,
  InstallationRepository,
  StoreConnectionRepository,
} from '@storebridge/persistence';
import { toShopimindProduct, type ShopimindProduct, type WriteOutcome } from '@storebridge/shopimind';
import { ShopimindTargets } from './shopimind-targets';

/** ShopiMind's per-call item limit for records (spec §9). */
export const PRODUCT_BATCH_SIZE = 50;
/** How long a message waits before it is tried again while its installation is not active. */
export const INACTIVE_RETRY_MS = 30_000;

const PRODUCT_ENTITY = 'product';

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}

/** Writes changed products to ShopiMind, only while the installation is active (spec §2). */
@Injectable()
export class ProductPushService {
  private readonly logger = new Logger(ProductPushService.name);

  constructor(
    private readonly connections: StoreConnectionRepository,
    private readonly installations: InstallationRepository,
    private readonly idMappings: IdMappingRepository,
    private readonly targets: ShopimindTargets,
  ) {}

  async pushProducts(event: ProductsChangedEvent): Promise<void> {
    const connection = await this.connections.findById(event.connectionId);
    if (!connection) {
      // Uninstalled since: its data must not be pushed any more.
      this.logger.warn(`Dropped products of removed connection ${event.connectionId}`);
      return;
    }
    const installation = await this.installations.findById(connection.installationId);
    if (installation?.status !== 'active' || !installation.accessTokenCiphertext) {
      throw new RetryLaterError(INACTIVE_RETRY_MS);
    }
    const target = await this.targets.for(
      { ...installation, accessTokenCiphertext: installation.accessTokenCiphertext },
      connection,
    );
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
      this.settle(await target.writer.saveProducts(batch), event);
    }
    if (event.deletedIds.length > 0) {
      this.settle(
        await target.writer.deleteProducts(event.deletedIds.map((id) => ids.get(id) as number)),
        event,
      );
    }
  }

  /** Turns an outcome into "done", "pause" or "retry" for the transport (spec §9 "Errors"). */
  private settle(outcome: WriteOutcome, event: ProductsChangedEvent): void {
    switch (outcome.kind) {
      case 'accepted':
        if (outcome.rejected.length > 0) {
          this.logger.warn(
            `ShopiMind rejected ${outcome.rejected.length} products of run ${event.syncRunId} page ${event.page}: ${outcome.rejected
              .map((item) => `#${item.index} ${item.errors.join(', ')}`)
              .join('; ')}`,
          );
        }
        return;
      case 'not_active':
        throw new RetryLaterError(INACTIVE_RETRY_MS);
      case 'rate_limited':
      case 'transient':
        throw new Error(`ShopiMind write failed (${outcome.kind}); will retry`);
      case 'permanent':
        this.logger.error(
          `ShopiMind refused products of run ${event.syncRunId} page ${event.page}: HTTP ${outcome.statusCode} ${outcome.message}`,
        );
        return;
    }
  }
}
