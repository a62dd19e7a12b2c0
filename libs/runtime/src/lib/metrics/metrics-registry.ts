import {
  collectDefaultMetrics,
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Metric,
  Registry,
} from 'prom-client';

/**
 * One registry per app, not prom-client's global one: each app of a test file, and the embedded app's three
 * services in one process, then count apart or once, never registering a name twice. Node's process metrics
 * (CPU, memory, event loop lag, GC) come with it.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The metric of that name already in `registry` (made by another recorder on it), else the one `create` makes. */
function registered<M extends Metric<string>>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export function counterIn<L extends string>(
  registry: Registry,
  config: Omit<CounterConfiguration<L>, 'registers'>,
): Counter<L> {
  return registered(registry, config.name, () => new Counter({ ...config, registers: [registry] }));
}

export function gaugeIn<L extends string>(
  registry: Registry,
  config: Omit<GaugeConfiguration<L>, 'registers'>,
): Gauge<L> {
  return registered(registry, config.name, () => new Gauge({ ...config, registers: [registry] }));
}

export function histogramIn<L extends string>(
  registry: Registry,
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> {
  return registered(registry, config.name, () => new Histogram({ ...config, registers: [registry] }));
}

/** Codes worth telling apart; any other status is counted by its class, so a label never takes unbounded values. */
const NAMED_STATUSES: ReadonlySet<number> = new Set([
  200, 201, 202, 204, 400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504,
]);

/**
 * The `status` label of an HTTP call: the code (`429`), its class for a rarer one (`4xx`), or `failure` for a call
 * that got no status at all (`timeout`, `network`).
 */
export function httpStatusLabel(status: number | undefined, failure = 'no_answer'): string {
  if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) {
    return failure;
  }
  return NAMED_STATUSES.has(status) ? String(status) : `${Math.floor(status / 100)}xx`;
}

/** Latency buckets (seconds) of one HTTP call to a store or to ShopiMind. */
export const HTTP_CALL_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
