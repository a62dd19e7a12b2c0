import type { Client } from 'pg';

/** What the benchmark reads of a `sync_runs` row. */
export interface SyncRunSummary {
  id: string;
  entity: string;
  trigger: string;
  status: string;
  pagesFetched: number;
  recordsSeen: number;
  recordsValid: number;
  recordsSkipped: number;
  recordsChanged: number;
  recordsDeleted: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  /** Milliseconds by step, when the sync service records them. */
  timings: Record<string, number>;
}

function text(row: Record<string, unknown>, key: string): string {
  const value = row[key];
  return typeof value === 'string' ? value : '';
}

function count(row: Record<string, unknown>, key: string): number {
  const value = row[key];
  return typeof value === 'number' ? value : 0;
}

function date(row: Record<string, unknown>, key: string): Date | null {
  const value = row[key];
  return typeof value === 'string' ? new Date(value) : null;
}

function numbers(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}

/**
 * From `to_jsonb(sync_runs row)`: columns the table does not have (yet) read as empty, so the benchmark does not
 * depend on the exact schema version.
 */
export function toSyncRunSummary(row: Record<string, unknown>): SyncRunSummary {
  const error = row['error'];
  return {
    id: text(row, 'id'),
    entity: text(row, 'entity'),
    trigger: text(row, 'trigger'),
    status: text(row, 'status'),
    pagesFetched: count(row, 'pages_fetched'),
    recordsSeen: count(row, 'records_seen'),
    recordsValid: count(row, 'records_valid'),
    recordsSkipped: count(row, 'records_skipped'),
    recordsChanged: count(row, 'records_changed'),
    recordsDeleted: count(row, 'records_deleted'),
    error: typeof error === 'string' ? error : null,
    startedAt: date(row, 'started_at') ?? new Date(0),
    finishedAt: date(row, 'finished_at'),
    timings: numbers(row['timings']),
  };
}

/** The connection's runs started by `trigger`, oldest first. */
export async function readSyncRuns(
  database: Client,
  connectionId: string,
  trigger: string,
): Promise<SyncRunSummary[]> {
  const { rows } = await database.query<{ run: Record<string, unknown> }>(
    `SELECT to_jsonb(r) AS run FROM sync_runs r
      WHERE r.connection_id = $1 AND r.trigger = $2
      ORDER BY r.started_at`,
    [connectionId, trigger],
  );
  return rows.map((row) => toSyncRunSummary(row.run));
}
