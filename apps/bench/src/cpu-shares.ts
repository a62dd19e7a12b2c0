import { readProcCpuSeconds, readProcessTreeCpuSeconds } from './proc-status';
import { table } from './report-format';

/** Where the CPU of a phase went: one process (or process tree) of the benchmark. */
export interface CpuShare {
  name: string;
  /** CPU seconds used during the phase; undefined when it could not be read (the process ended, no /proc). */
  seconds: number | undefined;
  /** Its work is about the same whatever build is measured (the benchmark's own): the others are shown against it. */
  reference?: boolean;
}

/** A process whose CPU time a phase is charged with. */
export interface CpuSource {
  name: string;
  read(): Promise<number | undefined>;
  reference?: boolean;
}

function processCpu(name: string, pid: number): CpuSource {
  return { name, read: () => readProcCpuSeconds(pid) };
}

/** A process and the children it starts, e.g. a PostgreSQL postmaster and its backends. */
function processTreeCpu(name: string, pid: number): CpuSource {
  return { name, read: () => readProcessTreeCpuSeconds(pid) };
}

/** The benchmark's own process (what it serves in-process: the demo store, the sandbox). */
function thisProcessCpu(name: string): CpuSource {
  return {
    name,
    // The demo store, the sandbox and the load generator do about the same work for any build of the services (the
    // same pages served, records stored, webhooks sent).
    reference: true,
    read: async () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
  };
}

/**
 * Every process of a benchmark run: the built services, PostgreSQL with its backends, nats-server, and the benchmark
 * itself, named after what it serves in-process (`ownWork`).
 */
export function benchProcessesCpu(
  services: ReadonlyArray<{ name: string; pid: number }>,
  servers: { postgresPid: number; natsPid: number },
  ownWork: string,
): CpuShares {
  return new CpuShares([
    ...services.map(({ name, pid }) => processCpu(name, pid)),
    processTreeCpu('PostgreSQL', servers.postgresPid),
    processCpu('nats-server', servers.natsPid),
    thisProcessCpu(ownWork),
  ]);
}

/** The CPU each source uses from `start` on: which process a change made cheaper. */
export class CpuShares {
  private startedAt: Array<number | undefined> = [];

  constructor(private readonly sources: readonly CpuSource[]) {}

  async start(): Promise<void> {
    this.startedAt = await Promise.all(this.sources.map((source) => source.read()));
  }

  async take(): Promise<CpuShare[]> {
    const now = await Promise.all(this.sources.map((source) => source.read()));
    return this.sources.map(({ name, reference }, index) => {
      const [before, after] = [this.startedAt[index], now[index]];
      const seconds = before === undefined || after === undefined ? undefined : after - before;
      return reference ? { name, seconds, reference } : { name, seconds };
    });
  }
}

/**
 * A table of the shares: CPU seconds, per 1,000 of what the phase did (`what`: "records", "webhooks"), and, when a
 * share is the reference, each one divided by it. On a VM whose speed drifts, the same build's seconds per record
 * move by half within an hour, every process alike; against the reference's, whose work is about the same in any
 * build, they hold still, and two builds compare.
 */
export function cpuTable(shares: readonly CpuShare[], done: number, what: string): string[] {
  const known = shares.flatMap(({ seconds }) => (seconds === undefined ? [] : [seconds]));
  const total = known.length === shares.length ? known.reduce((sum, value) => sum + value, 0) : undefined;
  const perThousand = (value: number | undefined) =>
    value === undefined || done === 0 ? '-' : `${((value * 1000) / done).toFixed(3)} s`;
  const cpuSeconds = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(1)} s`);
  const reference = shares.find(
    (share) => share.reference && share.seconds !== undefined && share.seconds > 0,
  );
  const against = (value: number | undefined): string[] => {
    if (reference === undefined) {
      return [];
    }
    return [value === undefined ? '-' : (value / (reference.seconds as number)).toFixed(2)];
  };
  const lines = table([
    ['', 'CPU', `per 1,000 ${what}`, ...(reference === undefined ? [] : ['vs reference'])],
    ...shares.map(({ name, seconds }) => [
      name,
      cpuSeconds(seconds),
      perThousand(seconds),
      ...against(seconds),
    ]),
    ['all', cpuSeconds(total), perThousand(total), ...against(total)],
  ]);
  return reference === undefined
    ? lines
    : [
        ...lines,
        `  reference: ${reference.name}, about the same work whatever build runs (compare builds on this column)`,
      ];
}
