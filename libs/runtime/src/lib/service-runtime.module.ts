import { DynamicModule, Module } from '@nestjs/common';
import type { CredentialsEnv } from '@storebridge/config';
import { MessagingModule, MessagingModuleOptions, ParkedMessageStore } from '@storebridge/messaging';
import { ParkedMessageRepository, PersistenceModule } from '@storebridge/persistence';
import { CredentialCipher } from '@storebridge/security';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';

export interface ServiceRuntimeOptions {
  /** Names durable consumers: replicas of one service share them. */
  serviceName: string;
  env: CredentialsEnv;
  /** Tuning of the message bus (backoff, parking); its defaults otherwise. */
  messaging?: Omit<MessagingModuleOptions, 'serviceName' | 'natsUrl'>;
  /** false for the operators' commands: check the schema is current instead of migrating it (default true). */
  migrate?: boolean;
}

/**
 * What every service process needs once, whatever features it runs: the database (migrated at boot),
 * the message bus (parking poison messages in the database), the credentials cipher, the health probes and the
 * metrics.
 */
@Module({})
export class ServiceRuntimeModule {
  static forRoot({ serviceName, env, messaging, migrate }: ServiceRuntimeOptions): DynamicModule {
    return {
      module: ServiceRuntimeModule,
      global: true,
      imports: [
        PersistenceModule.forRoot({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, migrate }),
        MessagingModule.forRoot({ ...messaging, serviceName, natsUrl: env.NATS_URL }),
        HealthModule,
        MetricsModule,
      ],
      providers: [
        { provide: CredentialCipher, useValue: new CredentialCipher(env.CREDENTIALS_KEY) },
        {
          provide: ParkedMessageStore,
          inject: [ParkedMessageRepository],
          // Typed so the compiler checks the repository fits the port.
          useFactory: (repository: ParkedMessageRepository): ParkedMessageStore => repository,
        },
      ],
      exports: [CredentialCipher, ParkedMessageStore],
    };
  }
}
