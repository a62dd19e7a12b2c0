export * from './lib/write-outcome';
export * from './lib/shopimind-writer';
