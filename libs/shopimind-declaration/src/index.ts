export * from './lib/widgets/widget-declaration';
export * from './lib/widgets/widget-routes';
export * from './lib/widgets/widgets';
export * from './lib/config/integration-config';
export * from './lib/config/integration-config.rules';
export * from './lib/config/config-schema';
export * from './lib/declaration/shopimind-routes';
export * from './lib/declaration/integration-declaration';
