import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IdMappingEntity } from '../entities';

interface MappingRow {
  store_id: string;
  numeric_id: string | number | bigint;
}

// One statement creates every missing mapping and reads every wanted one. ORDER BY makes concurrent callers take
// the unique-index locks in the same order (no deadlock); the NOT EXISTS filter spares sequence values for ids that
// are already mapped. The outer SELECT reads the snapshot taken before the INSERT, so a row comes either from
// `inserted` or from `existing`, never both.
const MAP_STORE_IDS = `
  WITH wanted AS (SELECT DISTINCT unnest($3::text[]) AS store_id),
  inserted AS (
    INSERT INTO "id_mappings" ("installation_id", "entity_type", "store_id")
    SELECT $1::uuid, $2::text, wanted.store_id
    FROM wanted
    WHERE NOT EXISTS (
      SELECT 1 FROM "id_mappings" AS existing
      WHERE existing.installation_id = $1::uuid AND existing.entity_type = $2::text
        AND existing.store_id = wanted.store_id
    )
    ORDER BY wanted.store_id
    ON CONFLICT ("installation_id", "entity_type", "store_id") DO NOTHING
    RETURNING "store_id", "numeric_id"
  )
  SELECT "store_id", "numeric_id" FROM inserted
  UNION ALL
  SELECT existing.store_id, existing.numeric_id FROM "id_mappings" AS existing
  JOIN wanted ON wanted.store_id = existing.store_id
  WHERE existing.installation_id = $1::uuid AND existing.entity_type = $2::text`;

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
