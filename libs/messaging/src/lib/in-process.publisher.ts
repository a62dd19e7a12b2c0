import { Injectable } from '@nestjs/common';
import { PayloadOf, Subject } from '@storebridge/contracts';
import { InProcessBroker } from './in-process.broker';
import { MessagePublisher, outgoingCorrelationId, PublishOptions } from './message-publisher';

/** Embedded mode: resolves once the message is queued in memory (see InProcessBroker for what that guarantees). */
@Injectable()
export class InProcessPublisher extends MessagePublisher {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  async publish<S extends Subject>(
    subject: S,
    payload: PayloadOf<S>,
    options: PublishOptions = {},
  ): Promise<void> {
    // Serialised like on the wire, so a handler never shares (or mutates) the publisher's objects. Routed by the
    // subject itself, even a partitioned one: embedded mode (development, the demo) has no shops to be fair to.
    this.broker.publish(subject, JSON.stringify(payload), options.messageId, outgoingCorrelationId(options));
  }
}
