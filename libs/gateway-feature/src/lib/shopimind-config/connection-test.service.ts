import { Inject, Injectable, Logger } from '@nestjs/common';
import { describeCurrencyDisagreement, diagnoseStore } from '@storebridge/store-diagnostics';
import {
  InvalidIntegrationConfigError,
  parseIntegrationConfig,
  type IntegrationConfig,
} from '@storebridge/shopimind-declaration';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { failed, succeeded, type ShopimindResponse } from '../shopimind-webhooks/shopimind-response';

/**
 * ShopiMind §6 connection test: validates the config being edited, then proves the store answers with it
 * (address policy, health, first products page) and that the form's currency is the one the store's products
 * name, when they name one. The reason goes back to the merchant's form as is.
 */
@Injectable()
export class ConnectionTestService {
  private readonly logger = new Logger(ConnectionTestService.name);

  constructor(@Inject(GATEWAY_FEATURE_OPTIONS) private readonly options: GatewayFeatureOptions) {}

  async test(configs: Record<string, unknown>): Promise<ShopimindResponse> {
    let config: IntegrationConfig;
    try {
      config = parseIntegrationConfig(configs);
    } catch (error) {
      if (error instanceof InvalidIntegrationConfigError) {
        return failed(`Invalid configuration: ${error.problems.join('; ')}`);
      }
      throw error;
    }
    const diagnosis = await diagnoseStore(config.store, { allowPrivate: this.options.allowPrivateStoreUrls });
    if (!diagnosis.ok) {
      this.logger.log(
        `Connection test of ${config.store.baseUrl} failed at ${diagnosis.step}: ${diagnosis.problem}`,
      );
      return failed(diagnosis.message);
    }
    const { currencies } = diagnosis.products;
    const disagreement = describeCurrencyDisagreement(currencies, config.currency);
    if (disagreement !== undefined) {
      return failed(disagreement);
    }
    if (currencies.length > 1) {
      // Nothing the form can fix: each product keeps its own currency.
      this.logger.log(
        `Connection test of ${config.store.baseUrl}: its products mix currencies (${currencies.join(', ')})`,
      );
    }
    return succeeded();
  }
}
