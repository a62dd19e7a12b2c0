import { Controller, Get, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { MessagingTransport, type MessagingTransportStatus } from '@storebridge/messaging';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  messaging: MessagingTransportStatus | 'starting';
}

/**
 * Liveness and readiness for orchestrators: 200 only when the database answers and the message bus is
 * connected, 503 (with the same report) otherwise, so a replica cut off from either is taken out of rotation.
 */
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private messaging: HealthReport['messaging'] = 'starting';
  private readonly subscription: Subscription;

  constructor(
    private readonly dataSource: DataSource,
    transport: MessagingTransport,
  ) {
    this.subscription = transport.status.subscribe((status) => (this.messaging = status));
  }

  @Get()
  async health(): Promise<HealthReport> {
    const database = await this.dataSource.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const healthy = database === 'up' && this.messaging === 'connected';
    const report: HealthReport = { status: healthy ? 'ok' : 'degraded', database, messaging: this.messaging };
    if (!healthy) {
      throw new ServiceUnavailableException(report);
    }
    return report;
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }
}
