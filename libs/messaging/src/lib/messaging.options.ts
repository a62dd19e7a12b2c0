export interface RetryBackoffOptions {
  /** Delay before the first redelivery of a failed message. */
  initialMs: number;
  /** Upper bound of the doubling delay. */
  maxMs: number;
}

export interface MessagingModuleOptions {
  /** Names the durable consumers (`<serviceName>_<subject>`): replicas of one service share them. */
  serviceName: string;
  /** JetStream when set; otherwise the in-process bus of embedded mode. */
  natsUrl?: string;
  retryBackoff?: RetryBackoffOptions;
  /**
   * JetStream ack wait of the durables: how long the message of a replica that died mid-handler waits before another
   * replica gets it. Handlers still running heartbeat four times per ack wait, so a long one keeps its message.
   */
  ackWaitMs?: number;
  /** How long shutdown waits for in-flight handlers before closing anyway. */
  shutdownTimeoutMs?: number;
  /** How often the JetStream transport looks for partitions (per-connection queues) with work. */
  partitionDiscoveryMs?: number;
  /**
   * A message whose handler failed this many times in a row the same way is parked (stored as a dead letter, then
   * terminated) when a ParkedMessageStore is bound; availability failures never count (default 5).
   */
  parkAfterSameFailures?: number;
}

export interface ResolvedMessagingOptions {
  serviceName: string;
  natsUrl: string | undefined;
  retryBackoff: RetryBackoffOptions;
  ackWaitMs: number;
  shutdownTimeoutMs: number;
  partitionDiscoveryMs: number;
  parkAfterSameFailures: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** Publishing the same message id twice within this window stores it once (JetStream and in-process). */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;
export const STREAM_MAX_AGE_MS = 7 * 24 * 60 * 60_000;

const DEFAULT_RETRY_BACKOFF: RetryBackoffOptions = { initialMs: 1_000, maxMs: 60_000 };
// Short, so a crashed replica's work resumes within seconds; heartbeats keep long handlers' messages.
export const DEFAULT_ACK_WAIT_MS = 4_000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;
const DEFAULT_PARTITION_DISCOVERY_MS = 1_000;
const DEFAULT_PARK_AFTER_SAME_FAILURES = 5;
// Durable names may not contain dots, wildcards or whitespace.
const SERVICE_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

function requirePositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`MessagingModule: ${name} must be a positive number of milliseconds`);
  }
  return value;
}

export function resolveMessagingOptions(options: MessagingModuleOptions): ResolvedMessagingOptions {
  if (!SERVICE_NAME_PATTERN.test(options.serviceName)) {
    throw new Error('MessagingModule: serviceName must be letters, digits, dashes and underscores only');
  }
  const retryBackoff = options.retryBackoff ?? DEFAULT_RETRY_BACKOFF;
  requirePositive('retryBackoff.initialMs', retryBackoff.initialMs);
  requirePositive('retryBackoff.maxMs', retryBackoff.maxMs);
  const parkAfterSameFailures = options.parkAfterSameFailures ?? DEFAULT_PARK_AFTER_SAME_FAILURES;
  if (!Number.isInteger(parkAfterSameFailures) || parkAfterSameFailures < 1) {
    throw new Error('MessagingModule: parkAfterSameFailures must be a positive integer');
  }
  return {
    serviceName: options.serviceName,
    natsUrl: options.natsUrl || undefined,
    retryBackoff,
    ackWaitMs: requirePositive('ackWaitMs', options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
    shutdownTimeoutMs: requirePositive(
      'shutdownTimeoutMs',
      options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    ),
    partitionDiscoveryMs: requirePositive(
      'partitionDiscoveryMs',
      options.partitionDiscoveryMs ?? DEFAULT_PARTITION_DISCOVERY_MS,
    ),
    parkAfterSameFailures,
  };
}
