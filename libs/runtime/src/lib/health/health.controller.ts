import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { MessagingHealthIndicator } from './messaging.health';

/**
 * Probes for orchestrators, answered with terminus' report (503 when a check is down or the app shuts down).
 * Ready: the database answers and the message transport is connected, so a replica cut off from either is
 * taken out of rotation; `/health` is the same check. Live: the process still serves requests; a lost
 * database or bus is no reason to restart it, since it reconnects by itself.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly messaging: MessagingHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    // A wedged event loop does not get here: the probe times out, which is the signal.
    return this.health.check([]);
  }

  @Get(['ready', ''])
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database'),
      () => this.messaging.isConnected('messaging'),
    ]);
  }
}
