import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { NormalizedProduct } from '@storebridge/contracts';
import { Repository } from 'typeorm';
import { StoreProductEntity } from '../entities';
import { StoreRecordMirror, type MirrorRow, type RawStoreRecord } from './store-record-mirror';

export const STORE_PRODUCT_SEARCH_MAX_LIMIT = 100;

/** `%`, `_` and `\` typed by a merchant are searched for literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * The products mirror, also the gateway's copy of each store's catalogue: widget requests (product image,
 * product picker) are answered from it without calling the store.
 */
@Injectable()
export class StoreProductRepository extends StoreRecordMirror<NormalizedProduct, StoreProductEntity> {
  constructor(@InjectRepository(StoreProductEntity) repository: Repository<StoreProductEntity>) {
    super(repository, {
      entity: 'products',
      idProperty: 'storeProductId',
      idColumn: 'store_product_id',
      writtenColumns: {
        name: 'text',
        price: 'numeric',
        regular_price: 'numeric',
        image_url: 'text',
        url: 'text',
        categories: 'jsonb',
        content_hash: 'text',
        raw: 'jsonb',
      },
    });
  }

  /**
   * Field by field, so nothing the mirror does not need (descriptions, stock) is stored by accident in the
   * normalized columns; the store's own record goes whole into `raw`, for merging webhook updates.
   */
  protected toRow(product: NormalizedProduct, raw: RawStoreRecord | null, contentHash: string): MirrorRow {
    return {
      store_product_id: product.id,
      name: product.name,
      price: product.price ?? null,
      regular_price: product.regularPrice ?? null,
      image_url: product.images[0] ?? null,
      url: product.url,
      categories: product.categories,
      content_hash: contentHash,
      raw,
    };
  }

  /** Which of `storeProductIds` the connection's mirror holds: the products sync publishes to push. */
  async findHeldIds(connectionId: string, storeProductIds: readonly string[]): Promise<Set<string>> {
    if (storeProductIds.length === 0) {
      return new Set();
    }
    const rows: Array<{ store_product_id: string }> = await this.repository.query(
      `SELECT "store_product_id" FROM "store_products"
       WHERE "connection_id" = $1::uuid AND "store_product_id" = ANY($2::text[])`,
      [connectionId, [...new Set(storeProductIds)]],
    );
    return new Set(rows.map((row) => row.store_product_id));
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
}
