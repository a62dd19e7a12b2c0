import { Injectable } from '@nestjs/common';
import { type Counter, type Histogram, Registry } from 'prom-client';
import { counterIn, histogramIn, HTTP_CALL_BUCKETS, httpStatusLabel } from './metrics-registry';

/** How a sync run of one entity ended in this process: finished either way, or stopped to be resumed later. */
export type SyncRunEnd = 'succeeded' | 'failed' | 'interrupted';

/** One attempt of a request to a store: its HTTP status, or why it got none (`timeout`, `network`). */
export interface StoreRequestObservation {
  status?: number;
  failure?: string;
  durationMs: number;
}

/** Sync's metrics: what crawls read from the stores, how long runs take, how the stores answer. */
@Injectable()
export class SyncMetrics {
  private readonly crawled: Counter<'connection' | 'entity'>;
  private readonly skipped: Counter<'connection' | 'entity'>;
  private readonly runDuration: Histogram<'entity' | 'status'>;
  private readonly storeRequestDuration: Histogram<'status'>;
  private readonly storeRateLimited: Counter<'connection'>;

  constructor(registry: Registry) {
    this.crawled = counterIn(registry, {
      name: 'storebridge_records_crawled_total',
      help: 'Store records read by crawls, skipped ones included',
      labelNames: ['connection', 'entity'],
    });
    this.skipped = counterIn(registry, {
      name: 'storebridge_records_skipped_total',
      help: 'Crawled store records that could not be normalized',
      labelNames: ['connection', 'entity'],
    });
    this.runDuration = histogramIn(registry, {
      name: 'storebridge_sync_run_duration_seconds',
      help: 'Sync runs of one entity, from start (or resumption) to end in this process',
      labelNames: ['entity', 'status'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    });
    this.storeRequestDuration = histogramIn(registry, {
      name: 'storebridge_store_request_duration_seconds',
      help: 'Attempts of requests to stores, retries included, by HTTP status or failure',
      labelNames: ['status'],
      buckets: HTTP_CALL_BUCKETS,
    });
    this.storeRateLimited = counterIn(registry, {
      name: 'storebridge_store_429_total',
      help: 'Store answers HTTP 429 (rate limited)',
      labelNames: ['connection'],
    });
  }

  pageCrawled(connection: string, entity: string, records: number, skipped: number): void {
    this.crawled.inc({ connection, entity }, records);
    this.skipped.inc({ connection, entity }, skipped);
  }

  runEnded(entity: string, status: SyncRunEnd, durationMs: number): void {
    this.runDuration.observe({ entity, status }, durationMs / 1000);
  }

  storeRequest(connection: string, { status, failure, durationMs }: StoreRequestObservation): void {
    this.storeRequestDuration.observe({ status: httpStatusLabel(status, failure) }, durationMs / 1000);
    if (status === 429) {
      this.storeRateLimited.inc({ connection });
    }
  }
}
