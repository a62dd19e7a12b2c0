import { DynamicModule, Module } from '@nestjs/common';
import type { CredentialsEnv } from '@storebridge/config';
import { MessagingModule } from '@storebridge/messaging';
import { PersistenceModule } from '@storebridge/persistence';
import { CredentialCipher } from '@storebridge/security';
import { HealthController } from './health.controller';

export interface ServiceRuntimeOptions {
  /** Names durable consumers: replicas of one service share them. */
  serviceName: string;
  env: CredentialsEnv;
}

/**
 * What every service process needs once, whatever features it runs: the database (migrated at boot),
 * the message bus, the credentials cipher and a health endpoint.
 */
@Module({})
export class ServiceRuntimeModule {
  static forRoot({ serviceName, env }: ServiceRuntimeOptions): DynamicModule {
    return {
      module: ServiceRuntimeModule,
      global: true,
      imports: [
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR }),
        MessagingModule.forRoot({ serviceName, natsUrl: env.NATS_URL }),
      ],
      controllers: [HealthController],
      providers: [{ provide: CredentialCipher, useValue: new CredentialCipher(env.CREDENTIALS_KEY) }],
      exports: [CredentialCipher],
    };
  }
}
