import { QueryFailedError } from 'typeorm';

const UNIQUE_VIOLATION = '23505';

/** True when `error` is PostgreSQL's (or PGlite's) unique violation, optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof QueryFailedError)) {
    return false;
  }
  const driverError: unknown = error.driverError;
  if (typeof driverError !== 'object' || driverError === null) {
    return false;
  }
  const { code, constraint: violated } = driverError as { code?: unknown; constraint?: unknown };
  return (
    code === UNIQUE_VIOLATION &&
    (constraint === undefined || violated === undefined || violated === constraint)
  );
}

/** Rows of a query builder's RETURNING clause (TypeORM types them as `any`). */
export function returnedRows(raw: unknown): unknown[] {
  return Array.isArray(raw) ? raw : [];
}
