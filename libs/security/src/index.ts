export * from './lib/hmac';
export * from './lib/expiring-link';
export * from './lib/credential-cipher';
export * from './lib/shopimind-signature';
export * from './lib/shopimind-query-signature';
export * from './lib/database-error-text';
