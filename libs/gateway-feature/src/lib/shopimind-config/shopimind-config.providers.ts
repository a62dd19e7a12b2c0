import type { Provider } from '@nestjs/common';
import { MerchantLinks } from '../merchant/merchant-links';
import { StoreConnectionMatcher } from '../merchant/store-connection-matcher';
import { ConnectionTestService } from './connection-test.service';
import { remoteDataProviders } from './remote-data.registry';
import { RemoteDataService } from './remote-data.service';

/** What `ShopimindConfigController` needs, for GatewayFeatureModule's provider list. */
export const SHOPIMIND_CONFIG_PROVIDERS: Provider[] = [
  ConnectionTestService,
  RemoteDataService,
  // The store webhooks options match a connection and sign a link to its merchant page.
  StoreConnectionMatcher,
  MerchantLinks,
  ...remoteDataProviders,
];
