import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  InstallationEntity,
  InstallationReader,
  type InstallationStatus,
  type InstallationUpsert,
} from '@storebridge/persistence';
import { Repository } from 'typeorm';

export type { InstallationUpsert };

export type InstallationStatusTimestamps = Partial<
  Pick<InstallationEntity, 'installedAt' | 'activatedAt' | 'deactivatedAt' | 'uninstalledAt'>
>;

const UPSERT_COLUMNS: Record<keyof InstallationUpsert, string> = {
  installationId: 'installation_id',
  shopDomain: 'shop_domain',
  status: 'status',
  legacyShopIntegrationId: 'legacy_shop_integration_id',
  shopName: 'shop_name',
  accessTokenCiphertext: 'access_token_ciphertext',
  externalAccountId: 'external_account_id',
  installedAt: 'installed_at',
  activatedAt: 'activated_at',
  deactivatedAt: 'deactivated_at',
  uninstalledAt: 'uninstalled_at',
};

/** The gateway's, the only writer of installations; the other services read them with `InstallationReader`. */
@Injectable()
export class InstallationRepository extends InstallationReader {
  constructor(@InjectRepository(InstallationEntity) repository: Repository<InstallationEntity>) {
    super(repository);
  }

  findByInstallationId(installationId: string): Promise<InstallationEntity | null> {
    return this.repository.findOneBy({ installationId });
  }

  /** Events without `installation_id` correlate on the legacy `id_shop_integration` (shopimind.md §5). */
  findByLegacyShopIntegrationId(legacyShopIntegrationId: string): Promise<InstallationEntity | null> {
    return this.repository.findOneBy({ legacyShopIntegrationId });
  }

  save(installation: InstallationEntity): Promise<InstallationEntity> {
    return this.repository.save(installation);
  }

  /** Inserts or updates by `installationId` in one statement, so a retried lifecycle event is harmless. */
  async upsert(input: InstallationUpsert): Promise<InstallationEntity> {
    const keys = (Object.keys(UPSERT_COLUMNS) as Array<keyof InstallationUpsert>).filter(
      (key) => input[key] !== undefined,
    );
    const updated = keys.filter((key) => key !== 'installationId').map((key) => UPSERT_COLUMNS[key]);
    await this.repository
      .createQueryBuilder()
      .insert()
      .into(InstallationEntity)
      .values({ ...input, updatedAt: () => 'now()' })
      .orUpdate([...updated, 'updated_at'], ['installation_id'])
      .execute();
    return this.repository.findOneByOrFail({ installationId: input.installationId });
  }

  /** Returns the updated installation, or null when there is none with this id. */
  async updateStatus(
    id: string,
    status: InstallationStatus,
    timestamps: InstallationStatusTimestamps = {},
  ): Promise<InstallationEntity | null> {
    await this.repository.update({ id }, { ...timestamps, status });
    return this.findById(id);
  }

  /** `null` wipes the token (uninstall: keep nothing secret). */
  async setAccessTokenCiphertext(id: string, accessTokenCiphertext: string | null): Promise<void> {
    await this.repository.update({ id }, { accessTokenCiphertext });
  }
}
