import { readFile } from 'node:fs/promises';

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

export function parseProcStat(stat: string): ProcCpuTicks | undefined {
  // Field 2 is the command name in parentheses and may itself hold spaces and parentheses: count from its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field k is fields[k - 3].
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return Number.isSafeInteger(utime) && Number.isSafeInteger(stime) ? { utime, stime } : undefined;
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
