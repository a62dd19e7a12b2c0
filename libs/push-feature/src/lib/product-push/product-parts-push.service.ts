import { Injectable } from '@nestjs/common';
import type { NormalizedProduct } from '@storebridge/contracts';
import { PushedProductPartsRepository, type PushedProductParts } from '@storebridge/push-persistence';
import type { DeleteChunkOutcome, WriteOutcome } from '@storebridge/shopimind-client';
import {
  toShopimindImages,
  toShopimindVariations,
  type ShopimindProductImage,
  type ShopimindProductVariation,
} from '@storebridge/shopimind-mapping';
import { PushTargetService, type PushMessage, type PushTarget } from '../push-target/push-target.service';
import { variationIdsOf } from './variation-ids';

/** What one product's parts come to in this push. */
interface ProductParts {
  productId: number;
  variations: ShopimindProductVariation[];
  images: ShopimindProductImage[];
}

/** A part ShopiMind holds and the store no longer lists, deleted through its product. */
interface RemovedParts {
  productId: number;
  storeProductId: string;
  variationIds: number[];
  imageIds: string[];
}

/**
 * Writes the variations and images of products push has just written, and deletes in ShopiMind those the store
 * removed. What ShopiMind holds of each product is kept (PushedProductPartsRepository) once it has answered: a
 * failure on the way fails the message, whose redelivery compares with the same previous state and does it all
 * again (saves are upserts, deletes idempotent). A delete ShopiMind refuses stays in that state, so the product's
 * next push tries it again.
 */
@Injectable()
export class ProductPartsPushService {
  constructor(
    private readonly pushTargets: PushTargetService,
    private readonly pushedParts: PushedProductPartsRepository,
  ) {}

  /**
   * `productIds` holds the ShopiMind id of each of `products`, which ShopiMind has been sent already: it attaches
   * variations and images to a product it holds. `unchanged` holds when ShopiMind accepted the products a
   * redelivered message left out (PushTargetService.writeRecords): their parts kept since then went with this
   * very content, and are not written again.
   */
  async pushParts(
    opened: PushTarget,
    message: PushMessage,
    allProducts: readonly NormalizedProduct[],
    productIds: ReadonlyMap<string, number>,
    unchanged: ReadonlyMap<string, Date> = new Map(),
  ): Promise<void> {
    if (allProducts.length === 0) {
      return;
    }
    const { connection, installation, target } = opened;
    const previous = await this.pushedParts.findFor(
      connection.id,
      allProducts.map((product) => product.id),
    );
    const products = allProducts.filter((product) => {
      const acceptedAt = unchanged.get(product.id);
      const savedAt = previous.get(product.id)?.savedAt;
      return acceptedAt === undefined || savedAt === undefined || savedAt <= acceptedAt;
    });
    if (products.length === 0) {
      return;
    }
    const parts = new Map<string, ProductParts>(
      products.map((product) => {
        const productId = productIds.get(product.id) as number;
        const common = { productId, lang: connection.lang, dataSourceId: target.dataSourceId };
        const variationIds = variationIdsOf(installation.id, product);
        return [
          product.id,
          {
            productId,
            variations: toShopimindVariations(product, { ...common, variationIds }),
            images: toShopimindImages(product, common),
          },
        ];
      }),
    );
    const all = [...parts.values()];
    const [variationOutcomes, imageOutcomes] = await Promise.all([
      target.writer.saveProductVariations(all.flatMap((part) => part.variations)),
      target.writer.saveProductImages(all.flatMap((part) => part.images)),
    ]);
    this.settleAll(message, [
      ...variationOutcomes.map((outcome) => ['product variations', outcome] as const),
      ...imageOutcomes.map((outcome) => ['product images', outcome] as const),
    ]);

    const removed = removedParts(parts, previous);
    const notDeleted = await this.deleteRemoved(opened, message, removed);
    const kept = new Map<string, PushedProductParts>(
      [...parts].map(([storeProductId, part]) => {
        const pending = notDeleted.get(storeProductId);
        return [
          storeProductId,
          {
            variationIds: [
              ...part.variations.map((variation) => String(variation.variation_id)),
              ...(pending?.variationIds ?? []).map(String),
            ],
            imageIds: [...part.images.map((image) => image.image_id), ...(pending?.imageIds ?? [])],
          },
        ];
      }),
    );
    await this.pushedParts.save(connection.id, kept);
  }

  /** A deleted product took its variations and images with it in ShopiMind. */
  forgetDeleted(connectionId: string, storeProductIds: readonly string[]): Promise<void> {
    return this.pushedParts.forget(connectionId, storeProductIds);
  }

  /**
   * Deletes the removed parts, per product (the API nests them under it), in chunks of the SDK's size. Returns
   * what ShopiMind refused to delete, kept for the next push; fails when a delete could not be made at all.
   */
  private async deleteRemoved(
    { target }: PushTarget,
    message: PushMessage,
    removed: readonly RemovedParts[],
  ): Promise<Map<string, { variationIds: number[]; imageIds: string[] }>> {
    const refused = new Map<string, { variationIds: number[]; imageIds: string[] }>();
    const answers = await Promise.all(
      removed.map(async (parts) => ({
        parts,
        variations: await target.writer.deleteProductVariations(parts.productId, parts.variationIds),
        images: await target.writer.deleteProductImages(parts.productId, parts.imageIds),
      })),
    );
    let retry: unknown;
    for (const { parts, variations, images } of answers) {
      const settle = <Id>(what: string, chunks: ReadonlyArray<DeleteChunkOutcome<Id>>): Id[] =>
        chunks.flatMap(({ ids, outcome }) => {
          try {
            this.pushTargets.settle(outcome, what, message);
          } catch (error) {
            retry ??= error;
          }
          return outcome.kind === 'accepted' ? [] : ids;
        });
      const variationIds = settle('product variation deletes', variations);
      const imageIds = settle('product image deletes', images);
      if (variationIds.length + imageIds.length > 0) {
        refused.set(parts.storeProductId, { variationIds, imageIds });
      }
    }
    if (retry !== undefined) {
      throw retry;
    }
    return refused;
  }

  /** Settles every outcome, then fails with the first that asks for a retry. */
  private settleAll(message: PushMessage, outcomes: ReadonlyArray<readonly [string, WriteOutcome]>): void {
    let retry: unknown;
    for (const [what, outcome] of outcomes) {
      try {
        this.pushTargets.settle(outcome, what, message);
      } catch (error) {
        retry ??= error;
      }
    }
    if (retry !== undefined) {
      throw retry;
    }
  }
}

/** The variations and images ShopiMind holds (`previous`) that the products' new versions no longer have. */
function removedParts(
  parts: ReadonlyMap<string, ProductParts>,
  previous: ReadonlyMap<string, PushedProductParts>,
): RemovedParts[] {
  return [...previous].flatMap(([storeProductId, held]) => {
    const part = parts.get(storeProductId);
    if (part === undefined) {
      return [];
    }
    const variations = new Set(part.variations.map((variation) => String(variation.variation_id)));
    const images = new Set(part.images.map((image) => image.image_id));
    const variationIds = held.variationIds.filter((id) => !variations.has(id)).map(Number);
    const imageIds = held.imageIds.filter((id) => !images.has(id));
    return variationIds.length + imageIds.length === 0
      ? []
      : [{ productId: part.productId, storeProductId, variationIds, imageIds }];
  });
}
