import { Inject, Injectable, Logger } from '@nestjs/common';
import { StoreConnectionService } from '@storebridge/connections';
import { Subjects, type SyncTrigger } from '@storebridge/contracts';
import { checkStoreUrl, StoreClient } from '@storebridge/generic-api';
import { MessagePublisher } from '@storebridge/messaging';
import {
  InstallationRepository,
  StoreConnectionRepository,
  type InstallationEntity,
} from '@storebridge/persistence';
import { CredentialCipher } from '@storebridge/security';
import {
  InvalidIntegrationConfigError,
  parseIntegrationConfig,
  type IntegrationConfig,
} from '@storebridge/shopimind';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import {
  installationKeyOf,
  type LifecycleEventDto,
  type LifecycleEventName,
} from './dto/lifecycle-event.dto';
import { failed, succeeded, type ShopimindResponse } from './shopimind-response';

/**
 * The installation lifecycle of spec §2 and §5. Every handler is idempotent: ShopiMind retries all events
 * but `install` once, so a replay must change nothing.
 */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger(LifecycleService.name);

  constructor(
    private readonly installations: InstallationRepository,
    private readonly connections: StoreConnectionRepository,
    private readonly storeConnections: StoreConnectionService,
    private readonly cipher: CredentialCipher,
    private readonly publisher: MessagePublisher,
    @Inject(GATEWAY_FEATURE_OPTIONS) private readonly options: GatewayFeatureOptions,
  ) {}

  async handle(name: LifecycleEventName, event: LifecycleEventDto): Promise<ShopimindResponse> {
    const key = installationKeyOf(event);
    if (!key) {
      return failed('missing_installation_id');
    }
    switch (name) {
      case 'install':
        return this.install(key, event);
      case 'activate':
        return this.withInstallation(key, (installation) => this.activate(installation, event));
      case 'config_updated':
        return this.withInstallation(key, (installation) =>
          this.applyConfig(installation, event, 'config_updated'),
        );
      case 'deactivate':
        return this.withInstallation(key, (installation) => this.deactivate(installation));
      case 'uninstall':
        return this.withInstallation(key, (installation) => this.uninstall(installation));
    }
  }

  /** Spec §4: install is never retried and must be atomic: one upsert, or nothing stored. */
  private async install(key: string, event: LifecycleEventDto): Promise<ShopimindResponse> {
    if (!event.access_token) {
      return failed('missing_access_token');
    }
    await this.installations.upsert({
      installationId: key,
      legacyShopIntegrationId: event.id_shop_integration,
      shopDomain: event.shop_domain ?? '',
      shopName: event.shop_name,
      status: 'installed',
      accessTokenCiphertext: this.cipher.encrypt(event.access_token),
      externalAccountId: event.external_account_id,
      installedAt: new Date(),
    });
    this.logger.log(`Installed ${key}`);
    return succeeded();
  }

  private async activate(
    installation: InstallationEntity,
    event: LifecycleEventDto,
  ): Promise<ShopimindResponse> {
    const outcome = await this.applyConfig(installation, event, 'activate');
    if (!outcome.success) {
      return outcome;
    }
    if (event.access_token) {
      await this.installations.setAccessTokenCiphertext(
        installation.id,
        this.cipher.encrypt(event.access_token),
      );
    }
    await this.installations.updateStatus(installation.id, 'active', { activatedAt: new Date() });
    this.logger.log(`Activated ${installation.installationId}`);
    return succeeded();
  }

  /**
   * Validates the config, refuses internal store addresses (SSRF), proves the store answers and stores the
   * connection; then asks sync for a full crawl, unless the installation is not active yet (or any more):
   * its first crawl starts on activate.
   */
  private async applyConfig(
    installation: InstallationEntity,
    event: LifecycleEventDto,
    trigger: SyncTrigger,
  ): Promise<ShopimindResponse> {
    let config: IntegrationConfig;
    try {
      config = parseIntegrationConfig(event.configs ?? {});
    } catch (error) {
      if (error instanceof InvalidIntegrationConfigError) {
        return failed(error.message);
      }
      throw error;
    }
    const verdict = await checkStoreUrl(config.store.baseUrl, {
      allowPrivate: this.options.allowPrivateStoreUrls,
    });
    if (!verdict.ok) {
      return failed(verdict.message);
    }
    const health = await new StoreClient(config.store, { retries: 1 }).checkHealth();
    if (!health.ok) {
      return failed(`connection_failed: ${health.error.message}`);
    }
    const connection = await this.storeConnections.saveFromConfig(installation.id, config);
    if (trigger === 'config_updated' && installation.status !== 'active') {
      return succeeded();
    }
    await this.publisher.publish(
      Subjects.syncRequested,
      { connectionId: connection.id, trigger },
      // A retried event within the duplicate window must not start a second crawl.
      { messageId: `${trigger}:${connection.id}:${connection.updatedAt.getTime()}` },
    );
    return succeeded();
  }

  /** Spec §2: the key is revoked; pending work is kept so it resumes on the next activate. */
  private async deactivate(installation: InstallationEntity): Promise<ShopimindResponse> {
    await this.installations.updateStatus(installation.id, 'inactive', { deactivatedAt: new Date() });
    this.logger.log(`Deactivated ${installation.installationId}`);
    return succeeded();
  }

  /** Spec §2: keep nothing secret once uninstalled. */
  private async uninstall(installation: InstallationEntity): Promise<ShopimindResponse> {
    await this.connections.deleteByInstallation(installation.id);
    await this.installations.setAccessTokenCiphertext(installation.id, null);
    await this.installations.updateStatus(installation.id, 'uninstalled', { uninstalledAt: new Date() });
    this.logger.log(`Uninstalled ${installation.installationId}`);
    return succeeded();
  }

  private async withInstallation(
    key: string,
    handler: (installation: InstallationEntity) => Promise<ShopimindResponse>,
  ): Promise<ShopimindResponse> {
    const installation = key.startsWith('legacy:')
      ? await this.installations.findByLegacyShopIntegrationId(key.slice('legacy:'.length))
      : await this.installations.findByInstallationId(key);
    if (!installation) {
      return failed('unknown_installation');
    }
    if (installation.status === 'uninstalled') {
      return failed('installation_uninstalled');
    }
    return handler(installation);
  }
}
