// Test-only entry (`@storebridge/persistence/testing`): the integration database and seed rows, for the specs of
// this lib and of the services' persistence libs. Kept out of the production index and of the lib's build.
export * from './test/factories';
export * from './test/integration-database';
export * from './test/query-plans';
