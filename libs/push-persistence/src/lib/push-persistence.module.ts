import { Module, type Provider } from '@nestjs/common';
import { IdMappingRepository } from './id-mapping.repository';
import { PushOutcomeRepository } from './push-outcome.repository';
import { PushedProductPartsRepository } from './pushed-product-parts.repository';

const repositories: Provider[] = [IdMappingRepository, PushOutcomeRepository, PushedProductPartsRepository];

/**
 * The tables push writes: the id mappings and the push ledger. Needs `PersistenceModule.forRoot` in the app
 * (global: the data source and the entities' TypeORM repositories).
 */
@Module({ providers: repositories, exports: repositories })
export class PushPersistenceModule {}
