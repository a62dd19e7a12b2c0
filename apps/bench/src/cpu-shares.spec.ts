import { CpuShares, type CpuSource } from './cpu-shares';

function counter(name: string, readings: Array<number | undefined>): CpuSource {
  return { name, read: async () => readings.shift() };
}

describe('CpuShares', () => {
  it('charges each source with what it used since start, undefined when a reading is missing', async () => {
    const shares = new CpuShares([
      counter('sync', [10, 14.5]),
      counter('PostgreSQL', [3, undefined]),
      counter('push', [undefined, 2]),
    ]);

    await shares.start();

    expect(await shares.take()).toEqual([
      { name: 'sync', seconds: 4.5 },
      { name: 'PostgreSQL', seconds: undefined },
      { name: 'push', seconds: undefined },
    ]);
  });
});
