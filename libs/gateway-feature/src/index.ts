export * from './lib/gateway-feature.module';
export * from './lib/gateway-feature.options';
export * from './lib/api-docs/api-docs';
export * from './lib/admin/admin.module';
export * from './lib/admin/connection-report';
export * from './lib/admin/connection-report.module';
export * from './lib/admin/connection-report.service';
