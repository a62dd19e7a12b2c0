import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IdMappingEntity } from '../entities';

interface MappingRow {
  store_id: string;
  numeric_id: string | number | bigint;
}

// One statement reads every wanted mapping and creates the missing ones. The LATERAL lookup (kept apart by its
// LIMIT, which stops the planner from flattening it into a join) probes the unique index once per id whatever the
// statistics say: a join planned from stale ones, as during a first big push, scanned every mapping of the
// installation. ORDER BY makes concurrent callers take the unique-index locks in the same order (no deadlock);
// inserting only what `existing` lacks spares sequence values.
const MAP_STORE_IDS = `
  WITH wanted AS (SELECT DISTINCT unnest($3::text[]) AS store_id),
  existing AS (
    SELECT wanted.store_id, mapping.numeric_id
    FROM wanted
    CROSS JOIN LATERAL (
      SELECT "numeric_id" FROM "id_mappings"
      WHERE "installation_id" = $1::uuid AND "entity_type" = $2::text AND "store_id" = wanted.store_id
      LIMIT 1
    ) AS mapping
  ),
  inserted AS (
    INSERT INTO "id_mappings" ("installation_id", "entity_type", "store_id")
    SELECT $1::uuid, $2::text, wanted.store_id
    FROM wanted
    WHERE wanted.store_id NOT IN (SELECT "store_id" FROM existing)
    ORDER BY wanted.store_id
    ON CONFLICT ("installation_id", "entity_type", "store_id") DO NOTHING
    RETURNING "store_id", "numeric_id"
  )
  SELECT "store_id", "numeric_id" FROM existing
  UNION ALL
  SELECT "store_id", "numeric_id" FROM inserted`;

const SELECT_BY_STORE_IDS = `
  SELECT "store_id", "numeric_id" FROM "id_mappings"
  WHERE "installation_id" = $1::uuid AND "entity_type" = $2::text AND "store_id" = ANY($3::text[])`;

const SELECT_BY_NUMERIC_IDS = `
  SELECT "store_id", "numeric_id" FROM "id_mappings"
  WHERE "installation_id" = $1::uuid AND "entity_type" = $2::text AND "numeric_id" = ANY($3::bigint[])`;

/** Stable numeric ids for store ids, per installation and entity type (shopimind.md §9). */
@Injectable()
export class IdMappingRepository {
  constructor(@InjectRepository(IdMappingEntity) private readonly repository: Repository<IdMappingEntity>) {}

  /**
   * The numeric id of every given store id, creating the missing ones, in one statement. Concurrent callers get
   * the same ids: a loser of the insert race waits for the winner's row (ON CONFLICT DO NOTHING) but cannot see
   * it in its own snapshot, so the ids it lacks are read again by a new statement, which does.
   */
  async numericIdsFor(
    installationId: string,
    entityType: string,
    storeIds: readonly string[],
  ): Promise<Map<string, number>> {
    const wanted = [...new Set(storeIds)];
    if (wanted.length === 0) {
      return new Map();
    }
    const rows: MappingRow[] = await this.repository.query(MAP_STORE_IDS, [
      installationId,
      entityType,
      wanted,
    ]);
    const ids = new Map(rows.map((row) => [row.store_id, Number(row.numeric_id)]));
    const lost = wanted.filter((storeId) => !ids.has(storeId));
    if (lost.length > 0) {
      const raced: MappingRow[] = await this.repository.query(SELECT_BY_STORE_IDS, [
        installationId,
        entityType,
        lost,
      ]);
      raced.forEach((row) => ids.set(row.store_id, Number(row.numeric_id)));
    }
    return ids;
  }

  /** The reverse lookup; numeric ids without a mapping are absent from the result. */
  async storeIdsFor(
    installationId: string,
    entityType: string,
    numericIds: readonly number[],
  ): Promise<Map<number, string>> {
    if (numericIds.length === 0) {
      return new Map();
    }
    const rows: MappingRow[] = await this.repository.query(SELECT_BY_NUMERIC_IDS, [
      installationId,
      entityType,
      numericIds.map(String),
    ]);
    return new Map(rows.map((row) => [Number(row.numeric_id), row.store_id]));
  }
}
