import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type LockOutcome<T> = { acquired: true; result: T } | { acquired: false };

function isAcquired(rows: unknown): boolean {
  if (!Array.isArray(rows) || rows.length !== 1) {
    return false;
  }
  const [row]: unknown[] = rows;
  return typeof row === 'object' && row !== null && (row as { acquired?: unknown }).acquired === true;
}

/**
 * Named PostgreSQL session advisory locks (`pg_try_advisory_lock(hashtext(key))`), held on a dedicated
 * connection for as long as the work runs, so one piece of work per key runs at a time across replicas.
 */
@Injectable()
export class AdvisoryLockRepository {
  /*
   * Session locks are re-entrant within one session, and on PGlite every query runner shares the one embedded
   * session: keys held by this process are also tracked here, so the process excludes itself as well.
   */
  private readonly heldHere = new Set<string>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` under the lock named `key`, or returns `{ acquired: false }` at once when someone holds it. */
  async tryWithLock<T>(key: string, work: () => Promise<T>): Promise<LockOutcome<T>> {
    if (this.heldHere.has(key)) {
      return { acquired: false };
    }
    this.heldHere.add(key);
    const queryRunner = this.dataSource.createQueryRunner();
    try {
      await queryRunner.connect();
      const rows: unknown = await queryRunner.query(
        `SELECT pg_try_advisory_lock(hashtext($1)) AS "acquired"`,
        [key],
      );
      if (!isAcquired(rows)) {
        return { acquired: false };
      }
      try {
        return { acquired: true, result: await work() };
      } finally {
        await queryRunner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [key]);
      }
    } finally {
      this.heldHere.delete(key);
      await queryRunner.release();
    }
  }
}
