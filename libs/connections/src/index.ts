export * from './lib/store-connection.service';
