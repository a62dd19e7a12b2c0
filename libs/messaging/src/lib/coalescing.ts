/**
 * A handler's request to get the small messages of one partition merged: `@EventPattern(subject,
 * MESSAGING_TRANSPORT, { coalesce })`. The JetStream transport then hands it, instead of a burst of one-record
 * messages, one payload per run of consecutive messages (see PartitionPumps.serve in jetstream/). Partitioned subjects only;
 * the in-process transport (embedded mode) ignores it and delivers every message on its own.
 */
export interface CoalesceOptions<Payload> {
  /** Merges payloads of one partition, in stream order, into one; throws when they cannot be merged. */
  merge(payloads: readonly Payload[]): Payload;
  /** How many records a payload carries; throws when it cannot tell. */
  recordCount(payload: Payload): number;
  /** The most records one merged payload may carry: a message this big or bigger is always handled alone. */
  maxRecords: number;
}

/**
 * Splits `items` (stream order) into runs of consecutive items whose record counts add up to at most
 * `maxRecords`. An item whose count is unknown (undefined: not JSON, not readable) stands alone, as does an item
 * that would not fit with its neighbours; stream order is kept across and within the runs.
 */
export function coalescingGroups<T>(
  items: readonly T[],
  recordCountOf: (item: T) => number | undefined,
  maxRecords: number,
): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let currentRecords = 0;
  const close = (): void => {
    if (current.length > 0) {
      groups.push(current);
    }
    current = [];
    currentRecords = 0;
  };
  for (const item of items) {
    const records = recordCountOf(item);
    if (records === undefined) {
      close();
      groups.push([item]);
      continue;
    }
    if (currentRecords + records > maxRecords) {
      close();
    }
    current.push(item);
    currentRecords += records;
  }
  close();
  return groups;
}
