export * from './lib/store-failure';
export * from './lib/store-diagnostics';
export * from './lib/store-currency';
export * from './lib/conformance/conformance-report';
export { checkStoreConformance } from './lib/conformance/store-conformance';
export { suggestProductField } from './lib/conformance/field-name-checks';
export * from './lib/store-categories';
