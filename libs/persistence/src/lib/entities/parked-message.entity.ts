import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from './column-transformers';

/**
 * A message its handler failed the same way too many times in a row (a poison message): kept here instead of
 * being redelivered for ever. Several rows may name one message: it can be parked again after a restart.
 */
@Entity({ name: 'parked_messages' })
@Index('IDX_parked_messages_subject_parked_at', ['subject', 'parkedAt'])
export class ParkedMessageEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'PK_parked_messages' })
  id!: string;

  /** The subject it was published on (a partitioned subject's partition included). */
  @Column({ name: 'subject', type: 'text' })
  subject!: string;

  /** JetStream's stream sequence; in embedded mode the in-process bus's, which restarts with the process. */
  @Column({ name: 'stream_sequence', type: 'bigint', transformer: bigintToNumber })
  streamSequence!: number;

  /** The payload's JSON text as published. */
  @Column({ name: 'payload', type: 'text' })
  payload!: string;

  @Column({ name: 'error_name', type: 'text' })
  errorName!: string;

  /** A PostgreSQL SQLSTATE, a Node.js or NATS code, when the error had one. */
  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  /** The error's message only: never the statement or its parameters. */
  @Column({ name: 'error_message', type: 'text' })
  errorMessage!: string;

  /** Deliveries in a row that failed this way. */
  @Column({ name: 'attempts', type: 'integer' })
  attempts!: number;

  @Column({ name: 'first_failed_at', type: 'timestamptz' })
  firstFailedAt!: Date;

  @Column({ name: 'last_failed_at', type: 'timestamptz' })
  lastFailedAt!: Date;

  @CreateDateColumn({ name: 'parked_at', type: 'timestamptz' })
  parkedAt!: Date;
}
