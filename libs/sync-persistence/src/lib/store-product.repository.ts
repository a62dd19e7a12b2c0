import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { NormalizedProduct } from '@storebridge/contracts';
import { StoreProductEntity } from '@storebridge/persistence';
import { Repository } from 'typeorm';
import { StoreRecordMirror, type MirrorRow, type RawStoreRecord } from './store-record-mirror';

/**
 * The products mirror, also the gateway's copy of each store's catalogue: the gateway and push read it through
 * `StoreProductReader` (`@storebridge/persistence`); only sync writes it.
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
}
