export * from './lib/store-failure';
export * from './lib/store-diagnostics';
export * from './lib/store-conformance';
export * from './lib/store-categories';
