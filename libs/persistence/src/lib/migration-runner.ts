import { Logger } from '@nestjs/common';
import { DataSource, Migration, MigrationExecutor } from 'typeorm';

/**
 * Arbitrary constant shared by every storebridge process: whoever holds this session lock migrates, the others
 * wait and then find nothing pending.
 */
export const MIGRATION_ADVISORY_LOCK_ID = '7262736410482930';

const logger = new Logger('Migrations');

/**
 * Runs pending migrations under a PostgreSQL advisory lock so services booting together migrate once.
 * The lock is taken on the same query runner (session) that runs the migrations: on PGlite, where every query
 * runner shares the one embedded session, session locks are re-entrant, so this cannot deadlock.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.query(`SELECT pg_advisory_lock(${MIGRATION_ADVISORY_LOCK_ID})`);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      const executed = await executor.executePendingMigrations();
      for (const migration of executed) {
        logger.log(`Applied ${migration.name}`);
      }
      return executed;
    } finally {
      await queryRunner.query(`SELECT pg_advisory_unlock(${MIGRATION_ADVISORY_LOCK_ID})`);
    }
  } finally {
    await queryRunner.release();
  }
}
