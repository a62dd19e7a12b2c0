import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PushedProductPartsEntity } from '@storebridge/persistence';

/** The variations and images ShopiMind holds of one product, by their ShopiMind ids. */
export interface PushedProductParts {
  variationIds: string[];
  /** In the order sent: the first is the default image. */
  imageIds: string[];
}

/** The parts kept of one product, and when they were (after ShopiMind answered for them). */
export interface HeldProductParts extends PushedProductParts {
  savedAt: Date;
}

// One statement for a whole message's products, in key order so concurrent writers lock rows alike.
const SAVE_PARTS = `
  INSERT INTO "pushed_product_parts" ("connection_id", "store_product_id", "variation_ids", "image_ids", "updated_at")
  SELECT $1::uuid, p.store_product_id,
    ARRAY(SELECT jsonb_array_elements_text(p.variation_ids)), ARRAY(SELECT jsonb_array_elements_text(p.image_ids)),
    now()
  FROM jsonb_to_recordset($2::jsonb) AS p(store_product_id text, variation_ids jsonb, image_ids jsonb)
  ORDER BY p.store_product_id
  ON CONFLICT ("connection_id", "store_product_id") DO UPDATE SET
    "variation_ids" = EXCLUDED."variation_ids",
    "image_ids" = EXCLUDED."image_ids",
    "updated_at" = EXCLUDED."updated_at"`;

// One primary-key probe per id: LATERAL + LIMIT cannot be flattened into a join that stale statistics (as during a
// first full sync) would plan as a read of every product the connection has pushed.
export const FIND_PARTS = `
  SELECT parts."store_product_id", parts."variation_ids", parts."image_ids", parts."updated_at"
  FROM unnest($2::text[]) AS wanted ("store_product_id")
  CROSS JOIN LATERAL (
    SELECT "store_product_id", "variation_ids", "image_ids", "updated_at" FROM "pushed_product_parts"
    WHERE "connection_id" = $1 AND "store_product_id" = wanted."store_product_id"
    LIMIT 1
  ) AS parts`;

/**
 * What push sent of each product's variations and images (see PushedProductPartsEntity): the previous state a new
 * version of the product is compared with, to delete in ShopiMind what the store removed.
 */
@Injectable()
export class PushedProductPartsRepository {
  constructor(
    @InjectRepository(PushedProductPartsEntity)
    private readonly repository: Repository<PushedProductPartsEntity>,
  ) {}

  /** The parts sent of each of `storeProductIds` that has any, by store product id. */
  async findFor(
    connectionId: string,
    storeProductIds: readonly string[],
  ): Promise<Map<string, HeldProductParts>> {
    if (storeProductIds.length === 0) {
      return new Map();
    }
    const rows: Array<{
      store_product_id: string;
      variation_ids: string[];
      image_ids: string[];
      updated_at: Date;
    }> = await this.repository.query(FIND_PARTS, [connectionId, [...new Set(storeProductIds)]]);
    return new Map(
      rows.map((row) => [
        row.store_product_id,
        { variationIds: row.variation_ids, imageIds: row.image_ids, savedAt: new Date(row.updated_at) },
      ]),
    );
  }

  /** Replaces what is kept of each product; a product with no part left keeps no row. */
  async save(connectionId: string, parts: ReadonlyMap<string, PushedProductParts>): Promise<void> {
    const kept = [...parts].filter(
      ([, { variationIds, imageIds }]) => variationIds.length + imageIds.length > 0,
    );
    const emptied = [...parts].filter(
      ([, { variationIds, imageIds }]) => variationIds.length + imageIds.length === 0,
    );
    if (kept.length > 0) {
      const rows = kept.map(([storeProductId, { variationIds, imageIds }]) => ({
        store_product_id: storeProductId,
        variation_ids: variationIds,
        image_ids: imageIds,
      }));
      await this.repository.query(SAVE_PARTS, [connectionId, JSON.stringify(rows)]);
    }
    await this.forget(
      connectionId,
      emptied.map(([storeProductId]) => storeProductId),
    );
  }

  /** A deleted product's parts went with it. */
  async forget(connectionId: string, storeProductIds: readonly string[]): Promise<void> {
    if (storeProductIds.length > 0) {
      await this.repository.query(
        `DELETE FROM "pushed_product_parts" WHERE "connection_id" = $1 AND "store_product_id" = ANY($2::text[])`,
        [connectionId, [...new Set(storeProductIds)]],
      );
    }
  }
}
