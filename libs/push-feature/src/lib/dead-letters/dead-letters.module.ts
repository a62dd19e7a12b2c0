import { Module } from '@nestjs/common';
import { PushPersistenceModule } from '@storebridge/push-persistence';
import { DeadLetterService } from './dead-letter.service';

/** The dead-letter tools alone, for the operator's command (`nx run push:dead-letters`); needs the service runtime. */
@Module({ imports: [PushPersistenceModule], providers: [DeadLetterService], exports: [DeadLetterService] })
export class DeadLettersModule {}
