import { Injectable } from '@nestjs/common';
import { type Counter, type Gauge, type Histogram, Registry } from 'prom-client';
import { counterIn, gaugeIn, histogramIn, HTTP_CALL_BUCKETS, httpStatusLabel } from './metrics-registry';

/** One ShopiMind call attempt: its HTTP status, 0 when no answer came (timeout, refused or reset connection). */
export interface ShopimindCallObservation {
  statusCode: number;
  durationMs: number;
}

/** An installation's adaptive call window now: how many calls it lets be in flight. */
export interface InstallationWindow {
  installation: string;
  limit: number;
}

/** Push's metrics: what ShopiMind accepted or refused, how it answers, how wide each installation's window is. */
@Injectable()
export class PushMetrics {
  private readonly pushed: Counter<'connection' | 'entity' | 'outcome'>;
  private readonly deadLettered: Counter<'connection' | 'entity'>;
  private readonly callDuration: Histogram<'status'>;
  private readonly rateLimited: Counter<'installation'>;
  private readonly windowSources: Array<() => Iterable<InstallationWindow>> = [];

  constructor(registry: Registry) {
    this.pushed = counterIn(registry, {
      name: 'storebridge_records_pushed_total',
      help: 'Records ShopiMind accepted (outcome accepted) or deleted (outcome deleted)',
      labelNames: ['connection', 'entity', 'outcome'],
    });
    this.deadLettered = counterIn(registry, {
      name: 'storebridge_records_dead_lettered_total',
      help: 'Records ShopiMind refused, or that could not be sent: dead letters',
      labelNames: ['connection', 'entity'],
    });
    this.callDuration = histogramIn(registry, {
      name: 'storebridge_shopimind_request_duration_seconds',
      help: 'ShopiMind API call attempts, retries included, by HTTP status',
      labelNames: ['status'],
      buckets: HTTP_CALL_BUCKETS,
    });
    this.rateLimited = counterIn(registry, {
      name: 'storebridge_shopimind_429_total',
      help: 'ShopiMind answers HTTP 429 (rate limited)',
      labelNames: ['installation'],
    });
    const sources = this.windowSources;
    gaugeIn<'installation'>(registry, {
      name: 'storebridge_adaptive_window',
      help: 'ShopiMind calls an installation may have in flight now (halved after a 429, widened as calls pass)',
      labelNames: ['installation'],
      // Read when scraped: the windows live in the writers, which come and go with installations.
      collect(this: Gauge<'installation'>) {
        this.reset();
        for (const source of sources) {
          for (const { installation, limit } of source()) {
            this.set({ installation }, limit);
          }
        }
      },
    });
  }

  recordsPushed(connection: string, entity: string, outcome: 'accepted' | 'deleted', count: number): void {
    if (count > 0) {
      this.pushed.inc({ connection, entity, outcome }, count);
    }
  }

  recordsDeadLettered(connection: string, entity: string, count: number): void {
    if (count > 0) {
      this.deadLettered.inc({ connection, entity }, count);
    }
  }

  shopimindCall(installation: string, { statusCode, durationMs }: ShopimindCallObservation): void {
    this.callDuration.observe({ status: httpStatusLabel(statusCode || undefined) }, durationMs / 1000);
    if (statusCode === 429) {
      this.rateLimited.inc({ installation });
    }
  }

  /** `source` lists the windows of the installations it holds, each time the metrics are scraped. */
  watchWindows(source: () => Iterable<InstallationWindow>): void {
    this.windowSources.push(source);
  }
}
