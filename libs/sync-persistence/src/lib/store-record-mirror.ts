import { hash } from 'node:crypto';
import {
  recordContentHash,
  returnedRows,
  type StorePageCounts,
  type RecordKind,
} from '@storebridge/persistence';
import type { ObjectLiteral, Repository } from 'typeorm';

/** A store's record as received, before normalization. */
export type RawStoreRecord = Record<string, unknown>;

/** What `recordSeen` learnt about one crawled page. */
export interface SeenPage {
  /** False when this crawl had recorded the page already (a redelivery). */
  firstTime: boolean;
  /** The mirror's content hash of each of the page's records it holds. */
  contentHashes: Map<string, string>;
}

/** What a complete crawl did not see of a connection's records (see `findUnseen`). */
export interface UnseenRecords {
  /** Unseen ids no earlier crawl held the deletion of, in id order. */
  fresh: string[];
  /** Unseen ids an earlier complete crawl held the deletion of: this crawl confirms it. */
  confirmed: string[];
  /** Records the mirror holds for the connection, unseen ones included (0 when none is unseen). */
  mirrored: number;
}

/** What a mirror holds of one record to merge a partial webhook update into it. */
export interface MirroredRecordState {
  contentHash: string;
  raw: RawStoreRecord | null;
}

/**
 * What a crawl keeps of one page (`recordSeen`) so that the same body next time need not be normalized again
 * (`recordUnchangedPage`).
 */
export interface PageFingerprint {
  /** `StorePage.bodyHash`. */
  bodyHash: string;
  /** What normalizing the page depended on besides its body (normalizer version, connection settings). */
  normalizationKey: string;
  /** The content hash of each of the page's valid records, by id. */
  contentHashes: ReadonlyMap<string, string>;
  counts: StorePageCounts;
}

/** A page `recordUnchangedPage` recorded as seen: its counts as the crawl that normalized it found them. */
export interface UnchangedPage {
  /** False when this crawl had recorded the page already (a redelivery). */
  firstTime: boolean;
  counts: StorePageCounts;
}

/**
 * md5 of the content hashes of `ids`, comma-separated in that order: the same digest the mirror's rows give in SQL
 * (`md5(string_agg(content_hash, ','))`), a missing row or hash counting as `-`.
 */
export function mirrorDigest(ids: readonly string[], contentHashes: ReadonlyMap<string, string>): string {
  return hash('md5', ids.map((id) => contentHashes.get(id) ?? '-').join(','), 'hex');
}

/** How one mirror table names its columns; every mirror is keyed by (connection_id, its id column). */
export interface MirrorTableColumns {
  /** The entity its page fingerprints are kept under. */
  entity: RecordKind;
  /** Entity property of the store's id, e.g. `storeProductId`. */
  idProperty: string;
  /** Its column, e.g. `store_product_id`. */
  idColumn: string;
  /** Every other column a write sets (the connection, last seen run and update time aside) → its SQL type. */
  writtenColumns: Readonly<Record<string, string>>;
}

/** One row as a write sends it: the id column and the written columns, by column name. */
export type MirrorRow = Record<string, unknown>;

/** Rows per statement: well under PostgreSQL's 65 535 bind parameters whatever a mirror row holds. */
const UPSERT_CHUNK_SIZE = 500;

/**
 * The mirror of one entity of each store (products, orders): the sync engine's memory of what it last sent, so
 * an unchanged record is not sent again, a record a complete crawl did not see is deleted, and a partial
 * webhook update is merged into the full record. Subclasses only say how a record becomes a row.
 */
export abstract class StoreRecordMirror<TRecord extends { id: string }, TEntity extends ObjectLiteral> {
  protected constructor(
    protected readonly repository: Repository<TEntity>,
    private readonly columns: MirrorTableColumns,
  ) {}

  /** The row of `record`: its id column and every written column, by column name. */
  protected abstract toRow(record: TRecord, raw: RawStoreRecord | null, contentHash: string): MirrorRow;

  /**
   * Inserts new records and overwrites known ones; the last occurrence of a repeated id wins. `raws` holds the
   * store's record of each one by id; a record without one gets a null `raw` (its old record no longer matches).
   * `contentHashes` spares computing again the hashes the caller has (`recordContentHash` of the record).
   */
  async upsertMany(
    connectionId: string,
    records: readonly TRecord[],
    raws?: ReadonlyMap<string, RawStoreRecord>,
    contentHashes?: ReadonlyMap<string, string>,
  ): Promise<void> {
    // One row per key (ON CONFLICT cannot touch a row twice), in key order so concurrent writers lock alike.
    const latest = [...new Map(records.map((record) => [record.id, record])).values()].sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );
    for (let start = 0; start < latest.length; start += UPSERT_CHUNK_SIZE) {
      const rows = latest
        .slice(start, start + UPSERT_CHUNK_SIZE)
        .map((record) =>
          this.toRow(
            record,
            raws?.get(record.id) ?? null,
            contentHashes?.get(record.id) ?? recordContentHash(record),
          ),
        );
      await this.repository.query(this.upsertStatement, [connectionId, JSON.stringify(rows)]);
    }
  }

  /**
   * The rows travel as one JSON parameter unpacked by `jsonb_to_recordset`: a page costs one short statement
   * and one bind instead of TypeORM building ten parameters per row.
   */
  private get upsertStatement(): string {
    const { idColumn, writtenColumns } = this.columns;
    const quoted = (column: string) => `"${column}"`;
    const columns = [idColumn, ...Object.keys(writtenColumns)];
    const recordType = [
      `${quoted(idColumn)} text`,
      ...Object.entries(writtenColumns).map(([column, type]) => `${quoted(column)} ${type}`),
    ];
    const set = [...Object.keys(writtenColumns), 'updated_at'].map(
      (column) => `${quoted(column)} = EXCLUDED.${quoted(column)}`,
    );
    // A record written again exists in the store: a deletion held for it is off.
    set.push(`"deletion_held_by_run" = NULL`);
    return `INSERT INTO "${this.tableName}" ("connection_id", ${columns.map(quoted).join(', ')}, "updated_at")
      SELECT $1::uuid, ${columns.map((column) => `r.${quoted(column)}`).join(', ')}, now()
      FROM jsonb_to_recordset($2::jsonb) AS r(${recordType.join(', ')})
      ON CONFLICT ("connection_id", ${quoted(idColumn)}) DO UPDATE SET ${set.join(', ')}`;
  }

  /**
   * Records the store ids page `page` of crawl `syncRunId` showed (the deletion pass keeps exactly the records a
   * crawl saw) and returns, in the same round trip, the content hash the mirror holds for each of them (to tell
   * changed from unchanged) and whether the page is recorded for the first time: a page this run had recorded
   * already is a redelivered one, whose records push may never have got although the mirror holds them. With a
   * `fingerprint`, the same statement keeps it for the page (written before the mirror is: it claims nothing
   * `recordUnchangedPage` does not check against the mirror).
   */
  async recordSeen(
    connectionId: string,
    syncRunId: string,
    page: number,
    ids: readonly string[],
    fingerprint?: PageFingerprint,
  ): Promise<SeenPage> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) {
      return { firstTime: true, contentHashes: new Map() };
    }
    const parameters: unknown[] = [connectionId, syncRunId, page, wanted];
    if (fingerprint) {
      parameters.push(
        this.columns.entity,
        fingerprint.bodyHash,
        fingerprint.normalizationKey,
        mirrorDigest(wanted, fingerprint.contentHashes),
        JSON.stringify(fingerprint.counts),
      );
    }
    const rows: Array<{ first_time: boolean; id: string; content_hash: string | null }> =
      await this.repository.query(
        fingerprint ? this.recordSeenStatements.withFingerprint : this.recordSeenStatements.plain,
        parameters,
      );
    return {
      firstTime: rows[0]?.first_time === true,
      contentHashes: new Map(
        rows.flatMap((row) => (row.content_hash === null ? [] : [[row.id, row.content_hash] as const])),
      ),
    };
  }

  /**
   * One primary-key probe per id: LATERAL + LIMIT cannot be flattened into a join that stale statistics (as during
   * a first crawl) would plan as a scan of the connection's whole mirror.
   */
  private get recordSeenStatements(): { plain: string; withFingerprint: string } {
    const seen = `seen AS (
           INSERT INTO "sync_run_seen_ids" ("run_id", "page", "ids") VALUES ($2, $3, $4::text[])
           ON CONFLICT ("run_id", "page") DO UPDATE SET "ids" = EXCLUDED."ids"
           RETURNING (xmax = 0) AS first_time
         )`;
    const select = `SELECT (SELECT first_time FROM seen) AS first_time, wanted.id, mirror.content_hash
         FROM unnest($4::text[]) AS wanted(id)
         LEFT JOIN LATERAL (
           SELECT content_hash FROM "${this.tableName}"
           WHERE connection_id = $1 AND "${this.columns.idColumn}" = wanted.id
           LIMIT 1
         ) AS mirror ON true`;
    // A data-modifying WITH runs whether or not the query reads it.
    const fingerprint = `fingerprint AS (
           INSERT INTO "store_page_fingerprints"
             ("connection_id", "entity", "page", "body_hash", "normalization_key", "ids", "mirror_digest", "counts",
              "updated_at")
           VALUES ($1, $5, $3, $6, $7, $4::text[], $8, $9::jsonb, now())
           ON CONFLICT ("connection_id", "entity", "page") DO UPDATE SET
             "body_hash" = EXCLUDED."body_hash", "normalization_key" = EXCLUDED."normalization_key",
             "ids" = EXCLUDED."ids", "mirror_digest" = EXCLUDED."mirror_digest", "counts" = EXCLUDED."counts",
             "updated_at" = EXCLUDED."updated_at"
         )`;
    return {
      plain: `WITH ${seen} ${select}`,
      withFingerprint: `WITH ${seen}, ${fingerprint} ${select}`,
    };
  }

  /**
   * Page bodies this connection's pages had when last crawled with `normalizationKey`, by page: a crawl tries
   * `recordUnchangedPage` only for a page whose body is the same again.
   */
  async findPageBodyHashes(connectionId: string, normalizationKey: string): Promise<Map<number, string>> {
    const rows: Array<{ page: number; body_hash: string }> = await this.repository.query(
      `SELECT "page", "body_hash" FROM "store_page_fingerprints"
       WHERE "connection_id" = $1 AND "entity" = $2 AND "normalization_key" = $3`,
      [connectionId, this.columns.entity, normalizationKey],
    );
    return new Map(rows.map((row) => [row.page, row.body_hash]));
  }

  /**
   * Records page `page` of crawl `syncRunId` as seen without its records, when they are known unchanged: its body
   * and normalization are those of its fingerprint, and the mirror still holds, for each id of it, the content
   * hash that crawl found (no webhook or other page changed or deleted one since). Then normalizing it again would
   * give the same records and `recordSeen` would find none changed: the crawl needs only its ids (kept for the
   * deletion pass) and counts. Returns null, recording nothing, when the fingerprint does not hold.
   */
  async recordUnchangedPage(
    connectionId: string,
    syncRunId: string,
    page: number,
    bodyHash: string,
    normalizationKey: string,
  ): Promise<UnchangedPage | null> {
    const rows: Array<{ first_time: boolean; counts: StorePageCounts }> = await this.repository.query(
      `WITH fingerprint AS (
         SELECT "ids", "counts", "mirror_digest" FROM "store_page_fingerprints"
         WHERE "connection_id" = $1 AND "entity" = $4 AND "page" = $3
           AND "body_hash" = $5 AND "normalization_key" = $6
       ),
       held AS (
         SELECT fingerprint.ids, fingerprint.counts FROM fingerprint
         WHERE fingerprint.mirror_digest = md5(COALESCE((
           SELECT string_agg(COALESCE(mirror.content_hash, '-'), ',' ORDER BY wanted.position)
           FROM unnest(fingerprint.ids) WITH ORDINALITY AS wanted(id, position)
           LEFT JOIN LATERAL (
             SELECT content_hash FROM "${this.tableName}"
             WHERE connection_id = $1 AND "${this.columns.idColumn}" = wanted.id
             LIMIT 1
           ) AS mirror ON true
         ), ''))
       ),
       seen AS (
         INSERT INTO "sync_run_seen_ids" ("run_id", "page", "ids") SELECT $2, $3, held.ids FROM held
         ON CONFLICT ("run_id", "page") DO UPDATE SET "ids" = EXCLUDED."ids"
         RETURNING (xmax = 0) AS first_time
       )
       SELECT seen.first_time, held.counts FROM seen CROSS JOIN held`,
      [connectionId, syncRunId, page, this.columns.entity, bodyHash, normalizationKey],
    );
    const [row] = rows;
    return row ? { firstTime: row.first_time === true, counts: row.counts } : null;
  }

  /** Forgets the fingerprints of pages from `page` on: a complete crawl ended before them. */
  async forgetPagesFrom(connectionId: string, page: number): Promise<void> {
    await this.repository.query(
      `DELETE FROM "store_page_fingerprints" WHERE "connection_id" = $1 AND "entity" = $2 AND "page" >= $3`,
      [connectionId, this.columns.entity, page],
    );
  }

  /**
   * The connection's records that no page of `syncRunId` showed (see `recordSeen`), in id order, split by whether
   * an earlier crawl held their deletion; rows written since the run started (a store webhook during the crawl) are
   * not among them. The start is read in SQL: a JS Date would cut it to the millisecond and take rows written just
   * before for newer.
   */
  async findUnseen(connectionId: string, syncRunId: string): Promise<UnseenRecords> {
    const id = `"${this.columns.idColumn}"`;
    const rows: Array<{ id: string; confirmed: boolean; mirrored: string | number }> =
      await this.repository.query(
        // An anti-join (hashed, spilling to disk if it must) whatever the catalogue size; NOT IN could not spill.
        `WITH seen AS (SELECT unnest(ids) AS id FROM "sync_run_seen_ids" WHERE run_id = $2)
         SELECT mirror.${id} AS id,
           COALESCE(mirror.deletion_held_by_run <> $2::uuid, false) AS confirmed,
           (SELECT count(*) FROM "${this.tableName}" WHERE connection_id = $1) AS mirrored
         FROM "${this.tableName}" AS mirror
         WHERE mirror.connection_id = $1
           AND mirror.updated_at < (SELECT started_at FROM "sync_runs" WHERE id = $2)
           AND NOT EXISTS (SELECT 1 FROM seen WHERE seen.id = mirror.${id})
         ORDER BY mirror.${id}`,
        [connectionId, syncRunId],
      );
    return {
      fresh: rows.filter((row) => !row.confirmed).map((row) => row.id),
      confirmed: rows.filter((row) => row.confirmed).map((row) => row.id),
      mirrored: rows.length === 0 ? 0 : Number(rows[0].mirrored),
    };
  }

  /** Marks `ids` as missing from complete crawl `syncRunId`, their deletion held until a later one confirms it. */
  async holdDeletions(connectionId: string, syncRunId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.repository.query(
      `UPDATE "${this.tableName}" SET "deletion_held_by_run" = $2
       WHERE connection_id = $1 AND "${this.columns.idColumn}" = ANY($3::text[]) AND "deletion_held_by_run" IS NULL`,
      [connectionId, syncRunId, [...ids]],
    );
  }

  /** Lifts the held deletion of every record crawl `syncRunId` saw: the store has it after all. */
  async releaseHeldDeletions(connectionId: string, syncRunId: string): Promise<void> {
    await this.repository.query(
      `UPDATE "${this.tableName}" AS mirror SET "deletion_held_by_run" = NULL
       WHERE mirror.connection_id = $1 AND mirror."deletion_held_by_run" IS NOT NULL
         AND EXISTS (
           SELECT 1 FROM "sync_run_seen_ids" AS seen
           WHERE seen.run_id = $2 AND mirror."${this.columns.idColumn}" = ANY(seen.ids)
         )`,
      [connectionId, syncRunId],
    );
  }

  /** What the mirror holds of each of `ids` it holds, by id, in one statement; unknown ids are left out. */
  async findStates(connectionId: string, ids: readonly string[]): Promise<Map<string, MirroredRecordState>> {
    if (ids.length === 0) {
      return new Map();
    }
    const idColumn = this.columns.idColumn;
    const rows: Array<{ id: string; content_hash: string; raw: RawStoreRecord | null }> =
      await this.repository.query(
        `SELECT "${idColumn}" AS id, content_hash, raw FROM "${this.tableName}"
          WHERE connection_id = $1 AND "${idColumn}" = ANY($2::text[])`,
        [connectionId, [...new Set(ids)]],
      );
    return new Map(rows.map((row) => [row.id, { contentHash: row.content_hash, raw: row.raw }]));
  }

  /** Returns how many rows were deleted; unknown ids are ignored. */
  async deleteMany(connectionId: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) {
      return 0;
    }
    // The query builder, not raw SQL: drivers shape a raw DELETE … RETURNING result differently.
    const deleted = await this.repository
      .createQueryBuilder()
      .delete()
      .from(this.repository.target)
      .where('connection_id = :connectionId', { connectionId })
      .andWhere(`"${this.columns.idColumn}" = ANY(:ids)`, { ids: [...new Set(ids)] })
      .returning([this.columns.idProperty])
      .execute();
    return returnedRows(deleted.raw).length;
  }

  private get tableName(): string {
    return this.repository.metadata.tableName;
  }
}
