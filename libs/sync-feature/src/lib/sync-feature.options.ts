export interface SyncFeatureOptions {
  /** Development only: crawl http:// and private store addresses (ALLOW_PRIVATE_STORE_URLS). */
  allowPrivateStoreUrls: boolean;
}

export const SYNC_FEATURE_OPTIONS = Symbol('SYNC_FEATURE_OPTIONS');
