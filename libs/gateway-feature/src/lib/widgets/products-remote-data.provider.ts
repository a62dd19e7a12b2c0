import { Injectable } from '@nestjs/common';
import { PRODUCTS_REMOTE_RESOURCE } from '@storebridge/shopimind-declaration';
import type { RemoteDataProvider, RemoteOption } from '../shopimind-config/remote-data.provider';
import { WidgetProductsService } from './widget-products.service';

const MAX_SEARCH_LENGTH = 100;

/**
 * `POST /webhook/remote-data/products` (spec §6): the product pickers' options, from the synced catalogue.
 * The body is the config map; it names the installation only when ShopiMind adds `installation_id`, and
 * without it there is no catalogue to list. An optional `search` narrows the list by name.
 */
@Injectable()
export class ProductsRemoteDataProvider implements RemoteDataProvider {
  readonly resource = PRODUCTS_REMOTE_RESOURCE;

  constructor(private readonly products: WidgetProductsService) {}

  load(config: Record<string, unknown>): Promise<RemoteOption[]> {
    const search =
      typeof config['search'] === 'string' ? config['search'].slice(0, MAX_SEARCH_LENGTH) : undefined;
    return this.products.productOptions(config['installation_id'], search);
  }
}
