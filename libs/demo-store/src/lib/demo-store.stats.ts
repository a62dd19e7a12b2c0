export interface DemoStoreStats {
  /** Every request received, whatever its outcome. */
  readonly total: number;
  /** Requests by URL path (query string excluded). */
  readonly byPath: Readonly<Record<string, number>>;
  /** Requests by response status. */
  readonly byStatus: Readonly<Record<number, number>>;
  reset(): void;
}

export class DemoStoreStatsRecorder implements DemoStoreStats {
  private readonly paths = new Map<string, number>();
  private readonly statuses = new Map<number, number>();
  private count = 0;

  get total(): number {
    return this.count;
  }

  get byPath(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.paths);
  }

  get byStatus(): Readonly<Record<number, number>> {
    return Object.fromEntries(this.statuses);
  }

  record(path: string, status: number): void {
    this.count += 1;
    this.paths.set(path, (this.paths.get(path) ?? 0) + 1);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  reset(): void {
    this.count = 0;
    this.paths.clear();
    this.statuses.clear();
  }
}
