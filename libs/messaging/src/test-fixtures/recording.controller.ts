import { Controller, Injectable, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ProductsChangedEvent, Subjects, SyncRequestedEvent } from '@storebridge/contracts';
import { MessagingExceptionFilter } from '../lib/messaging-exception.filter';
import { MessagingContext } from '../lib/messaging.context';
import { MESSAGING_TRANSPORT } from '../lib/messaging.transport';
import { RpcValidationPipe } from '../lib/rpc-validation.pipe';

export interface RecordedDelivery {
  subject: string;
  event: SyncRequestedEvent | ProductsChangedEvent;
  attempt: number;
  at: number;
}

export type Behaviour = (delivery: RecordedDelivery) => void | Promise<void>;

/** What the test handlers do and what they saw: every delivery, and those that completed. */
@Injectable()
export class HandlerScript {
  readonly deliveries: RecordedDelivery[] = [];
  readonly completed: RecordedDelivery[] = [];
  running = 0;
  maxRunning = 0;
  behaviour: Behaviour = () => undefined;

  async handle(subject: string, event: RecordedDelivery['event'], context: MessagingContext): Promise<void> {
    const delivery = { subject, event, attempt: context.getAttempt(), at: Date.now() };
    this.deliveries.push(delivery);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await this.behaviour(delivery);
      this.completed.push(delivery);
    } finally {
      this.running -= 1;
    }
  }
}

/** Handlers behind Nest's default RPC exception filter. */
@Controller()
export class RecordingController {
  constructor(private readonly script: HandlerScript) {}

  @EventPattern(Subjects.syncRequested)
  async onSyncRequested(
    @Payload(RpcValidationPipe) event: SyncRequestedEvent,
    @Ctx() context: MessagingContext,
  ): Promise<void> {
    await this.script.handle(Subjects.syncRequested, event, context);
  }

  @EventPattern(Subjects.productsChanged, MESSAGING_TRANSPORT, { concurrency: 3 })
  async onProductsChanged(
    @Payload(RpcValidationPipe) event: ProductsChangedEvent,
    @Ctx() context: MessagingContext,
  ): Promise<void> {
    await this.script.handle(Subjects.productsChanged, event, context);
  }
}

/** The recommended wiring: the handlers' exceptions reach the transport unchanged. */
@Controller()
@UseFilters(MessagingExceptionFilter)
export class FilteredRecordingController extends RecordingController {}
