import { Inject, Injectable, Logger } from '@nestjs/common';
import { sampleStoreCategories } from '@storebridge/store-diagnostics';
import {
  CATEGORIES_REMOTE_RESOURCE,
  InvalidIntegrationConfigError,
  parseStoreFormConfig,
  type StoreFormConfig,
} from '@storebridge/shopimind-declaration';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import type { RemoteDataProvider, RemoteOption } from './remote-data.provider';

/**
 * The store's product categories, for the `excluded_categories` multiselect. Read live from the first
 * pages of the store (bounded, see `sampleStoreCategories`) with the config being edited, since the
 * form may be filled before any sync ran.
 */
@Injectable()
export class CategoriesRemoteDataProvider implements RemoteDataProvider {
  readonly resource = CATEGORIES_REMOTE_RESOURCE;
  private readonly logger = new Logger(CategoriesRemoteDataProvider.name);

  constructor(@Inject(GATEWAY_FEATURE_OPTIONS) private readonly gatewayOptions: GatewayFeatureOptions) {}

  async load(configs: Record<string, unknown>): Promise<RemoteOption[]> {
    let config: StoreFormConfig;
    try {
      config = parseStoreFormConfig(configs);
    } catch (error) {
      if (error instanceof InvalidIntegrationConfigError) {
        this.logger.warn(`No categories: ${error.message}`);
        return [];
      }
      throw error;
    }
    const sample = await sampleStoreCategories(config.store, {
      allowPrivate: this.gatewayOptions.allowPrivateStoreUrls,
    });
    if (!sample.ok) {
      this.logger.warn(`No categories from ${config.store.baseUrl}: ${sample.problem}: ${sample.message}`);
      return [];
    }
    // The sample is bounded: keep the merchant's current choices selectable even when it missed them.
    const names = [...sample.categories];
    for (const excluded of config.excludedCategories) {
      if (!names.includes(excluded)) {
        names.push(excluded);
      }
    }
    return names.map((name) => ({ value: name, label: name }));
  }
}
