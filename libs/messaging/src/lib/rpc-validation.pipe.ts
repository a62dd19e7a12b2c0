import { Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidPayloadException } from './messaging.errors';

// Keeps the error log of a pathological payload (thousands of bad items) readable.
const MAX_MESSAGES = 20;

/**
 * Validates a message payload against its contract class: `@Payload(RpcValidationPipe) event: ProductsChangedEvent`.
 * Failures become an InvalidPayloadException, which the transports drop instead of redelivering.
 */
@Injectable()
export class RpcValidationPipe extends ValidationPipe {
  constructor() {
    super({ transform: true, whitelist: true, forbidUnknownValues: true });
  }

  override createExceptionFactory(): (errors?: ValidationError[]) => InvalidPayloadException {
    return (errors = []) => {
      const messages = this.flattenValidationErrors(errors);
      const shown = messages.slice(0, MAX_MESSAGES);
      if (messages.length > MAX_MESSAGES) {
        shown.push(`… and ${messages.length - MAX_MESSAGES} more`);
      }
      return new InvalidPayloadException(shown);
    };
  }
}
