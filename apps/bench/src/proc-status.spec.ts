import { parseProcStatus, readProcMemory } from './proc-status';

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
