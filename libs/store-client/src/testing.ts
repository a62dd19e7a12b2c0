// Test-only entry (`@storebridge/store-client/testing`): fake and generated stores for other projects' specs. Kept
// out of the production index and of the lib's build, so fast-check never reaches a production bundle.
export * from './lib/testing/store-server.fake';
export * from './lib/testing/generated-store';
