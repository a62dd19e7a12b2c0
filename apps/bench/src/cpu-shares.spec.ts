import { CpuShares, cpuTable, type CpuSource } from './cpu-shares';

function counter(name: string, readings: Array<number | undefined>, reference?: boolean): CpuSource {
  return { name, read: async () => readings.shift(), ...(reference ? { reference } : {}) };
}

describe('CpuShares', () => {
  it('charges each source with what it used since start, undefined when a reading is missing', async () => {
    const shares = new CpuShares([
      counter('sync', [10, 14.5]),
      counter('PostgreSQL', [3, undefined]),
      counter('push', [undefined, 2]),
      counter('demo store', [1, 3], true),
    ]);

    await shares.start();

    expect(await shares.take()).toEqual([
      { name: 'sync', seconds: 4.5 },
      { name: 'PostgreSQL', seconds: undefined },
      { name: 'push', seconds: undefined },
      { name: 'demo store', seconds: 2, reference: true },
    ]);
  });
});

describe('cpuTable', () => {
  const row = (lines: string[], name: string) => lines.find((line) => line.trim().startsWith(name));

  it('prints CPU seconds, per 1,000 of what was done, and each share against the reference', () => {
    const lines = cpuTable(
      [
        { name: 'sync', seconds: 9 },
        { name: 'push', seconds: 6 },
        { name: 'demo store', seconds: 3, reference: true },
      ],
      30_000,
      'records',
    );

    expect(lines[0]).toMatch(/CPU\s+per 1,000 records\s+vs reference/);
    expect(row(lines, 'sync')).toMatch(/sync\s+9\.0 s\s+0\.300 s\s+3\.00$/);
    expect(row(lines, 'push')).toMatch(/push\s+6\.0 s\s+0\.200 s\s+2\.00$/);
    expect(row(lines, 'demo store')).toMatch(/1\.00$/);
    expect(row(lines, 'all')).toMatch(/all\s+18\.0 s\s+0\.600 s\s+6\.00$/);
    expect(row(lines, 'reference:')).toContain('demo store');
  });

  it('leaves the column out without a reference read, and dashes what could not be read', () => {
    const lines = cpuTable(
      [
        { name: 'sync', seconds: undefined },
        { name: 'demo store', seconds: undefined, reference: true },
      ],
      1_000,
      'webhooks',
    );

    expect(lines[0]).not.toContain('reference');
    expect(row(lines, 'sync')).toMatch(/sync\s+-\s+-$/);
    expect(row(lines, 'all')).toMatch(/all\s+-\s+-$/);
    expect(row(lines, 'reference:')).toBeUndefined();
  });
});
