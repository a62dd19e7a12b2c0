import { DynamicModule, Module } from '@nestjs/common';
import { AdminCommandsService } from './admin-commands.service';
import { AdminConnectionsController } from './admin-connections.controller';
import { AdminDeadLettersController } from './admin-dead-letters.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { ADMIN_OPTIONS, type AdminOptions } from './admin.options';
import { ConnectionReportModule } from './connection-report.module';
import { AdminSessions } from './status-page/admin-session';
import { AdminStatusController } from './status-page/admin-status.controller';
import { AdminStatusService } from './status-page/admin-status.service';

/**
 * The admin API under `/admin/…`, every route behind the ADMIN_TOKEN Bearer guard, and the status page a browser
 * reaches through `/admin/login`. Imported only when a token is set: without one the routes are not registered
 * at all (404), rather than registered and refused.
 */
@Module({})
export class AdminModule {
  static forRoot(options: AdminOptions): DynamicModule {
    return {
      module: AdminModule,
      imports: [ConnectionReportModule],
      controllers: [AdminConnectionsController, AdminDeadLettersController, AdminStatusController],
      providers: [
        { provide: ADMIN_OPTIONS, useValue: options },
        AdminSessions,
        AdminTokenGuard,
        AdminCommandsService,
        AdminStatusService,
      ],
      exports: [ConnectionReportModule],
    };
  }
}
