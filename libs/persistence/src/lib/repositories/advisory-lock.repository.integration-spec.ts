import { DataSource } from 'typeorm';
import { openDataSource } from '../../test/integration-database';
import { AdvisoryLockRepository } from './advisory-lock.repository';

/** Resolves once `release()` is called: lets a test hold a lock for as long as it needs. */
function gate(): { opened: Promise<void>; release(): void } {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, release };
}

describe('AdvisoryLockRepository', () => {
  // Two data sources, two pools: as two replicas of a service would hold the lock.
  let replicaA: DataSource;
  let replicaB: DataSource;
  let locksA: AdvisoryLockRepository;
  let locksB: AdvisoryLockRepository;

  beforeAll(async () => {
    [replicaA, replicaB] = await Promise.all([openDataSource(), openDataSource()]);
    locksA = new AdvisoryLockRepository(replicaA);
    locksB = new AdvisoryLockRepository(replicaB);
  });

  afterAll(async () => {
    await Promise.all([replicaA.destroy(), replicaB.destroy()]);
  });

  it('lets one holder at a time run the work of a key, across replicas', async () => {
    const started = gate();
    const holding = gate();
    const first = locksA.tryWithLock('sync:connection-1', async () => {
      started.release();
      await holding.opened;
      return 'first';
    });
    // The work only starts once the lock is taken; it then holds it until the gate opens below.
    await started.opened;

    const second = await locksB.tryWithLock('sync:connection-1', () => Promise.resolve('second'));
    const sameProcess = await locksA.tryWithLock('sync:connection-1', () => Promise.resolve('again'));
    const otherKey = await locksB.tryWithLock('sync:connection-2', () => Promise.resolve('other'));
    holding.release();

    expect(second).toEqual({ acquired: false });
    expect(sameProcess).toEqual({ acquired: false });
    expect(otherKey).toEqual({ acquired: true, result: 'other' });
    expect(await first).toEqual({ acquired: true, result: 'first' });
    expect(await locksB.tryWithLock('sync:connection-1', () => Promise.resolve('after'))).toEqual({
      acquired: true,
      result: 'after',
    });
  });

  it('releases the lock when the work throws', async () => {
    await expect(
      locksA.tryWithLock('sync:connection-3', () => Promise.reject(new Error('crawl failed'))),
    ).rejects.toThrow('crawl failed');

    expect(await locksB.tryWithLock('sync:connection-3', () => Promise.resolve('next'))).toEqual({
      acquired: true,
      result: 'next',
    });
  });
});
