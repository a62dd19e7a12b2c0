import type { Provider } from '@nestjs/common';
import { ConnectionTestService } from './connection-test.service';
import { remoteDataProviders } from './remote-data.registry';
import { RemoteDataService } from './remote-data.service';

/** What `ShopimindConfigController` needs, for GatewayFeatureModule's provider list. */
export const SHOPIMIND_CONFIG_PROVIDERS: Provider[] = [
  ConnectionTestService,
  RemoteDataService,
  ...remoteDataProviders,
];
