import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AcceptedSignatureEntity, returnedRows } from '@storebridge/persistence';

/** ShopiMind's response contract (shopimind.md §4): the only answer body a signature keeps. */
export type KeptAnswerBody = { success: true } | { success: false; error: string };

/** How a request was answered; `body` null when the answer was not kept (another shape than §4's). */
export interface SignatureAnswer {
  status: number;
  body: KeptAnswerBody | null;
}

/**
 * What claiming a signature found: it is ours to process; an earlier request holding it was answered; or one is
 * still being processed (its lease has not run out).
 */
export type SignatureClaim =
  { kind: 'claimed' } | { kind: 'answered'; answer: SignatureAnswer } | { kind: 'in_progress' };

// One statement, so two replicas racing on the same signature cannot both win: the loser waits for the
// winner's row on the primary key and then finds it held. An expired row, or one whose processing lease ran out
// without an answer (its replica died), is taken over in place.
const CLAIM = `
  INSERT INTO "accepted_signatures" ("signature", "route", "expires_at", "processing_until")
  VALUES ($1, $2, $3, $4)
  ON CONFLICT ("signature", "route") DO UPDATE
    SET "accepted_at" = now(), "expires_at" = EXCLUDED."expires_at",
      "processing_until" = EXCLUDED."processing_until", "answer_status" = NULL, "answer_body" = NULL
    WHERE "accepted_signatures"."expires_at" <= now()
      OR ("accepted_signatures"."answer_status" IS NULL AND "accepted_signatures"."processing_until" <= now())
  RETURNING "signature"`;

const HOLDER = `
  SELECT "processing_until", "answer_status", "answer_body" FROM "accepted_signatures"
  WHERE "signature" = $1 AND "route" = $2`;

// In a CTE: the driver returns a bare UPDATE's rows paired with its count, a SELECT's as they are.
const RECORD_ANSWER = `
  WITH "answered" AS (
    UPDATE "accepted_signatures" SET "processing_until" = NULL, "answer_status" = $3, "answer_body" = $4
    WHERE "signature" = $1 AND "route" = $2
    RETURNING "signature"
  )
  SELECT "signature" FROM "answered"`;

interface HolderRow {
  processing_until: Date | string | null;
  answer_status: number | null;
  answer_body: KeptAnswerBody | string | null;
}

/** The anti-replay ledger of signed ShopiMind requests, with their answers (shopimind.md §3). */
@Injectable()
export class AcceptedSignatureRepository {
  constructor(
    @InjectRepository(AcceptedSignatureEntity)
    private readonly repository: Repository<AcceptedSignatureEntity>,
  ) {}

  /**
   * Records `signature` as accepted on `route` until `expiresAt`, being processed until `processingUntil`.
   * Otherwise says what holds it: an answered request (a resend gets its answer) or one still in progress.
   */
  async claim(
    signature: string,
    route: string,
    expiresAt: Date,
    processingUntil: Date,
  ): Promise<SignatureClaim> {
    const claimed: unknown = await this.repository.query(CLAIM, [
      signature,
      route,
      expiresAt,
      processingUntil,
    ]);
    if (returnedRows(claimed).length > 0) {
      return { kind: 'claimed' };
    }
    const [holder] = returnedRows(await this.repository.query(HOLDER, [signature, route])) as HolderRow[];
    // Gone in between (released by a failed request, or purged): the next claim takes it.
    if (!holder) {
      return { kind: 'in_progress' };
    }
    if (holder.answer_status === null && holder.processing_until !== null) {
      return { kind: 'in_progress' };
    }
    const body = typeof holder.answer_body === 'string' ? JSON.parse(holder.answer_body) : holder.answer_body;
    return { kind: 'answered', answer: { status: holder.answer_status ?? 0, body } };
  }

  /** Keeps the answer of a claimed request, ending its processing. True when the claim was still there. */
  async recordAnswer(signature: string, route: string, answer: SignatureAnswer): Promise<boolean> {
    const rows: unknown = await this.repository.query(RECORD_ANSWER, [
      signature,
      route,
      answer.status,
      answer.body === null ? null : JSON.stringify(answer.body),
    ]);
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
