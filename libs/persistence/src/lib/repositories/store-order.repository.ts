import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { NormalizedOrder } from '@storebridge/contracts';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { StoreOrderEntity } from '../entities';
import { recordContentHash, StoreRecordMirror, type RawStoreRecord } from './store-record-mirror';

/** The orders mirror (change detection and webhook merges only). */
@Injectable()
export class StoreOrderRepository extends StoreRecordMirror<NormalizedOrder, StoreOrderEntity> {
  constructor(@InjectRepository(StoreOrderEntity) repository: Repository<StoreOrderEntity>) {
    super(repository, {
      idProperty: 'storeOrderId',
      idColumn: 'store_order_id',
      updatedColumns: ['content_hash', 'raw'],
    });
  }

  protected toRow(
    connectionId: string,
    order: NormalizedOrder,
    raw: RawStoreRecord | null,
  ): QueryDeepPartialEntity<StoreOrderEntity> {
    return {
      connectionId,
      storeOrderId: order.id,
      contentHash: recordContentHash(order),
      // TypeORM's deep-partial typing cannot express `unknown` JSON values; the column takes any object.
      raw: raw as QueryDeepPartialEntity<RawStoreRecord> | null,
    };
  }
}
