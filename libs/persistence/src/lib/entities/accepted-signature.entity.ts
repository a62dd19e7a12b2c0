import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A ShopiMind request signature already accepted on one route (shopimind.md §3, anti-replay **[ours, revised]**),
 * shared by every gateway replica, with the answer its request got: an exact resend is answered with it. A row
 * is useless once its request's timestamp is out of the freshness window: `expires_at`.
 *
 * States: processing (`processing_until` set, no answer), answered (`answer_status` set; `answer_body` null when
 * the answer was not kept), or done without an answer (both null: rows accepted before answers were kept).
 */
@Entity({ name: 'accepted_signatures' })
export class AcceptedSignatureEntity {
  /** Lower-case hex HMAC of `<timestamp>.<raw body>`. */
  @PrimaryColumn({ name: 'signature', type: 'text', primaryKeyConstraintName: 'PK_accepted_signatures' })
  signature!: string;

  /**
   * The route it was accepted on: the signature does not cover the URL, and ShopiMind may send one config map
   * to several routes in the same second (test-connection, remote-data of each resource).
   */
  @PrimaryColumn({ name: 'route', type: 'text', primaryKeyConstraintName: 'PK_accepted_signatures' })
  route!: string;

  @CreateDateColumn({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;

  @Index('IDX_accepted_signatures_expires_at')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** While its request is processed: past this, the processing is presumed dead and a resend takes over. */
  @Column({ name: 'processing_until', type: 'timestamptz', nullable: true })
  processingUntil!: Date | null;

  /** The HTTP status the request was answered with. */
  @Column({ name: 'answer_status', type: 'integer', nullable: true })
  answerStatus!: number | null;

  /** The JSON body it was answered with, only in ShopiMind's `{success, error}` shape (never a credential). */
  @Column({ name: 'answer_body', type: 'jsonb', nullable: true })
  answerBody!: { success: boolean; error?: string } | null;
}
