export interface SyncFeatureOptions {
  /** Development only: crawl http:// and private store addresses (ALLOW_PRIVATE_STORE_URLS). */
  allowPrivateStoreUrls: boolean;
  /** How often the sync scheduler looks for due connections, in ms (default 60 000); 0 disables it. */
  scheduleTickMs?: number;
  /** A crawl writes its progress at most this often, in ms (default 500); 0 writes after every page. */
  progressIntervalMs?: number;
}

export const SYNC_FEATURE_OPTIONS = Symbol('SYNC_FEATURE_OPTIONS');
