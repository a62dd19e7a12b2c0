export interface SyncFeatureOptions {
  /** Development only: crawl http:// and private store addresses (ALLOW_PRIVATE_STORE_URLS). */
  allowPrivateStoreUrls: boolean;
  /** How often the sync scheduler looks for due connections, in ms (default 60 000); 0 disables it. */
  scheduleTickMs?: number;
  /** A crawl writes its progress at most this often, in ms (default 500); 0 writes after every page. */
  progressIntervalMs?: number;
  /** Records one crawl of one entity reads before failing as a store inventing records (default 5 000 000). */
  maxRecordsPerEntity?: number;
  /** Share of the mirrored records a complete crawl may miss before their deletion is held (default 0.2). */
  deletionHoldShare?: number;
}

export const SYNC_FEATURE_OPTIONS = Symbol('SYNC_FEATURE_OPTIONS');
