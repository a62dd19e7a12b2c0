import { DynamicModule, Module } from '@nestjs/common';
import { AdminCommandsService } from './admin-commands.service';
import { AdminConnectionsController } from './admin-connections.controller';
import { AdminDeadLettersController } from './admin-dead-letters.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { ADMIN_OPTIONS, type AdminOptions } from './admin.options';
import { ConnectionReportModule } from './connection-report.module';

/**
 * The admin API under `/admin/…`, every route behind the ADMIN_TOKEN Bearer guard. Imported only when a token is
 * set: without one the routes are not registered at all (404), rather than registered and refused.
 */
@Module({})
export class AdminModule {
  static forRoot(options: AdminOptions): DynamicModule {
    return {
      module: AdminModule,
      imports: [ConnectionReportModule],
      controllers: [AdminConnectionsController, AdminDeadLettersController],
      providers: [{ provide: ADMIN_OPTIONS, useValue: options }, AdminTokenGuard, AdminCommandsService],
      exports: [ConnectionReportModule],
    };
  }
}
