import { readProcMemory } from './proc-status';

export interface SampledProcess {
  name: string;
  pid: number;
}

export interface ProcessMemory {
  name: string;
  /** VmHWM read just before the process is stopped: the kernel's own peak. */
  peakRssBytes: number | undefined;
  /** The highest VmRSS seen by sampling: a cross-check of VmHWM. */
  maxSampledRssBytes: number | undefined;
}

export const MEMORY_SAMPLE_INTERVAL_MS = 250;

/** Samples the VmRSS of the given processes (and of nothing else) at a fixed interval, keeping the maximum. */
export class MemorySampler {
  private readonly maxRss = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;

  constructor(
    private readonly processes: readonly SampledProcess[],
    private readonly intervalMs = MEMORY_SAMPLE_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      // A slow read (busy machine) skips a tick rather than piling reads up.
      this.sampling ??= this.sample().finally(() => (this.sampling = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops sampling and reads each process's VmHWM: call it while the processes still run. */
  async finish(): Promise<ProcessMemory[]> {
    this.stop();
    await this.sampling;
    await this.sample();
    return Promise.all(
      this.processes.map(async ({ name, pid }) => ({
        name,
        peakRssBytes: (await readProcMemory(pid))?.vmHwmBytes,
        maxSampledRssBytes: this.maxRss.get(name),
      })),
    );
  }

  private async sample(): Promise<void> {
    await Promise.all(
      this.processes.map(async ({ name, pid }) => {
        const rss = (await readProcMemory(pid))?.vmRssBytes;
        if (rss !== undefined && rss > (this.maxRss.get(name) ?? 0)) {
          this.maxRss.set(name, rss);
        }
      }),
    );
  }
}
