import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { HealthController } from './health.controller';
import { MessagingHealthIndicator } from './messaging.health';

/** `/health/live` and `/health/ready` (alias `/health`); needs the DataSource and the MessagingTransport. */
@Module({
  imports: [TerminusModule.forRoot()],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, MessagingHealthIndicator],
})
export class HealthModule {}
