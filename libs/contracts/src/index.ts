export * from './lib/subjects';
export * from './lib/normalized-product';
export * from './lib/normalized-order';
export * from './lib/events';
export * from './lib/absolute-http-url';
export * from './lib/coalesce';
export * from './lib/store-event-coalesce';
