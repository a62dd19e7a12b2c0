import { Inject, Injectable } from '@nestjs/common';
import type { StoreConnectionEntity } from '@storebridge/persistence';
import { STORE_WEBHOOKS_REMOTE_RESOURCE } from '@storebridge/shopimind-declaration';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { MERCHANT_LINK_VALIDITY_SECONDS, MerchantLinks } from '../merchant/merchant-links';
import { StoreConnectionMatcher } from '../merchant/store-connection-matcher';
import { storeWebhooksInfo } from '../merchant/store-webhook-urls';
import type { RemoteDataContext, RemoteDataProvider, RemoteOption } from './remote-data.provider';

export const NOT_ACTIVATED_OPTION: RemoteOption = {
  value: 'not_activated',
  label:
    "The store webhook URLs appear here once the integration is activated with this store's URL and credential.",
};

const LINK_VALIDITY_DAYS = MERCHANT_LINK_VALIDITY_SECONDS / 86_400;

/**
 * The store webhooks field (spec §6 remote select): its options tell the merchant the three webhook URLs of
 * their connection, how those are signed, and a signed link to a page of ours showing the same. ShopiMind
 * sends the form's config map without the installation, so the connection is the one whose store base URL and
 * credential the map holds (see StoreConnectionMatcher): nobody else can list a connection's store token.
 */
@Injectable()
export class StoreWebhooksRemoteDataProvider implements RemoteDataProvider {
  readonly resource = STORE_WEBHOOKS_REMOTE_RESOURCE;

  constructor(
    private readonly matcher: StoreConnectionMatcher,
    private readonly links: MerchantLinks,
    @Inject(GATEWAY_FEATURE_OPTIONS) private readonly gatewayOptions: GatewayFeatureOptions,
  ) {}

  async load(configs: Record<string, unknown>, context: RemoteDataContext = {}): Promise<RemoteOption[]> {
    const matches = await this.matcher.matching(configs);
    if (matches.length === 0) {
      return [NOT_ACTIVATED_OPTION];
    }
    const baseUrl = this.gatewayOptions.publicBaseUrl ?? context.requestBaseUrl ?? '';
    // One store connected by several installations with the same credential: each one's URLs, numbered.
    return matches.flatMap((connection, index) =>
      this.optionsOf(connection, baseUrl, matches.length > 1 ? `${index + 1}` : ''),
    );
  }

  private optionsOf(connection: StoreConnectionEntity, baseUrl: string, number: string): RemoteOption[] {
    const { urls, signing } = storeWebhooksInfo(connection, baseUrl);
    const value = (kind: string) => (number ? `${kind}_${number}` : kind);
    const label = (text: string) => (number ? `(${number}) ${text}` : text);
    const link = this.links.linkFor(baseUrl, connection.id);
    return [
      { value: value('products'), label: label(urls.products) },
      { value: value('orders'), label: label(urls.orders) },
      { value: value('sync'), label: label(urls.sync) },
      { value: value('signature'), label: label(`Store webhooks are ${signing}`) },
      {
        value: value('merchant_page'),
        label: label(`Page with these URLs and the store token, valid ${LINK_VALIDITY_DAYS} days: ${link}`),
      },
    ];
  }
}
