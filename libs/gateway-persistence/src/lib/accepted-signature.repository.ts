import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AcceptedSignatureEntity, returnedRows } from '@storebridge/persistence';

// One statement, so two replicas racing on the same signature cannot both win: the loser waits for the
// winner's row on the primary key and then finds it unexpired. An expired row is taken over in place.
const CLAIM = `
  INSERT INTO "accepted_signatures" ("signature", "route", "expires_at") VALUES ($1, $2, $3)
  ON CONFLICT ("signature", "route") DO UPDATE
    SET "accepted_at" = now(), "expires_at" = EXCLUDED."expires_at"
    WHERE "accepted_signatures"."expires_at" <= now()
  RETURNING "signature"`;

/** The anti-replay ledger of signed ShopiMind requests (shopimind.md §3). */
@Injectable()
export class AcceptedSignatureRepository {
  constructor(
    @InjectRepository(AcceptedSignatureEntity)
    private readonly repository: Repository<AcceptedSignatureEntity>,
  ) {}

  /**
   * Records `signature` as accepted on `route` until `expiresAt`. False when an unexpired row already holds
   * the pair: the request is a replay.
   */
  async claim(signature: string, route: string, expiresAt: Date): Promise<boolean> {
    const rows: unknown = await this.repository.query(CLAIM, [signature, route, expiresAt]);
    return returnedRows(rows).length > 0;
  }

  /** Gives a signature back (its request failed), so the sender's retry is accepted. True when one was held. */
  async release(signature: string, route: string): Promise<boolean> {
    const deleted = await this.repository
      .createQueryBuilder()
      .delete()
      .from(AcceptedSignatureEntity)
      .where('signature = :signature AND route = :route', { signature, route })
      .returning(['signature'])
      .execute();
    return returnedRows(deleted.raw).length > 0;
  }

  /** Deletes the rows expired at `now`; returns how many. */
  async purgeExpired(now: Date): Promise<number> {
    const deleted = await this.repository
      .createQueryBuilder()
      .delete()
      .from(AcceptedSignatureEntity)
      .where('expires_at <= :now', { now })
      .returning(['signature'])
      .execute();
    return returnedRows(deleted.raw).length;
  }
}
