import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { StoreConnectionEntity } from '../entities';
import { returnedRows } from './query-results';

/** Everything the merchant configures; `storeToken` is only used when the connection is first created. */
export type StoreConnectionInput = Pick<
  StoreConnectionEntity,
  | 'baseUrl'
  | 'authMethod'
  | 'credentialsCiphertext'
  | 'paths'
  | 'fieldMappings'
  | 'lang'
  | 'currency'
  | 'syncIntervalMinutes'
  | 'storeToken'
> &
  Partial<Pick<StoreConnectionEntity, 'webhookSecretCiphertext' | 'configFingerprint'>>;

@Injectable()
export class StoreConnectionRepository {
  constructor(
    @InjectRepository(StoreConnectionEntity) private readonly repository: Repository<StoreConnectionEntity>,
  ) {}

  findById(id: string): Promise<StoreConnectionEntity | null> {
    return this.repository.findOneBy({ id });
  }

  /** By `installations.id` (our uuid, not ShopiMind's installation id). */
  findByInstallation(installationId: string): Promise<StoreConnectionEntity | null> {
    return this.repository.findOneBy({ installationId });
  }

  findByStoreToken(storeToken: string): Promise<StoreConnectionEntity | null> {
    return this.repository.findOneBy({ storeToken });
  }

  /** Connections whose installation is active: the ones the scheduler syncs. */
  findAllOfActiveInstallations(): Promise<StoreConnectionEntity[]> {
    return this.repository
      .createQueryBuilder('connection')
      .innerJoin('connection.installation', 'installation')
      .where('installation.status = :status', { status: 'active' })
      .orderBy('connection.createdAt', 'ASC')
      .getMany();
  }

  /**
   * Creates the installation's connection or reconfigures it in place. The row keeps its id (sync state and
   * history survive a credential rotation, generic-api.md §8) and its store token (webhook URLs stay valid).
   */
  async upsertForInstallation(
    installationId: string,
    input: StoreConnectionInput,
  ): Promise<StoreConnectionEntity> {
    await this.repository
      .createQueryBuilder()
      .insert()
      .into(StoreConnectionEntity)
      .values({
        webhookSecretCiphertext: null,
        configFingerprint: null,
        ...input,
        installationId,
        updatedAt: () => 'now()',
      })
      .orUpdate(
        [
          'base_url',
          'auth_method',
          'credentials_ciphertext',
          'paths',
          'field_mappings',
          'lang',
          'currency',
          'sync_interval_minutes',
          'webhook_secret_ciphertext',
          'config_fingerprint',
          'updated_at',
        ],
        ['installation_id'],
      )
      .execute();
    return this.repository.findOneByOrFail({ installationId });
  }

  /** Uninstall: the credentials go with the row; its sync runs cascade. Returns whether a row was deleted. */
  async deleteByInstallation(installationId: string): Promise<boolean> {
    const deleted = await this.repository
      .createQueryBuilder()
      .delete()
      .from(StoreConnectionEntity)
      .where('installation_id = :installationId', { installationId })
      .returning(['id'])
      .execute();
    return returnedRows(deleted.raw).length > 0;
  }
}
