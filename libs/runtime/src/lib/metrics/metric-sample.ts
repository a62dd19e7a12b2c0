import type { Registry, RegistryContentType } from 'prom-client';

/**
 * One sample of a metric of `registry`, for tests: `series` picks a histogram's `_count`, `_sum` or `_bucket` (the
 * metric's own name otherwise), `labels` must all match. Undefined when no such sample was recorded.
 */
export async function metricSample(
  registry: Registry<RegistryContentType>,
  name: string,
  labels: Readonly<Record<string, string | number>> = {},
  series: string = name,
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) {
    throw new Error(`no metric ${name} in this registry`);
  }
  // Histograms name each sample (`_bucket`, `_sum`, `_count`); counters and gauges do not.
  const values: Array<{
    value: number;
    labels: Partial<Record<string, string | number>>;
    metricName?: string;
  }> = (await metric.get()).values;
  return values.find(
    (value) =>
      (value.metricName ?? name) === series &&
      Object.entries(labels).every(([label, wanted]) => value.labels[label] === wanted),
  )?.value;
}
