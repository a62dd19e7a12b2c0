import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

function describe(errors: ValidationError[]): string[] {
  // Names the variable and the rule it breaks; the value may be a secret, so it is never printed.
  return errors.flatMap((error) => Object.values(error.constraints ?? {}).map((message) => message));
}

/**
 * Reads, converts and validates an app's environment once at start-up. Empty strings count as unset so
 * `FOO=` in a `.env` file falls back to the default instead of failing a type check.
 */
export function loadEnv<T extends object>(envClass: new () => T, source: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const env = plainToInstance(envClass, present, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(env, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(describe(errors));
  }
  return env;
}
