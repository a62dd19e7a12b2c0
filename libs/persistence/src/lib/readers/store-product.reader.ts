import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { StoreProductEntity } from '../entities';

export const STORE_PRODUCT_SEARCH_MAX_LIMIT = 100;

// One probe of the primary key per wanted id. The LATERAL lookup (kept apart by its LIMIT) leaves the planner no
// cheaper-looking way to read the connection's rows: planned from statistics taken while sync was still filling
// the mirror, `= ANY` on the connection's rows read all of them for every page of orders.
export const FIND_HELD_IDS = `
  SELECT held."store_product_id"
  FROM unnest($2::text[]) AS wanted ("store_product_id")
  CROSS JOIN LATERAL (
    SELECT "store_product_id" FROM "store_products"
    WHERE "connection_id" = $1::uuid AND "store_product_id" = wanted."store_product_id"
    LIMIT 1
  ) AS held`;

/** `%`, `_` and `\` typed by a merchant are searched for literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * What the gateway (widgets: product image, product picker, answered without calling the store) and push (the
 * products an order refers to) read of the products mirror. Read-only: only sync's StoreProductRepository
 * (`@storebridge/sync-persistence`) writes the mirror.
 */
@Injectable()
export class StoreProductReader {
  constructor(
    @InjectRepository(StoreProductEntity) private readonly repository: Repository<StoreProductEntity>,
  ) {}

  /** Which of `storeProductIds` the connection's mirror holds: the products sync publishes to push. */
  async findHeldIds(connectionId: string, storeProductIds: readonly string[]): Promise<Set<string>> {
    if (storeProductIds.length === 0) {
      return new Set();
    }
    const rows: Array<{ store_product_id: string }> = await this.repository.query(FIND_HELD_IDS, [
      connectionId,
      [...new Set(storeProductIds)],
    ]);
    return new Set(rows.map((row) => row.store_product_id));
  }

  /** Every product id of the connection's mirror and every category name they are in: what ShopiMind may hold. */
  async findIdsAndCategoryNames(
    connectionId: string,
  ): Promise<{ productIds: string[]; categoryNames: string[] }> {
    const products: Array<{ store_product_id: string }> = await this.repository.query(
      `SELECT "store_product_id" FROM "store_products" WHERE "connection_id" = $1::uuid`,
      [connectionId],
    );
    const categories: Array<{ name: string }> = await this.repository.query(
      `SELECT DISTINCT jsonb_array_elements_text("categories") AS "name" FROM "store_products"
       WHERE "connection_id" = $1::uuid AND jsonb_typeof("categories") = 'array'`,
      [connectionId],
    );
    return {
      productIds: products.map((row) => row.store_product_id),
      categoryNames: categories.map((row) => row.name),
    };
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
