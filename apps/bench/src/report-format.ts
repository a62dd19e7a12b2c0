/** How every benchmark prints its figures: one table layout, one way to write counts, times and sizes. */

export const MB = 1024 * 1024;

/** A target of an issue, checked for information only: the benchmarks assert nothing timed. */
export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

export const n = (value: number): string => value.toLocaleString('en-US');

export const seconds = (ms: number | undefined): string =>
  ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`;

export const megabytes = (bytes: number | undefined): string =>
  bytes === undefined ? 'n/a' : `${Math.round(bytes / MB)} MB`;

export const percent = (part: number, whole: number): string =>
  whole <= 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;

/** Left-aligned first column, right-aligned figures. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  if (rows.length === 0) {
    return [];
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
        .join('   ')
        .trimEnd(),
  );
}

export function targetLines(checks: readonly TargetCheck[]): string[] {
  return [
    'targets (informative)',
    ...table(checks.map((check) => [check.target, check.measured, check.pass ? 'PASS' : 'MISS'])),
  ];
}
