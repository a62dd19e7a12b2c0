import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { NormalizedOrder } from '@storebridge/contracts';
import { Repository } from 'typeorm';
import { StoreOrderEntity } from '@storebridge/persistence';
import { StoreRecordMirror, type MirrorRow, type RawStoreRecord } from './store-record-mirror';

/** The orders mirror (change detection and webhook merges only). */
@Injectable()
export class StoreOrderRepository extends StoreRecordMirror<NormalizedOrder, StoreOrderEntity> {
  constructor(@InjectRepository(StoreOrderEntity) repository: Repository<StoreOrderEntity>) {
    super(repository, {
      entity: 'orders',
      idProperty: 'storeOrderId',
      idColumn: 'store_order_id',
      writtenColumns: { content_hash: 'text', raw: 'jsonb' },
    });
  }

  protected toRow(order: NormalizedOrder, raw: RawStoreRecord | null, contentHash: string): MirrorRow {
    return { store_order_id: order.id, content_hash: contentHash, raw };
  }
}
