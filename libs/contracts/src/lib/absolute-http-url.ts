import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * An absolute http(s) URL with a host, as WHATWG URL parses it: the rule sync's normalizer builds product URLs
 * with. class-validator's `@IsUrl` is stricter (no `_` in host names, at most 2,083 characters): a product URL it
 * refused would make push drop the whole page of records as invalid.
 */
export function isAbsoluteHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
  } catch {
    return false;
  }
}

export function IsAbsoluteHttpUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAbsoluteHttpUrl',
      validator: {
        validate: (value) => isAbsoluteHttpUrl(value),
        defaultMessage: buildMessage(
          (eachPrefix) => `${eachPrefix}$property must be an absolute http(s) URL`,
          options,
        ),
      },
    },
    options,
  );
}
