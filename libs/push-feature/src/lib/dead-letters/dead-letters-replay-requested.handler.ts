import { Controller, Logger, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DeadLettersReplayRequestedEvent, Subjects } from '@storebridge/contracts';
import { MESSAGING_TRANSPORT, MessagingExceptionFilter, RpcValidationPipe } from '@storebridge/messaging';
import { DeadLetterService } from './dead-letter.service';

/**
 * A replay asked for through the gateway's admin API: the gateway never writes push's ledger or its queues, it
 * asks push, which sends the stored records again like `nx run push:dead-letters -- --replay`.
 */
@Controller()
@UseFilters(MessagingExceptionFilter)
export class DeadLettersReplayRequestedHandler {
  private readonly logger = new Logger(DeadLettersReplayRequestedHandler.name);

  constructor(private readonly deadLetters: DeadLetterService) {}

  @EventPattern(Subjects.deadLettersReplayRequested, MESSAGING_TRANSPORT)
  async handle(@Payload(RpcValidationPipe) request: DeadLettersReplayRequestedEvent): Promise<void> {
    const { connectionId, entity, limit } = request.filter;
    const { replayed, messages } = await this.deadLetters.replay({
      ...(connectionId ? { connectionId } : {}),
      ...(entity ? { entity } : {}),
      ...(limit ? { limit } : {}),
    });
    this.logger.log(`Replayed ${replayed} dead letter(s) in ${messages} message(s)`);
  }
}
