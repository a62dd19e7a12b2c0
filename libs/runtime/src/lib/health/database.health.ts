import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/** Below the image's HEALTHCHECK timeout (5 s), so a hung database answers 503 rather than no answer. */
export const DATABASE_PING_TIMEOUT_MS = 2_000;

/**
 * Up when the database answers `SELECT 1` in time. Works on PostgreSQL and on embedded PGlite alike (both take
 * plain SQL through the DataSource); PGlite runs one query at a time, so a long one delays the ping.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  async pingCheck<const Key extends string>(
    key: Key,
    timeoutMs = DATABASE_PING_TIMEOUT_MS,
  ): Promise<HealthIndicatorResult<Key>> {
    const check = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    try {
      const outcome = await Promise.race([
        this.dataSource.query('SELECT 1').then(() => 'answered' as const),
        timedOut,
      ]);
      return outcome === 'answered'
        ? check.up()
        : check.down({ message: `no answer within ${timeoutMs} ms` });
    } catch {
      // The driver's error may name hosts or users: the report is served over HTTP, so it says no more.
      return check.down({ message: 'query failed' });
    } finally {
      clearTimeout(timer);
    }
  }
}
