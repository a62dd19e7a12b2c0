export * from './lib/subjects';
export * from './lib/normalized-product';
export * from './lib/events';
