import { BaseRpcContext } from '@nestjs/microservices';

type MessagingContextArgs = [subject: string, attempt: number, sequence: number, correlationId?: string];

/** What a handler can learn about the delivery through `@Ctx()`. */
export class MessagingContext extends BaseRpcContext<MessagingContextArgs> {
  getSubject(): string {
    return this.args[0];
  }

  /** 1 on the first delivery, then counts redeliveries. */
  getAttempt(): number {
    return this.args[1];
  }

  /** The stream sequence (JetStream) or the broker's sequence (in-process). */
  getSequence(): number {
    return this.args[2];
  }

  /** The handler run's correlation id (see correlation.ts). */
  getCorrelationId(): string | undefined {
    return this.args[3];
  }
}
