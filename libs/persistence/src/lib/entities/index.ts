import { AcceptedSignatureEntity } from './accepted-signature.entity';
import { ExternalAccountEntity } from './external-account.entity';
import { IdMappingEntity } from './id-mapping.entity';
import { InstallationEntity } from './installation.entity';
import { OAuthAuthorizationEntity } from './oauth-authorization.entity';
import { ParkedMessageEntity } from './parked-message.entity';
import { PushOutcomeEntity } from './push-outcome.entity';
import { PushedProductPartsEntity } from './pushed-product-parts.entity';
import { StoreConnectionEntity } from './store-connection.entity';
import { StoreOrderEntity } from './store-order.entity';
import { StorePageFingerprintEntity } from './store-page-fingerprint.entity';
import { StoreProductEntity } from './store-product.entity';
import { SyncRunSeenIdsEntity } from './sync-run-seen-ids.entity';
import { SyncRunEntity } from './sync-run.entity';

export * from './accepted-signature.entity';
export * from './external-account.entity';
export * from './id-mapping.entity';
export * from './installation.entity';
export * from './oauth-authorization.entity';
export * from './parked-message.entity';
export * from './push-outcome.entity';
export * from './pushed-product-parts.entity';
export * from './store-connection.entity';
export * from './store-order.entity';
export * from './store-page-fingerprint.entity';
export * from './store-product.entity';
export * from './sync-run-seen-ids.entity';
export * from './sync-run.entity';

export const persistenceEntities = [
  InstallationEntity,
  StoreConnectionEntity,
  SyncRunEntity,
  SyncRunSeenIdsEntity,
  IdMappingEntity,
  StoreProductEntity,
  StoreOrderEntity,
  OAuthAuthorizationEntity,
  ExternalAccountEntity,
  AcceptedSignatureEntity,
  PushOutcomeEntity,
  StorePageFingerprintEntity,
  ParkedMessageEntity,
  PushedProductPartsEntity,
];
