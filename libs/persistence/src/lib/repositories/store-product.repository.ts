import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { NormalizedProduct } from '@storebridge/contracts';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { StoreProductEntity } from '../entities';
import { returnedRows } from './query-results';

export type StoreProductRow = Omit<StoreProductEntity, 'connection' | 'updatedAt' | 'lastSeenRunId'>;

export type StoreProductSyncState = Pick<StoreProductEntity, 'contentHash' | 'lastSeenRunId'>;

/** A store's product record as received, before normalization. */
export type RawStoreRecord = Record<string, unknown>;

/** Keeps one statement well under PostgreSQL's 65 535 bind parameters (10 per row). */
const UPSERT_CHUNK_SIZE = 500;

export const STORE_PRODUCT_SEARCH_MAX_LIMIT = 100;

/** sha256 of the normalized product as synced: equal hashes mean nothing changed for ShopiMind. */
export function storeProductContentHash(product: NormalizedProduct): string {
  return createHash('sha256').update(JSON.stringify(product)).digest('hex');
}

/**
 * Field by field, so nothing the mirror does not need (descriptions, stock) is stored by accident in the
 * normalized columns; the store's own record goes whole into `raw`, for merging webhook updates.
 */
export function toStoreProductRow(
  connectionId: string,
  product: NormalizedProduct,
  raw: RawStoreRecord | null = null,
): StoreProductRow {
  return {
    connectionId,
    storeProductId: product.id,
    name: product.name,
    price: product.price ?? null,
    regularPrice: product.regularPrice ?? null,
    imageUrl: product.images[0] ?? null,
    url: product.url,
    categories: [...product.categories],
    contentHash: storeProductContentHash(product),
    raw,
  };
}

/** `%`, `_` and `\` typed by a merchant are searched for literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** The gateway's copy of each store's catalogue, written by the product sync. */
@Injectable()
export class StoreProductRepository {
  constructor(
    @InjectRepository(StoreProductEntity) private readonly repository: Repository<StoreProductEntity>,
  ) {}

  /**
   * Inserts new products and overwrites known ones; the last occurrence of a repeated id wins. `raws` holds the
   * store's record of each product by id; a product without one gets a null `raw` (its old record no longer
   * matches what is stored).
   */
  async upsertMany(
    connectionId: string,
    products: readonly NormalizedProduct[],
    raws?: ReadonlyMap<string, RawStoreRecord>,
  ): Promise<void> {
    const byId = new Map(
      products.map((product) => [
        product.id,
        toStoreProductRow(connectionId, product, raws?.get(product.id) ?? null),
      ]),
    );
    // One row per key (ON CONFLICT cannot touch a row twice), in key order so concurrent writers lock alike.
    const rows = [...byId.values()].sort((a, b) => (a.storeProductId < b.storeProductId ? -1 : 1));
    for (let start = 0; start < rows.length; start += UPSERT_CHUNK_SIZE) {
      const chunk = rows.slice(start, start + UPSERT_CHUNK_SIZE);
      await this.repository
        .createQueryBuilder()
        .insert()
        .into(StoreProductEntity)
        .values(
          chunk.map((row) => ({
            ...row,
            // TypeORM's deep-partial typing cannot express `unknown` JSON values; the column takes any object.
            raw: row.raw as QueryDeepPartialEntity<RawStoreRecord> | null,
            updatedAt: () => 'now()',
          })),
        )
        .orUpdate(
          [
            'name',
            'price',
            'regular_price',
            'image_url',
            'url',
            'categories',
            'content_hash',
            'raw',
            'updated_at',
          ],
          ['connection_id', 'store_product_id'],
        )
        .execute();
    }
  }

  /**
   * What the mirror knows of each of these products it holds (one query): its content hash, to tell a changed
   * product from an unchanged one, and the last run that saw it.
   */
  async syncStatesOf(
    connectionId: string,
    storeProductIds: readonly string[],
  ): Promise<Map<string, StoreProductSyncState>> {
    if (storeProductIds.length === 0) {
      return new Map();
    }
    const rows = await this.repository
      .createQueryBuilder('product')
      .select(['product.storeProductId', 'product.contentHash', 'product.lastSeenRunId'])
      .where('product.connectionId = :connectionId', { connectionId })
      .andWhere('product.storeProductId = ANY(:storeProductIds)', {
        storeProductIds: [...new Set(storeProductIds)],
      })
      .getMany();
    return new Map(
      rows.map((row) => [
        row.storeProductId,
        { contentHash: row.contentHash, lastSeenRunId: row.lastSeenRunId },
      ]),
    );
  }

  /** Records that `syncRunId` saw these products (changed or not), so a complete crawl keeps them. */
  async markSeen(connectionId: string, storeProductIds: readonly string[], syncRunId: string): Promise<void> {
    if (storeProductIds.length === 0) {
      return;
    }
    await this.repository
      .createQueryBuilder()
      .update(StoreProductEntity)
      .set({ lastSeenRunId: syncRunId })
      .where('connection_id = :connectionId', { connectionId })
      .andWhere('store_product_id = ANY(:storeProductIds)', {
        storeProductIds: [...new Set(storeProductIds)],
      })
      .execute();
  }

  /** Ids of the connection's products that `syncRunId` did not see (never seen by any run included), in id order. */
  async findUnseen(connectionId: string, syncRunId: string): Promise<string[]> {
    const rows = await this.repository
      .createQueryBuilder('product')
      .select(['product.storeProductId'])
      .where('product.connectionId = :connectionId', { connectionId })
      .andWhere('product.lastSeenRunId IS DISTINCT FROM :syncRunId', { syncRunId })
      .orderBy('product.storeProductId', 'ASC')
      .getMany();
    return rows.map((row) => row.storeProductId);
  }

  findOne(connectionId: string, storeProductId: string): Promise<StoreProductEntity | null> {
    return this.repository.findOneBy({ connectionId, storeProductId });
  }

  /**
   * A connection's products by name, alphabetically: those whose name contains `query` (case-insensitive) or
   * whose id is exactly `query`; all of them without a query. `limit` is capped.
   */
  async search(
    connectionId: string,
    query: string | undefined,
    limit: number,
  ): Promise<StoreProductEntity[]> {
    const take = Math.min(Math.trunc(limit), STORE_PRODUCT_SEARCH_MAX_LIMIT);
    if (!(take > 0)) {
      // TypeORM reads a limit of 0 as "no limit".
      return [];
    }
    const builder = this.repository
      .createQueryBuilder('product')
      .where('product.connectionId = :connectionId', { connectionId })
      .orderBy('product.name', 'ASC')
      .addOrderBy('product.storeProductId', 'ASC')
      .limit(take);
    const text = query?.trim();
    if (text) {
      // Backslash is LIKE's default escape character.
      builder.andWhere('(product.name ILIKE :pattern OR product.storeProductId = :text)', {
        pattern: `%${escapeLike(text)}%`,
        text,
      });
    }
    return builder.getMany();
  }

  /** Returns how many rows were deleted; unknown ids are ignored. */
  async deleteMany(connectionId: string, storeProductIds: readonly string[]): Promise<number> {
    if (storeProductIds.length === 0) {
      return 0;
    }
    const deleted = await this.repository
      .createQueryBuilder()
      .delete()
      .from(StoreProductEntity)
      .where('connection_id = :connectionId', { connectionId })
      .andWhere('store_product_id = ANY(:storeProductIds)', {
        storeProductIds: [...new Set(storeProductIds)],
      })
      .returning(['storeProductId'])
      .execute();
    return returnedRows(deleted.raw).length;
  }
}
