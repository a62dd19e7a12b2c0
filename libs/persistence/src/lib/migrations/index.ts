import { MigrationInterface } from 'typeorm';
import { InitialSchema1795420800000 } from './1795420800000-initial-schema';
import { AcceptedSignatures1795420900000 } from './1795420900000-accepted-signatures';
import { StoreProducts1795421000000 } from './1795421000000-store-products';
import { OAuth1795421100000 } from './1795421100000-oauth';
import { StoreConnectionFingerprint1795421200000 } from './1795421200000-store-connection-fingerprint';
import { StoreProductsLastSeen1795421300000 } from './1795421300000-store-products-last-seen';
import { SyncSchedule1795421400000 } from './1795421400000-sync-schedule';
import { StoreProductsRaw1795421500000 } from './1795421500000-store-products-raw';
import { StoreOrders1795421600000 } from './1795421600000-store-orders';
import { SyncRunTimings1795421700000 } from './1795421700000-sync-run-timings';
import { SyncRunSeenIds1795421900000 } from './1795421900000-sync-run-seen-ids';
import { PushOutcomes1795422000000 } from './1795422000000-push-outcomes';
import { IdMappingsNaturalKey1795422100000 } from './1795422100000-id-mappings-natural-key';
import { StorePageFingerprints1795422200000 } from './1795422200000-store-page-fingerprints';
import { StoreConnectionPerPage1795421800000 } from './1795421800000-store-connection-per-page';
import { CrawlSafety1795422300000 } from './1795422300000-crawl-safety';
import { IdMappingsDeterministic1795422500000 } from './1795422500000-id-mappings-deterministic';
import { ParkedMessages1795422600000 } from './1795422600000-parked-messages';
import { ExternalAccountOwner1795422700000 } from './1795422700000-external-account-owner';
import { ResendAnswersAndReinstallIdentity1795422800000 } from './1795422800000-resend-answers-and-reinstall-identity';
import { PushLedgerDeletesAndReferences1795422900000 } from './1795422900000-push-ledger-deletes-and-references';
import { StoreConnectionCatalogueSelection1795423000000 } from './1795423000000-store-connection-catalogue-selection';
import { PushedProductParts1795423100000 } from './1795423100000-pushed-product-parts';
import { IdMappingsNumericIdFirst1795423200000 } from './1795423200000-id-mappings-numeric-id-first';
import { VariationIdsComputed1795423300000 } from './1795423300000-variation-ids-computed';

/** In order of application; every schema change is a new class appended here. */
export const migrations: Array<new () => MigrationInterface> = [
  InitialSchema1795420800000,
  AcceptedSignatures1795420900000,
  StoreProducts1795421000000,
  OAuth1795421100000,
  StoreConnectionFingerprint1795421200000,
  StoreProductsLastSeen1795421300000,
  SyncSchedule1795421400000,
  StoreProductsRaw1795421500000,
  StoreOrders1795421600000,
  SyncRunTimings1795421700000,
  StoreConnectionPerPage1795421800000,
  SyncRunSeenIds1795421900000,
  PushOutcomes1795422000000,
  IdMappingsNaturalKey1795422100000,
  StorePageFingerprints1795422200000,
  CrawlSafety1795422300000,
  IdMappingsDeterministic1795422500000,
  ParkedMessages1795422600000,
  ExternalAccountOwner1795422700000,
  ResendAnswersAndReinstallIdentity1795422800000,
  PushLedgerDeletesAndReferences1795422900000,
  StoreConnectionCatalogueSelection1795423000000,
  PushedProductParts1795423100000,
  IdMappingsNumericIdFirst1795423200000,
  VariationIdsComputed1795423300000,
];
