import { Expose } from 'class-transformer';
import { IsBoolean, IsInt, IsUrl, Max, Min } from 'class-validator';
import { ToBoolean, ToInteger } from './env-transforms';

function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
}

/** The `PORT` variable: an integer between 1 and 65535. */
export const PortVariable = (): PropertyDecorator =>
  compose(
    Expose(),
    ToInteger(),
    IsInt({ message: 'PORT must be an integer' }),
    Min(1, { message: 'PORT must be between 1 and 65535' }),
    Max(65535, { message: 'PORT must be between 1 and 65535' }),
  );

export const FlagVariable = (name: string): PropertyDecorator =>
  compose(Expose(), ToBoolean(), IsBoolean({ message: `${name} must be true or false` }));

export const HttpUrlVariable = (name: string): PropertyDecorator =>
  compose(
    Expose(),
    IsUrl(
      { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
      { message: `${name} must be an http(s) URL` },
    ),
  );

/** An integer variable within `[min, max]`. */
export const IntegerVariable = (
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): PropertyDecorator =>
  compose(
    Expose(),
    ToInteger(),
    IsInt({ message: `${name} must be an integer` }),
    Min(min, { message: `${name} must be between ${min} and ${max}` }),
    Max(max, { message: `${name} must be between ${min} and ${max}` }),
  );
