import { Module } from '@nestjs/common';
import { DeadLetterService } from './dead-letter.service';

/**
 * The dead-letter tools alone, for the operator's command (`nx run push:dead-letters`) and the replay requests the
 * gateway's admin API sends; needs the service runtime (the ledger reader and the publisher).
 */
@Module({ providers: [DeadLetterService], exports: [DeadLetterService] })
export class DeadLettersModule {}
