export * from './lib/store-connection.service';
export * from './lib/store-credentials';
