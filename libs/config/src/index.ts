export * from './lib/load-env';
export * from './lib/app-envs';
export * from './lib/trust-proxy';
