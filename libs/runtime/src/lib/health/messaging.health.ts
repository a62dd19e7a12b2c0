import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { MessagingTransport, type MessagingTransportStatus } from '@storebridge/messaging';
import type { Subscription } from 'rxjs';

/** Up while the message transport is connected: consuming, and its link to the bus is alive. */
@Injectable()
export class MessagingHealthIndicator implements OnModuleDestroy {
  /** `starting` until the transport has set up its consumers. */
  private connection: MessagingTransportStatus | 'starting' = 'starting';
  private readonly subscription: Subscription;

  constructor(
    private readonly indicators: HealthIndicatorService,
    transport: MessagingTransport,
  ) {
    this.subscription = transport.status.subscribe((status) => (this.connection = status));
  }

  isConnected<const Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const check = this.indicators.check(key);
    const details = { connection: this.connection };
    return this.connection === 'connected' ? check.up(details) : check.down(details);
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }
}
