import { spawn, spawnSync } from 'node:child_process';
import { pollUntil } from '@storebridge/testing';
import {
  CLOCK_TICKS_PER_SECOND,
  parseProcStat,
  parseProcStatus,
  readProcCpuSeconds,
  readProcessTreeCpuSeconds,
  readProcMemory,
} from './proc-status';

// An excerpt of a real /proc/<pid>/status of a node process.
const STATUS = [
  'Name:\tnode',
  'State:\tS (sleeping)',
  'Pid:\t4242',
  'VmPeak:\t 1234567 kB',
  'VmSize:\t 1200000 kB',
  'VmHWM:\t  204800 kB',
  'VmRSS:\t  102400 kB',
  'RssAnon:\t   90000 kB',
  'Threads:\t11',
  '',
].join('\n');

describe('parseProcStatus', () => {
  it('reads the peak and current resident set size in bytes', () => {
    expect(parseProcStatus(STATUS)).toEqual({ vmHwmBytes: 204_800 * 1024, vmRssBytes: 102_400 * 1024 });
  });

  it('leaves out what a kernel thread or another system does not report', () => {
    expect(parseProcStatus('Name:\tkthreadd\nState:\tS (sleeping)\n')).toEqual({});
  });

  it('does not mistake VmRSS for RssAnon or VmHWM for VmPeak', () => {
    expect(parseProcStatus('VmPeak:\t 9 kB\nRssAnon:\t 7 kB\n')).toEqual({});
  });
});

describe('readProcMemory', () => {
  it('reads this very process', async () => {
    const memory = await readProcMemory(process.pid);
    expect(memory?.vmRssBytes).toBeGreaterThan(0);
    expect(memory?.vmHwmBytes).toBeGreaterThanOrEqual(memory?.vmRssBytes ?? Infinity);
  });

  it('answers undefined for a process that does not exist', async () => {
    await expect(readProcMemory(2 ** 30)).resolves.toBeUndefined();
  });
});

describe('parseProcStat', () => {
  // A real /proc/<pid>/stat line up to field 20: parent 1, utime 1234 and stime 56 ticks, its reaped children's
  // 78 and 9.
  const line = (comm: string) =>
    `4242 (${comm}) S 1 4242 4242 0 -1 4194560 9000 0 12 0 1234 56 78 9 20 0 11 0 2432612 1200000000`;
  const parsed = { ppid: 1, utime: 1234, stime: 56, cutime: 78, cstime: 9 };

  it("reads the parent, user and system time in clock ticks, and its reaped children's", () => {
    expect(parseProcStat(line('node'))).toEqual(parsed);
  });

  it('is not misled by a command name holding spaces and parentheses', () => {
    expect(parseProcStat(line('node (push) 1 2 3'))).toEqual(parsed);
  });

  it('answers undefined for a truncated line', () => {
    expect(parseProcStat('4242 (node) S 1 4242')).toBeUndefined();
  });
});

describe('readProcessTreeCpuSeconds', () => {
  it("counts a child's CPU while it runs, and still once it exited", async () => {
    const treeBefore = (await readProcessTreeCpuSeconds(process.pid)) ?? Number.NaN;
    const ownBefore = (await readProcCpuSeconds(process.pid)) ?? Number.NaN;
    /** What the tree used beyond this process's own time since the start: the child's. */
    const childSeconds = async () =>
      ((await readProcessTreeCpuSeconds(process.pid)) ?? Number.NaN) -
      treeBefore -
      (((await readProcCpuSeconds(process.pid)) ?? Number.NaN) - ownBefore);
    // Busy until it used 300 ms of CPU by its own count, then idle until killed.
    const burn =
      'const s = process.cpuUsage(); while (process.cpuUsage(s).user < 300000) {} setInterval(() => {}, 1000);';
    const child = spawn(process.execPath, ['-e', burn]);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await pollUntil(async () => (await childSeconds()) >= 0.25, {
        timeoutMs: 30_000,
        description: 'the running child counted',
      });
    } finally {
      child.kill();
      await exited;
    }

    expect(await childSeconds()).toBeGreaterThanOrEqual(0.25);
  });

  it('answers undefined for a process that does not exist', async () => {
    await expect(readProcessTreeCpuSeconds(2 ** 30)).resolves.toBeUndefined();
  });
});

describe('readProcCpuSeconds', () => {
  it('uses the clock tick rate of this system', () => {
    expect(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()).toBe(
      String(CLOCK_TICKS_PER_SECOND),
    );
  });

  it('counts the CPU this very process burns', async () => {
    const before = (await readProcCpuSeconds(process.pid)) ?? Number.NaN;
    // Busy on purpose until this process used 100 ms of CPU (by its own count, whatever the machine's load).
    const start = process.cpuUsage();
    for (;;) {
      const used = process.cpuUsage(start);
      if (used.user + used.system >= 100_000) {
        break;
      }
    }
    const after = (await readProcCpuSeconds(process.pid)) ?? Number.NaN;

    expect(after - before).toBeGreaterThanOrEqual(0.05);
  });

  it('answers undefined for a process that does not exist', async () => {
    await expect(readProcCpuSeconds(2 ** 30)).resolves.toBeUndefined();
  });
});
