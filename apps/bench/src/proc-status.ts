import { readdir, readFile } from 'node:fs/promises';

/** The memory lines of `/proc/<pid>/status` (proc(5)), in bytes. */
export interface ProcMemory {
  /** Resident set size now. */
  vmRssBytes?: number;
  /** Peak resident set size since the process started ("high water mark"). */
  vmHwmBytes?: number;
}

const KIB = 1024;

function kibField(status: string, field: string): number | undefined {
  // The kernel writes e.g. "VmHWM:\t  123456 kB"; "kB" there means KiB.
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB\\s*$`, 'm').exec(status);
  return match ? Number(match[1]) * KIB : undefined;
}

export function parseProcStatus(status: string): ProcMemory {
  const memory: ProcMemory = {};
  const rss = kibField(status, 'VmRSS');
  const hwm = kibField(status, 'VmHWM');
  if (rss !== undefined) {
    memory.vmRssBytes = rss;
  }
  if (hwm !== undefined) {
    memory.vmHwmBytes = hwm;
  }
  return memory;
}

/** The process's memory lines, or undefined once it is gone (or on a system without /proc). */
export async function readProcMemory(pid: number): Promise<ProcMemory | undefined> {
  try {
    return parseProcStatus(await readFile(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU time a process has used, from `/proc/<pid>/stat` (proc(5)), in clock ticks. */
export interface ProcCpuTicks {
  /** Field 14: time scheduled in user mode. */
  utime: number;
  /** Field 15: time scheduled in kernel mode. */
  stime: number;
}

/** Linux's USER_HZ on every architecture node runs on (`getconf CLK_TCK`). */
export const CLOCK_TICKS_PER_SECOND = 100;

/** What `/proc/<pid>/stat` says of a process and of its children, in clock ticks. */
export interface ProcStat extends ProcCpuTicks {
  /** Field 4: the parent's pid. */
  ppid: number;
  /** Fields 16 and 17: the user and kernel time of its children that exited and were waited for. */
  cutime: number;
  cstime: number;
}

export function parseProcStat(stat: string): ProcStat | undefined {
  // Field 2 is the command name in parentheses and may itself hold spaces and parentheses: count from its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field k is fields[k - 3].
  const [ppid, utime, stime, cutime, cstime] = [4, 14, 15, 16, 17].map((field) => Number(fields[field - 3]));
  return [ppid, utime, stime, cutime, cstime].every(Number.isSafeInteger)
    ? { ppid, utime, stime, cutime, cstime }
    : undefined;
}

/** User + system CPU seconds the process has used so far, or undefined once it is gone. */
export async function readProcCpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const ticks = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
    return ticks && (ticks.utime + ticks.stime) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of a process and everything it started one level down (a PostgreSQL postmaster and its backends):
 * its own time, the time of its children still running, and that of the children it reaped, which the kernel adds
 * to it when they exit (an autovacuum worker, a closed connection's backend). Undefined once the process is gone.
 */
export async function readProcessTreeCpuSeconds(rootPid: number): Promise<number | undefined> {
  const stats = await readAllProcStats();
  const root = stats.get(rootPid);
  if (!root) {
    return undefined;
  }
  let ticks = root.utime + root.stime + root.cutime + root.cstime;
  for (const stat of stats.values()) {
    if (stat.ppid === rootPid) {
      ticks += stat.utime + stat.stime;
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

async function readAllProcStats(): Promise<Map<number, ProcStat>> {
  const stats = new Map<number, ProcStat>();
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return stats;
  }
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        // A process may end between the listing and the read.
        const stat = await readFile(`/proc/${entry}/stat`, 'utf8').then(parseProcStat, () => undefined);
        if (stat) {
          stats.set(Number(entry), stat);
        }
      }),
  );
  return stats;
}
