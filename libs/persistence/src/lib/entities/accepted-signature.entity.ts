import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A ShopiMind request signature already accepted on one route (shopimind.md §3, anti-replay **[ours]**), shared
 * by every gateway replica. A row is useless once its request's timestamp is out of the freshness window:
 * `expires_at`.
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
}
