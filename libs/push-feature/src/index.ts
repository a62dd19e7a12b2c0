export * from './lib/push-feature.module';
export * from './lib/push-feature.options';
