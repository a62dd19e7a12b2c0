import { Injectable, OnModuleInit } from '@nestjs/common';
import { PayloadOf, publishSubject, STREAM_NAME, Subject } from '@storebridge/contracts';
import { headers } from 'nats';
import { CORRELATION_ID_HEADER } from './correlation';
import { JetStreamConnection } from './jetstream.connection';
import { MessagePublisher, outgoingCorrelationId, PublishOptions } from './message-publisher';

const encoder = new TextEncoder();

@Injectable()
export class JetStreamPublisher extends MessagePublisher implements OnModuleInit {
  /** Resolves in the next turn of the event loop; shared by every publish asked for until then. */
  private nextTurn: Promise<void> | undefined;

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
    const data = encoder.encode(JSON.stringify(payload));
    await this.turnOfOthers();
    // Rejects when no stream stores the subject, the server does not answer, or the ack names another stream.
    await js.publish(publishSubject(subject, payload), data, {
      msgID: options.messageId,
      headers: messageHeaders,
      expect: { streamName: STREAM_NAME },
    });
  }

  /**
   * Waits for the next turn of the event loop, with every publish asked for meanwhile: the NATS client writes what
   * one turn queued in one socket write, so webhooks answered side by side (each arrives in its own turn) cost the
   * gateway one write for all their messages instead of one each.
   */
  private turnOfOthers(): Promise<void> {
    this.nextTurn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.nextTurn = undefined;
        resolve();
      }),
    );
    return this.nextTurn;
  }
}
