export * from './lib/is-record';
export * from './lib/storable-text';
export * from './lib/json-depth';
