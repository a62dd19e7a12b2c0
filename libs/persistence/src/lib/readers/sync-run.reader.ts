import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SyncRunEntity, type RecordKind } from '../entities';

/** How many runs `findRecent` returns at most, whatever it is asked. */
export const SYNC_RUN_LIST_MAX_LIMIT = 100;

/**
 * What the gateway (the admin API) reads of the sync runs. Read-only: only sync's SyncRunRepository
 * (`@storebridge/sync-persistence`) writes them.
 */
@Injectable()
export class SyncRunReader {
  constructor(@InjectRepository(SyncRunEntity) private readonly repository: Repository<SyncRunEntity>) {}

  /** Newest first, for "open the sync run to read the error" (generic-api.md §8); `limit` is capped. */
  findRecent(connectionId: string, limit = 20): Promise<SyncRunEntity[]> {
    const take = Math.min(Math.trunc(limit), SYNC_RUN_LIST_MAX_LIMIT);
    if (!(take > 0)) {
      // TypeORM reads a limit of 0 as "no limit".
      return Promise.resolve([]);
    }
    return this.repository.find({ where: { connectionId }, order: { startedAt: 'DESC' }, take });
  }

  /** The connection's crawls in progress (one per entity at most), products first. */
  findRunning(connectionId: string): Promise<SyncRunEntity[]> {
    return this.repository.find({
      where: { connectionId, status: 'running' },
      order: { entity: 'DESC', startedAt: 'ASC' },
    });
  }

  /**
   * The last crawl of the entity that succeeded and proved the store's end: how many pages and records a whole
   * catalogue took, the yardstick of a running crawl's estimate.
   */
  findLastComplete(connectionId: string, entity: RecordKind): Promise<SyncRunEntity | null> {
    return this.repository.findOne({
      where: { connectionId, entity, status: 'succeeded', endConfirmed: true },
      order: { finishedAt: 'DESC' },
    });
  }
}
