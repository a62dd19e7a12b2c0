import { Injectable, OnModuleInit } from '@nestjs/common';
import { PayloadOf, publishSubject, STREAM_NAME, Subject } from '@storebridge/contracts';
import { headers } from 'nats';
import { CORRELATION_ID_HEADER } from './correlation';
import { JetStreamConnection } from './jetstream.connection';
import { MessagePublisher, outgoingCorrelationId, PublishOptions } from './message-publisher';

const encoder = new TextEncoder();

@Injectable()
export class JetStreamPublisher extends MessagePublisher implements OnModuleInit {
  constructor(private readonly connection: JetStreamConnection) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.connection.ensureStream();
  }

  /**
   * Resolves on the stream's PubAck (the message is stored, or was already within the duplicate window). A message
   * of a partitioned subject goes to its partition, `<subject>.<key>`, the key read from the payload.
   */
  async publish<S extends Subject>(
    subject: S,
    payload: PayloadOf<S>,
    options: PublishOptions = {},
  ): Promise<void> {
    const js = await this.connection.jetStream();
    const messageHeaders = headers();
    messageHeaders.set(CORRELATION_ID_HEADER, outgoingCorrelationId(options));
    // Rejects when no stream stores the subject, the server does not answer, or the ack names another stream.
    await js.publish(publishSubject(subject, payload), encoder.encode(JSON.stringify(payload)), {
      msgID: options.messageId,
      headers: messageHeaders,
      expect: { streamName: STREAM_NAME },
    });
  }
}
