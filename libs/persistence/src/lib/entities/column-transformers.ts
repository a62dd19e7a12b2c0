import { ValueTransformer } from 'typeorm';

/**
 * `bigint` columns arrive as strings from `pg` (and as bigint or number from PGlite); the ids we keep there
 * stay below 2^53, so a JS number is exact.
 */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | bigint | null) => (value === null ? null : Number(value)),
};
