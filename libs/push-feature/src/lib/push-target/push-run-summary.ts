/**
 * What one handler run did with its records, for its summary line: written (ShopiMind accepted them), deleted,
 * dead-lettered (ShopiMind refused them) and skipped (never sent because they cannot be: dead letters too), with
 * why they were skipped, the parts of sent records left out (order lines ShopiMind cannot take), by kind, and
 * the records of a redelivered message not sent again because ShopiMind holds them unchanged.
 */
export interface RunTally {
  written: number;
  deleted: number;
  deadLettered: number;
  skipped: number;
  skippedReasons: Record<string, number>;
  leftOut: Record<string, number>;
  unchanged: number;
}

export function newRunTally(): RunTally {
  return {
    written: 0,
    deleted: 0,
    deadLettered: 0,
    skipped: 0,
    skippedReasons: {},
    leftOut: {},
    unchanged: 0,
  };
}

export function addCount(counts: Record<string, number>, key: string, count: number): void {
  if (count > 0) {
    counts[key] = (counts[key] ?? 0) + count;
  }
}

/** The run's one line at the default level; the breakdowns appear only when there is something in them. */
export function runSummary(
  what: string,
  tally: RunTally,
  end: { outcome: string; durationMs: number },
): Record<string, unknown> {
  const { written, deleted, deadLettered, skipped, skippedReasons, leftOut, unchanged } = tally;
  const ended = end.outcome === 'ack' ? 'done' : `ended (${end.outcome})`;
  const reasons = Object.entries(skippedReasons);
  const why =
    reasons.length === 0 ? '' : ` (${reasons.map(([reason, count]) => `${count} ${reason}`).join(', ')})`;
  const parts = Object.entries(leftOut).map(([kind, count]) => `, ${count} ${kind} left out`);
  const held = unchanged === 0 ? '' : `, ${unchanged} already in ShopiMind`;
  return {
    msg: `Push of ${what} ${ended}: ${written} written, ${deleted} deleted, ${deadLettered} dead-lettered, ${skipped} skipped${why}${parts.join('')}${held} in ${end.durationMs} ms`,
    entity: what,
    written,
    deleted,
    deadLettered,
    skipped,
    ...(reasons.length === 0 ? {} : { skippedReasons: { ...skippedReasons } }),
    ...(parts.length === 0 ? {} : { leftOut: { ...leftOut } }),
    ...(unchanged === 0 ? {} : { unchanged }),
    durationMs: end.durationMs,
    outcome: end.outcome,
  };
}
