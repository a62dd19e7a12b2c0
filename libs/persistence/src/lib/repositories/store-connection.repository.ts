import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { StoreConnectionEntity } from '../entities';
import { returnedRows } from './query-results';

/**
 * One statement, so replicas never claim the same connection twice: due rows are locked with SKIP LOCKED (a
 * concurrent claimer skips them, and once committed they are no longer due) and moved to their next slot.
 * A slot is only published when it was really scheduled (not NULL: first sight, e.g. right after the
 * migration) and the installation was not (re)activated within the last interval: the activate already
 * requested a sync, which counts as this slot, so the next one is an interval after the activation.
 */
const CLAIM_DUE_SYNCS = `
  WITH "due" AS (
    SELECT
      "connection"."id",
      "connection"."next_sync_at" AS "due_at",
      "connection"."sync_interval_minutes" * interval '1 minute' AS "every",
      "installation"."activated_at"
    FROM "store_connections" "connection"
    INNER JOIN "installations" "installation" ON "installation"."id" = "connection"."installation_id"
    WHERE "installation"."status" = 'active'
      AND ("connection"."next_sync_at" IS NULL OR "connection"."next_sync_at" <= $1::timestamptz)
    ORDER BY "connection"."next_sync_at" ASC NULLS FIRST
    LIMIT $2
    FOR UPDATE OF "connection" SKIP LOCKED
  ), "claimed" AS (
    UPDATE "store_connections" "connection"
    SET "next_sync_at" = CASE
      WHEN "due"."activated_at" > $1::timestamptz - "due"."every" THEN "due"."activated_at" + "due"."every"
      ELSE $1::timestamptz + "due"."every"
    END
    FROM "due"
    WHERE "connection"."id" = "due"."id"
    RETURNING
      "connection"."id",
      "connection"."sync_interval_minutes",
      "connection"."next_sync_at",
      "due"."due_at",
      "due"."due_at" IS NOT NULL
        AND ("due"."activated_at" IS NULL OR "due"."activated_at" <= $1::timestamptz - "due"."every") AS "publish"
  )
  SELECT "id", "sync_interval_minutes", "next_sync_at", "due_at" FROM "claimed" WHERE "publish"`;

// Raw, like the claim: the schedule is not a configuration change, so `updated_at` stays as it is.
const RELEASE_SYNC_CLAIM = `
  WITH "released" AS (
    UPDATE "store_connections" SET "next_sync_at" = $2::timestamptz
    WHERE "id" = $1 AND "next_sync_at" = $3::timestamptz
    RETURNING "id"
  )
  SELECT "id" FROM "released"`;

/** A scheduled sync this replica has claimed and must now request. */
export interface ClaimedSync {
  id: string;
  syncIntervalMinutes: number;
  /** The slot that fell due: stable for the slot, so it makes a de-duplication id. */
  dueAt: Date;
  /** The slot it was moved to. */
  nextSyncAt: Date;
}

interface ClaimedSyncRow {
  id: string;
  sync_interval_minutes: number;
  next_sync_at: Date | string;
  due_at: Date | string;
}

/** Everything the merchant configures; `storeToken` is only used when the connection is first created. */
export type StoreConnectionInput = Pick<
  StoreConnectionEntity,
  | 'baseUrl'
  | 'authMethod'
  | 'credentialsCiphertext'
  | 'paths'
  | 'fieldMappings'
  | 'lang'
  | 'currency'
  | 'syncIntervalMinutes'
  | 'perPage'
  | 'storeToken'
> &
  Partial<
    Pick<
      StoreConnectionEntity,
      'webhookSecretCiphertext' | 'configFingerprint' | 'excludedCategories' | 'shopimindLang'
    >
  >;

@Injectable()
export class StoreConnectionRepository {
  constructor(
    @InjectRepository(StoreConnectionEntity) private readonly repository: Repository<StoreConnectionEntity>,
  ) {}

  findById(id: string): Promise<StoreConnectionEntity | null> {
    return this.repository.findOneBy({ id });
  }

  /** By `installations.id` (our uuid, not ShopiMind's installation id). */
  findByInstallation(installationId: string): Promise<StoreConnectionEntity | null> {
    return this.repository.findOneBy({ installationId });
  }

  findByStoreToken(storeToken: string): Promise<StoreConnectionEntity | null> {
    return this.repository.findOneBy({ storeToken });
  }

  /** Every connection to the store at this base URL (as stored: normalized), the last reconfigured first. */
  findByBaseUrl(baseUrl: string): Promise<StoreConnectionEntity[]> {
    return this.repository.find({ where: { baseUrl }, order: { updatedAt: 'DESC', id: 'ASC' } });
  }

  /** Connections whose installation is active: the ones the scheduler syncs. */
  findAllOfActiveInstallations(): Promise<StoreConnectionEntity[]> {
    return this.repository
      .createQueryBuilder('connection')
      .innerJoin('connection.installation', 'installation')
      .where('installation.status = :status', { status: 'active' })
      .orderBy('connection.createdAt', 'ASC')
      .getMany();
  }

  /**
   * Claims up to `limit` connections of active installations whose scheduled sync is due at `now`, moves each
   * to its next slot, and returns those to request now (see CLAIM_DUE_SYNCS for the slots that are only
   * initialised). Safe to call from several replicas at once.
   */
  async claimDueSyncs(now: Date, limit: number): Promise<ClaimedSync[]> {
    const rows = returnedRows(
      await this.repository.query(CLAIM_DUE_SYNCS, [now.toISOString(), limit]),
    ) as ClaimedSyncRow[];
    return rows.map((row) => ({
      id: row.id,
      syncIntervalMinutes: row.sync_interval_minutes,
      dueAt: new Date(row.due_at),
      nextSyncAt: new Date(row.next_sync_at),
    }));
  }

  /**
   * Gives a claimed slot back (its sync request could not be published), so the next claim picks it up again.
   * A no-op when the connection has been rescheduled since. True when the slot was given back.
   */
  async releaseSyncClaim(claim: Pick<ClaimedSync, 'id' | 'dueAt' | 'nextSyncAt'>): Promise<boolean> {
    const rows: unknown = await this.repository.query(RELEASE_SYNC_CLAIM, [
      claim.id,
      claim.dueAt.toISOString(),
      claim.nextSyncAt.toISOString(),
    ]);
    return returnedRows(rows).length > 0;
  }

  /**
   * Creates the installation's connection or reconfigures it in place. The row keeps its id (sync state and
   * history survive a credential rotation, generic-api.md §8) and its store token (webhook URLs stay valid).
   */
  async upsertForInstallation(
    installationId: string,
    input: StoreConnectionInput,
  ): Promise<StoreConnectionEntity> {
    await this.repository
      .createQueryBuilder()
      .insert()
      .into(StoreConnectionEntity)
      .values({
        webhookSecretCiphertext: null,
        configFingerprint: null,
        excludedCategories: [],
        ...input,
        installationId,
        updatedAt: () => 'now()',
      })
      .orUpdate(
        [
          'base_url',
          'auth_method',
          'credentials_ciphertext',
          'paths',
          'field_mappings',
          'lang',
          'currency',
          'sync_interval_minutes',
          'per_page',
          'excluded_categories',
          'webhook_secret_ciphertext',
          'config_fingerprint',
          'updated_at',
        ],
        ['installation_id'],
      )
      .execute();
    return this.repository.findOneByOrFail({ installationId });
  }

  /**
   * Records that every record of the connection was published under configuration `fingerprint`; a no-op when the
   * configuration changed since (its records are still to publish).
   */
  async recordRepublished(id: string, fingerprint: string | null): Promise<void> {
    await this.repository.query(
      `UPDATE "store_connections" SET "republished_fingerprint" = $2
       WHERE "id" = $1 AND "config_fingerprint" IS NOT DISTINCT FROM $2`,
      [id, fingerprint],
    );
  }

  /** Records that ShopiMind holds the connection's products in `to` now, if it held them in `from`. */
  async replaceShopimindLang(id: string, from: string, to: string): Promise<boolean> {
    const rows: unknown = await this.repository.query(
      `WITH "replaced" AS (
         UPDATE "store_connections" SET "shopimind_lang" = $3 WHERE "id" = $1 AND "shopimind_lang" = $2
         RETURNING "id"
       )
       SELECT "id" FROM "replaced"`,
      [id, from, to],
    );
    return returnedRows(rows).length > 0;
  }

  /**
   * The credentials go with the row; its sync runs, mirrors and push ledger cascade. The installation's id
   * mappings stay: a reinstall of the same shop must find ShopiMind's records under the same numbers. Returns
   * whether a connection was deleted.
   */
  async deleteByInstallation(installationId: string): Promise<boolean> {
    const deleted = await this.repository
      .createQueryBuilder()
      .delete()
      .from(StoreConnectionEntity)
      .where('installation_id = :installationId', { installationId })
      .returning(['id'])
      .execute();
    return returnedRows(deleted.raw).length > 0;
  }
}
