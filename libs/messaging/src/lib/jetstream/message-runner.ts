import { MessageHandler } from '@nestjs/microservices';
import { CORRELATION_ID_HEADER } from '../correlation';
import { DeliveryOutcome, MessageDispatcher } from '../message.dispatcher';
import { PendingMessage } from './pulling';
import { MessageSettler } from './settling';

/** Runs one pulled message through its handler (see MessageDispatcher), settles it and ends its heartbeat. */
export class MessageRunner {
  constructor(
    private readonly dispatcher: MessageDispatcher,
    private readonly settler: MessageSettler,
  ) {}

  /** Resolves with the outcome. A payload parsed already (to coalesce) is not parsed again. */
  async run(
    { msg, stopHeartbeat, payload }: PendingMessage,
    handler: MessageHandler,
  ): Promise<DeliveryOutcome> {
    try {
      const delivery = {
        subject: msg.subject,
        sequence: msg.info.streamSequence,
        attempt: msg.info.redeliveryCount,
        data: msg.string(),
        correlationId: msg.headers?.get(CORRELATION_ID_HEADER),
      };
      const outcome =
        payload === undefined
          ? await this.dispatcher.dispatch(handler, delivery)
          : await this.dispatcher.dispatchPayload(handler, delivery, payload);
      this.settler.settle(msg, outcome);
      return outcome;
    } finally {
      stopHeartbeat();
    }
  }
}
