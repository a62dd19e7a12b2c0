import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ParkedMessageEntity } from '../entities';

/** A message to park, as the messaging lib's ParkedMessageStore port describes it. */
export interface ParkedMessageInput {
  subject: string;
  sequence: number;
  payload: string;
  failure: { name: string; code?: string; message: string; attempts: number };
  firstFailedAt: Date;
  lastFailedAt: Date;
}

const NUL = '\u0000';

/**
 * PostgreSQL refuses NUL in text, and a poison message is often one carrying it: escaped the way JSON writes it,
 * so parking never fails on what made the message fail.
 */
function storable(text: string): string {
  return text.replaceAll(NUL, '\\u0000');
}

/** The dead letters of the message bus: messages parked after failing the same way too many times. */
@Injectable()
export class ParkedMessageRepository {
  constructor(
    @InjectRepository(ParkedMessageEntity) private readonly repository: Repository<ParkedMessageEntity>,
  ) {}

  async park(entry: ParkedMessageInput): Promise<void> {
    await this.repository.insert({
      subject: storable(entry.subject),
      streamSequence: entry.sequence,
      payload: storable(entry.payload),
      errorName: storable(entry.failure.name),
      errorCode: entry.failure.code === undefined ? null : storable(entry.failure.code),
      errorMessage: storable(entry.failure.message),
      attempts: entry.failure.attempts,
      firstFailedAt: entry.firstFailedAt,
      lastFailedAt: entry.lastFailedAt,
    });
  }

  /** Newest first, for operators. */
  findRecent(limit = 100): Promise<ParkedMessageEntity[]> {
    return this.repository.find({ order: { parkedAt: 'DESC' }, take: limit });
  }
}
