export * from './lib/backoff-delay';
export * from './lib/retry-after.parser';
