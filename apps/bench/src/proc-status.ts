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
