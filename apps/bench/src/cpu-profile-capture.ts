import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from '@storebridge/testing';
import type { CpuProfile } from './cpu-profile';

/** Plain JavaScript next to this file: the profiled app runs it with node, not through ts-node. */
export const CPU_PROFILE_PRELOAD = join(__dirname, 'cpu-profile.preload.js');
export const CPU_PROFILE_INTERVAL_US = 1_000;
/** What the preload listens to (not SIGUSR2: Nest shuts down on it; see the preload). */
export const CPU_PROFILE_SIGNAL = 'SIGWINCH';
/** Writing a profile of a few minutes of samples takes a moment on a busy machine. */
const PROFILE_WRITTEN_WITHIN_MS = 60_000;

/**
 * Profiles a process started with `env()` (the preload in NODE_OPTIONS): each `take()` asks it with a signal for the
 * profile since the previous `take()` (the first: since start-up) and reads it.
 */
export class CpuProfileCapture {
  private taken = 0;

  private constructor(private readonly directory: string) {}

  static async create(): Promise<CpuProfileCapture> {
    return new CpuProfileCapture(await mkdtemp(join(tmpdir(), 'storebridge-bench-profile-')));
  }

  /** What the profiled process needs in its environment. */
  env(): Record<string, string> {
    return {
      // NODE_OPTIONS quotes like a shell's double quotes: JSON's escaping is a subset of it.
      NODE_OPTIONS: `--require ${JSON.stringify(CPU_PROFILE_PRELOAD)}`,
      BENCH_CPU_PROFILE_DIR: this.directory,
      BENCH_CPU_PROFILE_INTERVAL_US: String(CPU_PROFILE_INTERVAL_US),
    };
  }

  async take(pid: number): Promise<CpuProfile> {
    this.taken += 1;
    const file = join(this.directory, `${this.taken}.cpuprofile`);
    process.kill(pid, CPU_PROFILE_SIGNAL);
    await pollUntil(() => existsSync(file) || undefined, {
      timeoutMs: PROFILE_WRITTEN_WITHIN_MS,
      intervalMs: 50,
      description: `process ${pid} to write its CPU profile ${file}`,
    });
    return JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  }

  async remove(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }
}
