import { Module, type Provider } from '@nestjs/common';
import { AcceptedSignatureRepository } from './accepted-signature.repository';
import { ExternalAccountRepository } from './external-account.repository';
import { InstallationRepository } from './installation.repository';
import { OAuthAuthorizationRepository } from './oauth-authorization.repository';

const repositories: Provider[] = [
  AcceptedSignatureRepository,
  OAuthAuthorizationRepository,
  ExternalAccountRepository,
  InstallationRepository,
];

/**
 * The tables the gateway writes. Needs `PersistenceModule.forRoot` in the app (global: the data source and the
 * entities' TypeORM repositories).
 */
@Module({ providers: repositories, exports: repositories })
export class GatewayPersistenceModule {}
