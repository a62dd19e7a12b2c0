import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  STORE_ORDER_EVENTS,
  STORE_PRODUCT_EVENTS,
  Subjects,
  type StoreOrderEventName,
  type StoreProductEventName,
} from '@storebridge/contracts';
import {
  type FieldAliasTable,
  type FieldMapping,
  MAX_RECORD_ID_LENGTH,
  ORDER_FIELD_ALIASES,
  PRODUCT_FIELD_ALIASES,
  resolveRecordId,
} from '@storebridge/store-normalization';
import { toStorable } from '@storebridge/untrusted-input';
import { MessagePublisher } from '@storebridge/messaging';
import { validateSync } from 'class-validator';
import { StoreWebhookBodyDto } from './dto/store-webhook-body.dto';
import type { StoreWebhookCaller } from './store-webhook-caller';
import { StoreWebhookException } from './store-webhook.exception';
import { loggableErrorText } from '@storebridge/security';

/** Spec §7's success answer, sent only once the event is stored on the bus. */
export interface StoreWebhookProcessed {
  success: true;
  message: 'Webhook processed';
}

const PROCESSED: StoreWebhookProcessed = { success: true, message: 'Webhook processed' };

interface ParsedEvent<E extends string> {
  event: E;
  data: Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns an accepted store webhook into a message. Its 200 waits for the bus's ack (the JetStream PubAck is the
 * "durably stored" of spec §7); when the bus cannot take it, a 500 makes the store retry. Events of an inactive
 * installation are published all the same: push keeps them (RetryLater) until the installation is active again.
 */
@Injectable()
export class StoreWebhooksService {
  private readonly logger = new Logger(StoreWebhooksService.name);

  constructor(private readonly publisher: MessagePublisher) {}

  /**
   * No message id: a store retry after a lost answer re-applies the same record, which changes nothing, while an
   * id derived from the content would drop a real repeat (A, B, then A again) within the duplicate window.
   */
  async receiveProductEvent(caller: StoreWebhookCaller, body: unknown): Promise<StoreWebhookProcessed> {
    const { event, data } = parseEvent<StoreProductEventName>(
      body,
      STORE_PRODUCT_EVENTS,
      PRODUCT_FIELD_ALIASES,
      caller.fieldMappings.products,
    );
    await this.store(() =>
      this.publisher.publish(Subjects.storeProductEventReceived, {
        connectionId: caller.connectionId,
        event,
        data,
        receivedAt: new Date().toISOString(),
      }),
    );
    return PROCESSED;
  }

  /** Like a product event: the sync's StoreEventHandlers merge it into the order mirror and hand it to push. */
  async receiveOrderEvent(caller: StoreWebhookCaller, body: unknown): Promise<StoreWebhookProcessed> {
    const { event, data } = parseEvent<StoreOrderEventName>(
      body,
      STORE_ORDER_EVENTS,
      ORDER_FIELD_ALIASES,
      caller.fieldMappings.orders,
    );
    await this.store(() =>
      this.publisher.publish(Subjects.storeOrderEventReceived, {
        connectionId: caller.connectionId,
        event,
        data,
        receivedAt: new Date().toISOString(),
      }),
    );
    return PROCESSED;
  }

  /**
   * The id names the request's bytes: the store's retry of one trigger is one crawl. Further triggers while a
   * crawl runs are harmless anyway (one crawl per connection at a time, runs resume).
   */
  async requestSync(caller: StoreWebhookCaller, rawBody: Buffer | undefined): Promise<StoreWebhookProcessed> {
    const digest = createHash('sha256')
      .update(rawBody ?? Buffer.alloc(0))
      .digest('hex');
    await this.store(() =>
      this.publisher.publish(
        Subjects.syncRequested,
        { connectionId: caller.connectionId, trigger: 'store_webhook' },
        { messageId: `store_webhook:${caller.connectionId}:${digest}` },
      ),
    );
    return PROCESSED;
  }

  private async store(publish: () => Promise<void>): Promise<void> {
    try {
      await publish();
    } catch (error) {
      this.logger.error(`Could not store a store webhook: ${loggableErrorText(error)}`);
      throw new StoreWebhookException('not_stored', 'The event could not be stored; retry later', {
        cause: error,
      });
    }
  }
}

/** Spec §7 body shape; a record without an id (after the connection's mapping and the aliases) is refused. */
function parseEvent<E extends string>(
  body: unknown,
  events: readonly E[],
  aliases: FieldAliasTable,
  mapping: FieldMapping,
): ParsedEvent<E> {
  if (!isPlainObject(body)) {
    throw new StoreWebhookException('invalid_payload', 'The body must be a JSON object');
  }
  // Assigned, not transformed: class-transformer walks `data` and throws on a "__proto__" key in it.
  const dto = Object.assign(new StoreWebhookBodyDto(), { event: body['event'], data: body['data'] });
  const errors = validateSync(dto);
  if (errors.length > 0) {
    const reasons = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new StoreWebhookException('invalid_payload', reasons.join('; '));
  }
  const event = events.find((known) => known === dto.event);
  if (event === undefined) {
    throw new StoreWebhookException(
      'unknown_event',
      // Quoted short: the answer must not echo a megabyte back.
      `Unknown event "${dto.event.slice(0, 64)}"; expected one of ${events.join(', ')}`,
    );
  }
  // Read as the consumer reads it, after NUL and lone surrogates are made storable: an id of only those is no id,
  // and a 200 for it would be a record dropped downstream.
  if (resolveRecordId(toStorable(dto.data) as Record<string, unknown>, aliases, mapping) === undefined) {
    throw new StoreWebhookException(
      'invalid_payload',
      `data must carry the record id, a string or a number of at most ${MAX_RECORD_ID_LENGTH} characters`,
    );
  }
  return { event, data: dto.data };
}
