import { Logger } from '@nestjs/common';
import { JsMsg } from 'nats';
import { DeliveryOutcome } from '../message.dispatcher';
import { PendingMessage } from './pulling';

/** Tells JetStream what became of a message: ack, term, or nak to have it redelivered after a delay. */
export class MessageSettler {
  constructor(private readonly logger: Logger) {}

  settle(msg: JsMsg, outcome: DeliveryOutcome): void {
    switch (outcome.kind) {
      case 'ack':
        this.safely(() => msg.ack());
        return;
      case 'term':
        this.safely(() => msg.term());
        return;
      case 'retry':
        this.safely(() => msg.nak(outcome.delayMs));
        return;
    }
  }

  /** Pulled messages that will not run here: their heartbeats end and they go back to the stream for `delayMs`. */
  handBack(messages: readonly PendingMessage[], delayMs: number): void {
    for (const { msg, stopHeartbeat } of messages) {
      stopHeartbeat();
      this.settle(msg, { kind: 'retry', delayMs });
    }
  }

  /** Acks on a closed connection throw; the message is then simply redelivered after its ack wait. */
  safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.logger.warn(`Could not reach JetStream to settle a message: ${String(error)}`);
    }
  }
}
