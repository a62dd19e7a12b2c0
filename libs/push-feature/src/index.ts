export * from './lib/push-feature.module';
export * from './lib/push-feature.options';
export * from './lib/dead-letters/dead-letters.module';
export * from './lib/dead-letters/dead-letter.service';
