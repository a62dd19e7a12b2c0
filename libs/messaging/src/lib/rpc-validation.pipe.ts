import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidationCompiler } from './compiled-validation';
import { InvalidPayloadException } from './messaging.errors';

// Keeps the error log of a pathological payload (thousands of bad items) readable.
const MAX_MESSAGES = 20;

/**
 * Validates a message payload against its contract class: `@Payload(RpcValidationPipe) event: ProductsChangedEvent`.
 * Failures become an InvalidPayloadException, which the transports drop instead of redelivering.
 *
 * A payload goes through the contract's compiled validation first (ValidationCompiler: the same decorators, a
 * fraction of the cost); only what that cannot vouch for, invalid payloads included, goes through class-transformer
 * and class-validator, which give the verdict and the messages.
 */
@Injectable()
export class RpcValidationPipe extends ValidationPipe {
  private readonly compiler = new ValidationCompiler();

  constructor() {
    super({ transform: true, whitelist: true, forbidUnknownValues: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const validated =
      metadata.metatype && this.toValidate(metadata)
        ? this.compiler.compile(metadata.metatype)?.(value)
        : undefined;
    return validated ?? super.transform(value, metadata);
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
