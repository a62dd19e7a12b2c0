import { Module } from '@nestjs/common';
import { ConnectionReportService } from './connection-report.service';

/**
 * The connection views alone, without routes: the admin API uses them, and so can a page that is on whether or
 * not ADMIN_TOKEN is set. Needs `PersistenceModule.forRoot` in the app (global: the readers).
 */
@Module({ providers: [ConnectionReportService], exports: [ConnectionReportService] })
export class ConnectionReportModule {}
