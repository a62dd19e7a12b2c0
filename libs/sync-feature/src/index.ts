export * from './lib/sync-feature.module';
export type { SyncFeatureOptions } from './lib/sync-feature.options';
