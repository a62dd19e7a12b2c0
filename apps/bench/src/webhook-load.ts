import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

/** A webhook ready to go: its body and signature computed before the clock starts. */
export interface PreparedWebhook {
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** What one webhook got back. */
export interface SentWebhook {
  /** `Date.now()` when it was sent: the same clock as the sandbox's acceptance times. */
  sentAt: number;
  /** The HTTP status, 0 when the request failed without one (connection refused or reset). */
  status: number;
  latencyMs: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
}

export interface LoadFigures extends LatencySummary {
  /** From the first request sent until the last answer. */
  durationMs: number;
  requestsPerSecond: number | undefined;
  /** Answers other than 200, failed requests included. */
  non200: number;
}

/**
 * The nearest-rank percentile of ascending `sorted` values: the smallest value with at least `p` % of them at or
 * below it; undefined without values.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) {
    throw new RangeError(`a percentile must be in (0, 100], got ${p}`);
  }
  if (sorted.length === 0) {
    return undefined;
  }
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1),
  };
}

export function loadFigures(sent: readonly SentWebhook[], durationMs: number): LoadFigures {
  return {
    ...summarizeLatencies(sent.map((webhook) => webhook.latencyMs)),
    durationMs,
    requestsPerSecond: durationMs > 0 ? (sent.length * 1000) / durationMs : undefined,
    non200: sent.filter((webhook) => webhook.status !== 200).length,
  };
}

/** The moments, in ms from the start, at which `count` requests are due at `ratePerSecond`. */
export function pacedSchedule(count: number, ratePerSecond: number): number[] {
  return Array.from({ length: count }, (_, k) => (k * 1000) / ratePerSecond);
}

/**
 * Sends store webhooks over a fixed number of keep-alive connections (undici `Pool`, one request at a time per
 * connection, as a store's HTTP client does), timing each answer.
 */
export class WebhookLoad {
  private readonly pool: Pool;

  constructor(
    origin: string,
    readonly connections: number,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1 });
  }

  private async send(webhook: PreparedWebhook): Promise<SentWebhook> {
    const sentAt = Date.now();
    const started = performance.now();
    let status = 0;
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: webhook.path,
        headers: webhook.headers,
        body: webhook.body,
      });
      status = response.statusCode;
      await response.body.dump();
    } catch {
      // Counted as an answer other than 200; the report says how many.
    }
    return { sentAt, status, latencyMs: performance.now() - started };
  }

  /** Closed loop: as many requests in flight as connections, each sent as soon as one is answered. */
  async sendAll(
    webhooks: readonly PreparedWebhook[],
    interrupted: AbortSignal,
  ): Promise<{ sent: SentWebhook[]; figures: LoadFigures }> {
    const sent: SentWebhook[] = new Array<SentWebhook>(webhooks.length);
    let next = 0;
    const worker = async () => {
      // The workers share one cursor, taken synchronously: no webhook is sent twice.
      while (next < webhooks.length && !interrupted.aborted) {
        const index = next;
        next += 1;
        sent[index] = await this.send(webhooks[index]);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: this.connections }, worker));
    const durationMs = performance.now() - started;
    const answered = sent.filter((webhook): webhook is SentWebhook => webhook !== undefined);
    return { sent: answered, figures: loadFigures(answered, durationMs) };
  }

  /**
   * Open loop: each webhook leaves at its moment of `pacedSchedule`, whether the earlier ones were answered or not
   * (queued by the pool when every connection is busy, which the latencies then show).
   */
  async sendPaced(
    webhooks: readonly PreparedWebhook[],
    ratePerSecond: number,
    interrupted: AbortSignal,
  ): Promise<{ sent: SentWebhook[]; figures: LoadFigures }> {
    const schedule = pacedSchedule(webhooks.length, ratePerSecond);
    const pending: Array<Promise<SentWebhook>> = [];
    const started = performance.now();
    while (pending.length < webhooks.length && !interrupted.aborted) {
      const elapsed = performance.now() - started;
      while (pending.length < webhooks.length && schedule[pending.length] <= elapsed) {
        pending.push(this.send(webhooks[pending.length]));
      }
      if (pending.length < webhooks.length) {
        await sleep(Math.max(1, schedule[pending.length] - elapsed));
      }
    }
    const sent = await Promise.all(pending);
    return { sent, figures: loadFigures(sent, performance.now() - started) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
