import { BadRequestException } from '@nestjs/common';
import { validateSync } from 'class-validator';

/** Key names echoed in a refusal are cut: a query may carry kilobytes of them. */
const MAX_ECHOED_KEY = 64;

const INTEGER_TEXT = /^-?\d{1,12}$/;

/**
 * A query or JSON body read into `dto` and validated, else a 400 naming the fields and the rules they break
 * (never the values). Assigned key by key rather than through class-transformer: a nested object (`{"toString":1}`
 * or a `constructor` key) cannot reach a conversion that throws, and keys named like Object's own (`__proto__`,
 * `constructor`, `toString`) are refused before they can shadow anything.
 * `numbers` are the fields a query sends as text.
 */
export function parseAdminInput<T extends object>(
  dto: new () => T,
  input: unknown,
  numbers: readonly string[] = [],
): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new BadRequestException(['expected a JSON object']);
  }
  const instance = new dto();
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    // No field is named like these; set on the instance, `constructor` would mislead class-validator itself.
    if (key in Object.prototype) {
      problems.push(`${key}: should not exist`);
      continue;
    }
    if (typeof value === 'object' && value !== null) {
      problems.push(`${key.slice(0, MAX_ECHOED_KEY)}: must be a single value`);
      continue;
    }
    const converted =
      numbers.includes(key) && typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
    Object.defineProperty(instance, key, {
      value: converted,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (problems.length === 0) {
    const errors = validateSync(instance, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
    });
    problems.push(
      ...errors.map(
        (error) =>
          `${error.property.slice(0, MAX_ECHOED_KEY)}: ${Object.keys(error.constraints ?? {}).join(', ')}`,
      ),
    );
  }
  if (problems.length > 0) {
    throw new BadRequestException(problems);
  }
  return instance;
}
