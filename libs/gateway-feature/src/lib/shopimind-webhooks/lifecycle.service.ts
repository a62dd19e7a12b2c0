import { Inject, Injectable, Logger } from '@nestjs/common';
import { StoreConnectionService } from '@storebridge/connections';
import { Subjects, type SyncTrigger } from '@storebridge/contracts';
import { checkStoreUrl, StoreClient } from '@storebridge/store-client';
import { MessagePublisher } from '@storebridge/messaging';
import type { InstallationEntity, StoreConnectionEntity } from '@storebridge/persistence';
import { InstallationRepository } from '@storebridge/gateway-persistence';
import { CredentialCipher } from '@storebridge/security';
import {
  InvalidIntegrationConfigError,
  parseIntegrationConfig,
  type IntegrationConfig,
} from '@storebridge/shopimind-declaration';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { ExternalAccountService } from '../oauth/external-account.service';
import {
  installationKeyOf,
  type LifecycleEventDto,
  type LifecycleEventName,
} from './dto/lifecycle-event.dto';
import { lifecycleTransition } from './lifecycle-transitions';
import { failed, succeeded, type ShopimindResponse } from './shopimind-response';

/**
 * The installation lifecycle of spec §2 and §5. Every handler is idempotent: ShopiMind retries all events
 * but `install` once, so a replay must change nothing (lifecycle-transitions.ts decides what applies).
 */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger(LifecycleService.name);

  constructor(
    private readonly installations: InstallationRepository,
    private readonly storeConnections: StoreConnectionService,
    private readonly cipher: CredentialCipher,
    private readonly publisher: MessagePublisher,
    private readonly externalAccounts: ExternalAccountService,
    @Inject(GATEWAY_FEATURE_OPTIONS) private readonly options: GatewayFeatureOptions,
  ) {}

  async handle(name: LifecycleEventName, event: LifecycleEventDto): Promise<ShopimindResponse> {
    const key = installationKeyOf(event);
    if (!key) {
      return failed('missing_installation_id');
    }
    const installation =
      (await this.findInstallation(key)) ??
      (name === 'install' ? await this.uninstalledInstallationOfShop(event) : null);
    const transition = lifecycleTransition(installation?.status, name);
    switch (transition.kind) {
      case 'refuse':
        return failed(transition.error);
      case 'already_done':
        return succeeded();
      case 'apply':
        break;
    }
    if (!installation) {
      return this.install(key, event, null);
    }
    switch (name) {
      case 'install':
        return this.install(key, event, installation);
      case 'activate':
        return this.activate(installation, event);
      case 'config_updated':
        return this.updateConfig(installation, event);
      case 'deactivate':
        return this.deactivate(installation);
      case 'uninstall':
        return this.uninstall(installation);
    }
  }

  /**
   * Spec §4: install is never retried and must be atomic: one upsert, or nothing stored. A second install of
   * a live installation refreshes its token without downgrading its state. An install of an uninstalled one
   * is a reinstall.
   */
  private async install(
    key: string,
    event: LifecycleEventDto,
    existing: InstallationEntity | null,
  ): Promise<ShopimindResponse> {
    if (!event.access_token) {
      return failed('missing_access_token');
    }
    // Claimed before anything is stored, so an install refused here leaves nothing behind.
    if (
      event.external_account_id &&
      (await this.externalAccounts.claim(event.external_account_id, key)) === 'taken'
    ) {
      this.logger.warn(`Install ${key} refused: its external account belongs to another installation`);
      return failed('external_account_taken');
    }
    if (existing?.status === 'uninstalled') {
      return this.reinstall(key, event, existing, event.access_token);
    }
    await this.installations.upsert({
      installationId: key,
      legacyShopIntegrationId: event.id_shop_integration,
      shopDomain: event.shop_domain ?? existing?.shopDomain ?? '',
      shopName: event.shop_name,
      status: existing?.status ?? 'installed',
      accessTokenCiphertext: this.cipher.encrypt(event.access_token),
      externalAccountId: event.external_account_id,
      installedAt: existing?.installedAt ?? new Date(),
    });
    this.logger.log(`Installed ${key}`);
    return succeeded();
  }

  /**
   * The shop installs the integration again (README: reinstall): the uninstalled row is taken up, under the
   * event's installation_id when it brings a new one, and starts afresh as installed with the new key. Its id,
   * which its id mappings and its data source label hang on, stays: the records are written over the ones
   * ShopiMind holds, not beside them.
   */
  private async reinstall(
    key: string,
    event: LifecycleEventDto,
    uninstalled: InstallationEntity,
    accessToken: string,
  ): Promise<ShopimindResponse> {
    const reinstalled = await this.installations.reinstall(uninstalled.id, {
      // A legacy key (`legacy:<id>`) found this row by its legacy id: its own installation_id stays.
      installationId: event.installation_id ?? uninstalled.installationId,
      legacyShopIntegrationId: event.id_shop_integration,
      shopDomain: event.shop_domain ?? uninstalled.shopDomain,
      shopName: event.shop_name,
      status: 'installed',
      accessTokenCiphertext: this.cipher.encrypt(accessToken),
      externalAccountId: event.external_account_id ?? null,
      installedAt: new Date(),
      activatedAt: null,
      deactivatedAt: null,
      uninstalledAt: null,
    });
    if (!reinstalled) {
      return failed('install_conflict');
    }
    this.logger.log(`Reinstalled ${key} (installation ${uninstalled.installationId} before)`);
    return succeeded();
  }

  /** Only a shop that uninstalled: a live installation of the same shop is another one, left alone. */
  private uninstalledInstallationOfShop(event: LifecycleEventDto): Promise<InstallationEntity | null> {
    return this.installations.findUninstalledOfShop({
      shopDomain: event.shop_domain,
      legacyShopIntegrationId: event.id_shop_integration,
    });
  }

  /**
   * Validates the config, refuses internal store addresses (SSRF) and proves the store answers; then stores
   * the connection, marks the installation active and asks sync for a full crawl. A retried activate finds
   * the same configuration already active and starts nothing twice.
   */
  private async activate(
    installation: InstallationEntity,
    event: LifecycleEventDto,
  ): Promise<ShopimindResponse> {
    const config = await this.checkedConfig(installation, event, { requireHealthyStore: true });
    if (!config.ok) {
      return failed(config.error);
    }
    if (event.access_token) {
      await this.installations.setAccessTokenCiphertext(
        installation.id,
        this.cipher.encrypt(event.access_token),
      );
    }
    const { connection, changed } = await this.storeConnections.saveFromConfig(installation.id, config.value);
    const wasActive = installation.status === 'active';
    if (!wasActive) {
      await this.installations.updateStatus(installation.id, 'active', { activatedAt: new Date() });
      this.logger.log(`Activated ${installation.installationId}`);
    }
    if (!wasActive || changed) {
      await this.requestSync(connection, 'activate', installation);
    }
    return succeeded();
  }

  /**
   * Best effort (spec §2): a config that can be stored is answered with success even when the store is down
   * right now (the sync run records that). Only a changed config of an active installation re-syncs.
   */
  private async updateConfig(
    installation: InstallationEntity,
    event: LifecycleEventDto,
  ): Promise<ShopimindResponse> {
    const config = await this.checkedConfig(installation, event, { requireHealthyStore: false });
    if (!config.ok) {
      return failed(config.error);
    }
    const { connection, changed } = await this.storeConnections.saveFromConfig(installation.id, config.value);
    if (changed && installation.status === 'active') {
      await this.requestSync(connection, 'config_updated', installation);
    }
    return succeeded();
  }

  private async checkedConfig(
    installation: InstallationEntity,
    event: LifecycleEventDto,
    { requireHealthyStore }: { requireHealthyStore: boolean },
  ): Promise<{ ok: true; value: IntegrationConfig } | { ok: false; error: string }> {
    let config: IntegrationConfig;
    try {
      // A connection saved before lang and currency were required keeps them when ShopiMind sends none.
      config = parseIntegrationConfig(
        await this.withExternalAccount(installation, event.configs ?? {}),
        await this.storeConnections.storedCatalogueSettings(installation.id),
      );
    } catch (error) {
      if (error instanceof InvalidIntegrationConfigError) {
        return { ok: false, error: error.message };
      }
      throw error;
    }
    const verdict = await checkStoreUrl(config.store.baseUrl, {
      allowPrivate: this.options.allowPrivateStoreUrls,
    });
    if (!verdict.ok) {
      return { ok: false, error: verdict.message };
    }
    const health = await new StoreClient(config.store, {
      retries: 1,
      allowPrivateAddresses: this.options.allowPrivateStoreUrls,
    }).checkHealth();
    if (!health.ok) {
      if (requireHealthyStore) {
        return { ok: false, error: `connection_failed: ${health.error.message}` };
      }
      this.logger.warn(`Stored a config whose store does not answer yet: ${health.error.message}`);
    }
    return { ok: true, value: config };
  }

  /**
   * Type B (spec §8): the store was connected on our consent page, so ShopiMind's form may carry no store
   * settings; they come from the external account bound at install. Settings in the form win.
   */
  private async withExternalAccount(
    installation: InstallationEntity,
    configs: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    if (configs['store_base_url']) {
      return configs;
    }
    const fromAccount = await this.externalAccounts.storeConfigFor(
      installation.externalAccountId,
      installation.installationId,
    );
    return fromAccount ? { ...fromAccount, ...configs } : configs;
  }

  /**
   * The message id is the same for a concurrent retry of one event (same config, same activation), so
   * JetStream drops the duplicate; a new config or a re-activation after a deactivate gets a new one.
   */
  private async requestSync(
    connection: StoreConnectionEntity,
    trigger: SyncTrigger,
    installation: InstallationEntity,
  ): Promise<void> {
    const activation = installation.deactivatedAt?.getTime() ?? 0;
    await this.publisher.publish(
      Subjects.syncRequested,
      { connectionId: connection.id, trigger },
      { messageId: `${trigger}:${connection.id}:${connection.configFingerprint ?? ''}:${activation}` },
    );
  }

  /** Spec §2: the key is revoked; pending work is kept so it resumes on the next activate. */
  private async deactivate(installation: InstallationEntity): Promise<ShopimindResponse> {
    await this.installations.updateStatus(installation.id, 'inactive', { deactivatedAt: new Date() });
    this.logger.log(`Deactivated ${installation.installationId}`);
    return succeeded();
  }

  /** Spec §2: keep nothing secret once uninstalled; the id mappings stay for a reinstall. */
  private async uninstall(installation: InstallationEntity): Promise<ShopimindResponse> {
    await this.externalAccounts.destroyClaimedBy(installation.installationId);
    await this.installations.uninstall(installation.id, new Date());
    this.logger.log(`Uninstalled ${installation.installationId}`);
    return succeeded();
  }

  private findInstallation(key: string): Promise<InstallationEntity | null> {
    return key.startsWith('legacy:')
      ? this.installations.findByLegacyShopIntegrationId(key.slice('legacy:'.length))
      : this.installations.findByInstallationId(key);
  }
}
