import { DataSource } from 'typeorm';

/** One node of PostgreSQL's `EXPLAIN (FORMAT JSON)` plan, with the fields the specs look at. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

/**
 * Runs `sql` under `EXPLAIN (ANALYZE, FORMAT JSON)` (so it really executes) and gives every node of its plan
 * that reads `table`.
 */
export async function tableReadsOf(
  dataSource: DataSource,
  table: string,
  sql: string,
  parameters: unknown[],
): Promise<PlanNode[]> {
  const [{ 'QUERY PLAN': plan }]: Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }> = await dataSource.query(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
    parameters,
  );
  return flatten(plan[0].Plan).filter((node) => node['Relation Name'] === table);
}

/**
 * The reads that went through rows they did not want: sequential scans, and index or heap scans whose filter
 * discarded rows. A lookup by key has none.
 */
export function wastefulReads(
  reads: readonly PlanNode[],
): Array<{ node: string; index?: string; rowsRemovedByFilter: number }> {
  return reads
    .filter((node) => node['Node Type'] === 'Seq Scan' || (node['Rows Removed by Filter'] ?? 0) > 0)
    .map((node) => ({
      node: node['Node Type'],
      index: node['Index Name'],
      rowsRemovedByFilter: node['Rows Removed by Filter'] ?? 0,
    }));
}
