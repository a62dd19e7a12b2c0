export * from './lib/free-port';
export * from './lib/poll-until';
export * from './lib/nats-server';
export * from './lib/postgres-server';
export * from './lib/test-environment';
export * from './lib/test-database';
