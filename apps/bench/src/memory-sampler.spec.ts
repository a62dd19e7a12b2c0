import { MemorySampler } from './memory-sampler';

describe('MemorySampler', () => {
  it('keeps the highest sampled VmRSS and reads the peak of the processes it was given', async () => {
    const sampler = new MemorySampler([{ name: 'this test', pid: process.pid }], 10);
    sampler.start();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const [memory] = await sampler.finish();

    expect(memory.name).toBe('this test');
    expect(memory.maxSampledRssBytes).toBeGreaterThan(0);
    expect(memory.peakRssBytes).toBeGreaterThanOrEqual(memory.maxSampledRssBytes ?? Infinity);
  });

  it('reports nothing, rather than failing, for a process that is gone', async () => {
    const sampler = new MemorySampler([{ name: 'gone', pid: 2 ** 30 }], 10);
    sampler.start();

    expect(await sampler.finish()).toEqual([
      { name: 'gone', peakRssBytes: undefined, maxSampledRssBytes: undefined },
    ]);
  });
});
