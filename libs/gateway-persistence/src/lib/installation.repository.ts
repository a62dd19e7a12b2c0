import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  InstallationEntity,
  InstallationReader,
  returnedRows,
  StoreConnectionEntity,
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

  /**
   * The uninstalled installation a new install of the same shop takes up (README: reinstall): the same
   * `shop_domain` (letter case aside; an empty one matches nothing) or legacy `id_shop_integration`, the last
   * uninstalled first.
   */
  findUninstalledOfShop(shop: {
    shopDomain?: string;
    legacyShopIntegrationId?: string;
  }): Promise<InstallationEntity | null> {
    const shopDomain = shop.shopDomain?.trim().toLowerCase() ?? '';
    const legacyShopIntegrationId = shop.legacyShopIntegrationId ?? null;
    if (!shopDomain && legacyShopIntegrationId === null) {
      return Promise.resolve(null);
    }
    return this.repository
      .createQueryBuilder('installation')
      .where('installation.status = :uninstalled', { uninstalled: 'uninstalled' })
      .andWhere(
        `((:shopDomain <> '' AND lower(installation.shop_domain) = :shopDomain)
          OR installation.legacy_shop_integration_id = :legacyShopIntegrationId)`,
        { shopDomain, legacyShopIntegrationId },
      )
      .orderBy('installation.uninstalled_at', 'DESC', 'NULLS LAST')
      .addOrderBy('installation.created_at', 'DESC')
      .getOne();
  }

  /**
   * Installs an uninstalled installation row again, under the identity `input` gives (a new `installationId`
   * included): its id, hence its id mappings and data source, stay. Null when the row is not uninstalled
   * (anymore): a concurrent install took it up.
   */
  async reinstall(id: string, input: InstallationUpsert): Promise<InstallationEntity | null> {
    const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    const updated = await this.repository
      .createQueryBuilder()
      .update(InstallationEntity)
      .set({ ...defined, updatedAt: () => 'now()' })
      .where('id = :id AND status = :uninstalled', { id, uninstalled: 'uninstalled' })
      // RETURNING rather than `affected`, which the embedded (PGlite) driver does not report.
      .returning(['id'])
      .execute();
    return returnedRows(updated.raw).length > 0 ? this.findById(id) : null;
  }

  /**
   * Spec §2: keep nothing secret once uninstalled. In one transaction: the store connection goes (its
   * credentials, and by cascade its sync runs, mirrors and push ledger), the access token is wiped, the row is
   * marked. The id mappings stay: they hold no secret, and a reinstall of the shop needs their numbers to
   * write over its records in ShopiMind rather than beside them.
   */
  async uninstall(id: string, uninstalledAt: Date): Promise<void> {
    await this.repository.manager.transaction(async (manager) => {
      await manager.delete(StoreConnectionEntity, { installationId: id });
      await manager.update(
        InstallationEntity,
        { id },
        { status: 'uninstalled', accessTokenCiphertext: null, uninstalledAt },
      );
    });
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
