export * from './lib/service-runtime.module';
export * from './lib/start-service';
export * from './lib/redacting-logger';
export * from './lib/health/health.module';
export * from './lib/run-main';
export * from './lib/request-body-errors';
export * from './lib/periodic-job/periodic-job';
