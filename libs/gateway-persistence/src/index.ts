export * from './lib/gateway-persistence.module';
export * from './lib/accepted-signature.repository';
export * from './lib/oauth-authorization.repository';
export * from './lib/external-account.repository';
export * from './lib/installation.repository';
