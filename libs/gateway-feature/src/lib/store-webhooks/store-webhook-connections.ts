import type { StoreWebhookCaller } from './store-webhook-caller';

/** What checking a store webhook needs of the connection its token names. */
export interface StoreWebhookConnection extends StoreWebhookCaller {
  /** Decrypted; absent when the connection accepts unsigned webhooks (the token is the credential). */
  webhookSecret?: string;
}

/** Reads the connection of a store token (null: no such token). */
export type StoreWebhookConnectionLoader = (storeToken: string) => Promise<StoreWebhookConnection | null>;

export interface StoreWebhookConnectionsOptions {
  /** How long a connection read is used before it is read again. */
  ttlMs: number;
  /** Most connections kept; the least recently used go first. */
  maxEntries: number;
  now?: () => number;
}

/** Long enough for a burst of webhooks to share one read, short enough for a changed configuration to show. */
export const STORE_WEBHOOK_CONNECTION_TTL_MS = 5_000;
export const STORE_WEBHOOK_CONNECTIONS_KEPT = 10_000;

interface Entry {
  connection: Promise<StoreWebhookConnection | null>;
  expiresAt: number;
}

/**
 * The connections of recent store webhooks, kept in memory for a few seconds: a burst of webhooks of one store
 * reads and decrypts its connection once instead of once per request. Only found connections are kept (made-up
 * tokens cannot fill the memory), a failed read is not kept, and concurrent first webhooks share one read. A
 * secret changed in the meantime is read again at once by the caller (`fresh`), so only the old secret can
 * outlive its change, by at most the TTL.
 */
export class StoreWebhookConnections {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(
    private readonly load: StoreWebhookConnectionLoader,
    private readonly options: StoreWebhookConnectionsOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  find(
    storeToken: string,
    { fresh = false }: { fresh?: boolean } = {},
  ): Promise<StoreWebhookConnection | null> {
    const kept = this.entries.get(storeToken);
    if (kept && !fresh && kept.expiresAt > this.now()) {
      // Most recently used last: eviction takes the first.
      this.entries.delete(storeToken);
      this.entries.set(storeToken, kept);
      return kept.connection;
    }
    const entry: Entry = { connection: this.load(storeToken), expiresAt: this.now() + this.options.ttlMs };
    this.entries.delete(storeToken);
    this.entries.set(storeToken, entry);
    const forget = () => {
      if (this.entries.get(storeToken) === entry) {
        this.entries.delete(storeToken);
      }
    };
    entry.connection.then((connection) => connection ?? forget(), forget);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) {
        break;
      }
      this.entries.delete(oldest);
    }
    return entry.connection;
  }
}
