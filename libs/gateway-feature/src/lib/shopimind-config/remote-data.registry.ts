import type { Provider, Type } from '@nestjs/common';
import { ProductsRemoteDataProvider } from '../widgets/products-remote-data.provider';
import { CategoriesRemoteDataProvider } from './categories-remote-data.provider';
import { REMOTE_DATA_PROVIDERS, type RemoteDataProvider } from './remote-data.provider';
import { StoreWebhooksRemoteDataProvider } from './store-webhooks-remote-data.provider';

/** Every remote-data resource we serve: to serve one more, add its provider class here. */
export const REMOTE_DATA_PROVIDER_TYPES: readonly Type<RemoteDataProvider>[] = [
  CategoriesRemoteDataProvider,
  ProductsRemoteDataProvider,
  StoreWebhooksRemoteDataProvider,
];

export const remoteDataProviders: Provider[] = [
  ...REMOTE_DATA_PROVIDER_TYPES,
  {
    provide: REMOTE_DATA_PROVIDERS,
    useFactory: (...providers: RemoteDataProvider[]): RemoteDataProvider[] => providers,
    inject: [...REMOTE_DATA_PROVIDER_TYPES],
  },
];
