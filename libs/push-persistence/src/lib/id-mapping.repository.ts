import { hash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IdMappingEntity } from '@storebridge/persistence';

interface MappingRow {
  store_id: string;
  numeric_id: string | number | bigint;
}

/**
 * The `attempt`-th candidate number of one store id: attempt 0 first, the next one when another store id of the
 * installation and entity type holds it already. Must be a pure function, so that a mapping lost with its commit
 * is recreated under the number ShopiMind already has.
 */
export type IdCandidateFunction = (
  installationId: string,
  entityType: string,
  storeId: string,
  attempt: number,
) => number;

/** Provider token replacing the candidate function (specs force collisions with it). */
export const ID_CANDIDATE_FUNCTION = Symbol('ID_CANDIDATE_FUNCTION');

// ShopiMind (and the sandbox's copy of its validation) takes positive safe integers. Candidates start at 2^32 so
// they never meet the numbers the former sequence handed out, which stay in use.
export const FIRST_CANDIDATE_ID = 2 ** 32;
const CANDIDATE_SPAN = BigInt(Number.MAX_SAFE_INTEGER - FIRST_CANDIDATE_ID + 1);

/** The first 64 bits of sha256 over the four inputs, folded into [2^32, 2^53 - 1]. */
export const hashedIdCandidate: IdCandidateFunction = (installationId, entityType, storeId, attempt) => {
  // JSON keeps the inputs apart whatever characters a store id holds.
  const digest = hash('sha256', JSON.stringify([installationId, entityType, storeId, attempt]), 'buffer');
  return FIRST_CANDIDATE_ID + Number(digest.readBigUInt64BE(0) % CANDIDATE_SPAN);
};

/** A collision per attempt is already unheard of with the hash; this many means the candidates are broken. */
const MAX_ATTEMPTS = 32;

// One statement reads every wanted mapping and creates the missing ones under their candidate numbers. The LATERAL
// lookup (kept apart by its LIMIT, which stops the planner from flattening it into a join) probes the unique index
// once per id whatever the statistics say: a join planned from stale ones, as during a first big push, scanned
// every mapping of the installation. ORDER BY makes concurrent callers take the unique-index locks in the same
// order (no deadlock, colliding candidates aside) and decides which of two colliding store ids keeps the candidate.
// ON CONFLICT names no index: a row skipped for its store id (a concurrent caller mapped it) or for its number
// (another store id holds it) is simply not returned, and the caller tries again.
export const MAP_STORE_IDS = `
  WITH wanted AS (SELECT * FROM unnest($3::text[], $4::bigint[]) AS wanted ("store_id", "candidate")),
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
    INSERT INTO "id_mappings" ("installation_id", "entity_type", "store_id", "numeric_id")
    SELECT $1::uuid, $2::text, wanted.store_id, wanted.candidate
    FROM wanted
    WHERE wanted.store_id NOT IN (SELECT "store_id" FROM existing)
    ORDER BY wanted.store_id
    ON CONFLICT DO NOTHING
    RETURNING "store_id", "numeric_id"
  )
  SELECT "store_id", "numeric_id" FROM existing
  UNION ALL
  SELECT "store_id", "numeric_id" FROM inserted`;

const SELECT_BY_NUMERIC_IDS = `
  SELECT "store_id", "numeric_id" FROM "id_mappings"
  WHERE "installation_id" = $1::uuid AND "entity_type" = $2::text AND "numeric_id" = ANY($3::bigint[])`;

/** Stable numeric ids for store ids, per installation and entity type (shopimind.md §9). */
@Injectable()
export class IdMappingRepository {
  private readonly candidateFor: IdCandidateFunction;

  constructor(
    @InjectRepository(IdMappingEntity) private readonly repository: Repository<IdMappingEntity>,
    @Optional() @Inject(ID_CANDIDATE_FUNCTION) candidateFor?: IdCandidateFunction,
  ) {
    this.candidateFor = candidateFor ?? hashedIdCandidate;
  }

  /**
   * The numeric id of every given store id, creating the missing ones, in one statement (rarely two). A new
   * mapping's number depends on nothing but its installation, entity type and store id (and, after a collision,
   * on which store ids hold the earlier candidates), never on a commit that a crash, a failover or a restore can
   * lose: recreated, it lands on the ShopiMind record written under it. What a statement could not map, the next
   * one maps with the next candidates: a collision, or a store id a concurrent caller was inserting (ON CONFLICT
   * waited for it, but only a new statement's snapshot sees its row, which then wins over the new candidate).
   */
  async numericIdsFor(
    installationId: string,
    entityType: string,
    storeIds: readonly string[],
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    let missing = [...new Set(storeIds)];
    for (let attempt = 0; missing.length > 0; attempt++) {
      if (attempt === MAX_ATTEMPTS) {
        throw new Error(
          `No free numeric id for ${missing.length} ${entityType} ids of installation ${installationId} after ${MAX_ATTEMPTS} candidates`,
        );
      }
      const candidates = missing.map((storeId) =>
        String(this.candidateFor(installationId, entityType, storeId, attempt)),
      );
      const rows: MappingRow[] = await this.repository.query(MAP_STORE_IDS, [
        installationId,
        entityType,
        missing,
        candidates,
      ]);
      rows.forEach((row) => ids.set(row.store_id, Number(row.numeric_id)));
      missing = missing.filter((storeId) => !ids.has(storeId));
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
