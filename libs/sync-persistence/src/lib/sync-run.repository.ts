import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  MAX_SKIPPED_RECORDS_KEPT,
  SkippedStoreRecord,
  RecordKind,
  SyncRunEntity,
  SyncRunTimings,
  SyncWarningCounts,
  isUniqueViolation,
  returnedRows,
} from '@storebridge/persistence';
import { SyncRunAlreadyRunningException } from './sync-run.exception';

export interface StartSyncRun {
  connectionId: string;
  entity: RecordKind;
  trigger: string;
  /** Defaults to 1. */
  nextPage?: number;
}

/** What one crawled page adds to a run; counts are deltas, `nextPage` is where a resumed crawl continues. */
export interface SyncRunPageProgress {
  nextPage: number;
  /** Defaults to 1. */
  pagesFetched?: number;
  recordsSeen?: number;
  recordsValid?: number;
  recordsSkipped?: number;
  recordsChanged?: number;
  recordsDeleted?: number;
  deletionsHeld?: number;
  warnings?: SyncWarningCounts;
  /** Added to the run's, the first MAX_SKIPPED_RECORDS_KEPT of the run kept. */
  skippedRecords?: SkippedStoreRecord[];
  /** How the crawl ended, once it has (see `SyncRunEntity.stopReason`). */
  stopReason?: string;
  endConfirmed?: boolean;
  /** Milliseconds spent by step on this page, added to the run's. */
  timings?: SyncRunTimings;
}

export type FinishedSyncRunStatus = 'succeeded' | 'failed';

const COUNTER_COLUMNS = {
  pagesFetched: 'pages_fetched',
  recordsSeen: 'records_seen',
  recordsValid: 'records_valid',
  recordsSkipped: 'records_skipped',
  recordsChanged: 'records_changed',
  recordsDeleted: 'records_deleted',
  deletionsHeld: 'deletions_held',
} as const;

/** Appends the page's skipped records to the run's, keeping the first ones. */
const APPEND_SKIPPED_RECORDS = `(
  SELECT COALESCE(jsonb_agg(kept.entry ORDER BY kept.position), '[]'::jsonb)
  FROM (
    SELECT entry, position
    FROM jsonb_array_elements("skipped_records" || CAST(:skippedRecords AS jsonb)) WITH ORDINALITY AS t(entry, position)
    ORDER BY position
    LIMIT ${MAX_SKIPPED_RECORDS_KEPT}
  ) AS kept
)`;

/**
 * Adds the page's counts to a jsonb object column of counts key by key, inside the UPDATE so concurrent writers
 * can't lose counts.
 */
function mergeCounts(column: 'warnings' | 'timings'): string {
  return `(
  SELECT COALESCE(jsonb_object_agg(counts.key, counts.total), '{}'::jsonb)
  FROM (
    SELECT entry.key, SUM(entry.value::numeric) AS total
    FROM (
      SELECT key, value FROM jsonb_each_text("${column}")
      UNION ALL
      SELECT key, value FROM jsonb_each_text(CAST(:${column} AS jsonb))
    ) AS entry
    GROUP BY entry.key
  ) AS counts
)`;
}

@Injectable()
export class SyncRunRepository {
  constructor(@InjectRepository(SyncRunEntity) private readonly repository: Repository<SyncRunEntity>) {}

  findById(id: string): Promise<SyncRunEntity | null> {
    return this.repository.findOneBy({ id });
  }

  /**
   * Opens a running run. Throws `SyncRunAlreadyRunningException` when this connection already has a running
   * run for the entity: resume that one (`findResumable`) or finish it first.
   */
  async start(input: StartSyncRun): Promise<SyncRunEntity> {
    const run = this.repository.create({
      connectionId: input.connectionId,
      entity: input.entity,
      trigger: input.trigger,
      status: 'running',
      nextPage: input.nextPage ?? 1,
    });
    try {
      return await this.repository.save(run);
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_sync_runs_running_connection_entity')) {
        throw new SyncRunAlreadyRunningException(input.connectionId, input.entity);
      }
      throw error;
    }
  }

  /** Records a crawled page atomically. Returns false when the run is not running any more. */
  async recordPage(id: string, progress: SyncRunPageProgress): Promise<boolean> {
    const set: Record<string, () => string> = { nextPage: () => ':nextPage' };
    const parameters: Record<string, unknown> = { id, nextPage: progress.nextPage };
    const deltas = { ...progress, pagesFetched: progress.pagesFetched ?? 1 };
    for (const [property, column] of Object.entries(COUNTER_COLUMNS)) {
      const delta = deltas[property as keyof typeof COUNTER_COLUMNS] ?? 0;
      if (delta !== 0) {
        set[property] = () => `"${column}" + :${property}`;
        parameters[property] = delta;
      }
    }
    if (progress.skippedRecords && progress.skippedRecords.length > 0) {
      set['skippedRecords'] = () => APPEND_SKIPPED_RECORDS;
      parameters['skippedRecords'] = JSON.stringify(
        progress.skippedRecords.slice(0, MAX_SKIPPED_RECORDS_KEPT),
      );
    }
    if (progress.stopReason !== undefined) {
      set['stopReason'] = () => ':stopReason';
      parameters['stopReason'] = progress.stopReason;
    }
    if (progress.endConfirmed !== undefined) {
      set['endConfirmed'] = () => ':endConfirmed';
      parameters['endConfirmed'] = progress.endConfirmed;
    }
    for (const column of ['warnings', 'timings'] as const) {
      const counts = progress[column];
      if (counts && Object.keys(counts).length > 0) {
        set[column] = () => mergeCounts(column);
        parameters[column] = JSON.stringify(counts);
      }
    }
    const result = await this.repository
      .createQueryBuilder()
      .update(SyncRunEntity)
      .set(set)
      .where('id = :id AND status = :running', { running: 'running' })
      .setParameters(parameters)
      .returning(['id'])
      .execute();
    return returnedRows(result.raw).length > 0;
  }

  /** Closes a running run. Returns null when it was not running (already finished, or unknown id). */
  async finish(id: string, status: FinishedSyncRunStatus, error?: string): Promise<SyncRunEntity | null> {
    const result = await this.repository
      .createQueryBuilder()
      .update(SyncRunEntity)
      .set({ status, error: error ?? null, finishedAt: () => 'now()' })
      .where('id = :id AND status = :running', { id, running: 'running' })
      .returning(['id'])
      .execute();
    if (returnedRows(result.raw).length === 0) {
      return null;
    }
    // Only a running crawl needs them (deletions, redelivered pages).
    await this.repository.query(`DELETE FROM "sync_run_seen_ids" WHERE "run_id" = $1`, [id]);
    return this.findById(id);
  }

  /** Runs a restarted worker should continue (from their `nextPage`), oldest first. */
  findResumable(connectionId: string, entity?: RecordKind): Promise<SyncRunEntity[]> {
    return this.repository.find({
      where: { connectionId, status: 'running', ...(entity ? { entity } : {}) },
      order: { startedAt: 'ASC' },
    });
  }
}
