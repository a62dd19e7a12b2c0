import { FairScheduler, ReleaseSlot } from './fair-scheduler';

/** Lets every grant that is due resolve. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('FairScheduler', () => {
  let granted: string[];
  let slots: Map<string, ReleaseSlot>;

  beforeEach(() => {
    granted = [];
    slots = new Map();
  });

  function request(scheduler: FairScheduler<string>, queue: string, label: string): void {
    void scheduler.acquire(queue).then((release) => {
      granted.push(label);
      slots.set(label, release);
    });
  }

  function release(label: string): void {
    const slot = slots.get(label);
    if (!slot) {
      throw new Error(`${label} holds no slot`);
    }
    slot();
  }

  it('gives a lone queue every slot, and no more', async () => {
    const scheduler = new FairScheduler<string>(3);

    ['a1', 'a2', 'a3', 'a4'].forEach((label) => request(scheduler, 'A', label));
    await settle();
    expect(granted).toEqual(['a1', 'a2', 'a3']);

    release('a2');
    await settle();
    expect(granted).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('hands the freed slots to the waiting queues in turn, whatever their backlog', async () => {
    const scheduler = new FairScheduler<string>(1);
    request(scheduler, 'A', 'a0');
    await settle();
    ['a1', 'a2', 'a3'].forEach((label) => request(scheduler, 'A', label));
    ['b1', 'b2'].forEach((label) => request(scheduler, 'B', label));
    request(scheduler, 'C', 'c1');

    for (const label of ['a0', 'a1', 'b1', 'c1', 'a2', 'b2']) {
      release(label);
      await settle();
    }

    expect(granted).toEqual(['a0', 'a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('splits the slots between two busy queues', async () => {
    const scheduler = new FairScheduler<string>(2);
    for (let n = 1; n <= 10; n += 1) {
      request(scheduler, 'A', `a${n}`);
    }
    await settle();
    for (let n = 1; n <= 3; n += 1) {
      request(scheduler, 'B', `b${n}`);
    }

    for (const label of ['a1', 'a2', 'a3', 'b1', 'a4', 'b2']) {
      release(label);
      await settle();
    }

    expect(granted).toEqual(['a1', 'a2', 'a3', 'b1', 'a4', 'b2', 'a5', 'b3']);
  });

  it('frees the slot of a job that failed, once however often it is released', async () => {
    const scheduler = new FairScheduler<string>(1);
    const failing = scheduler.acquire('A').then(async (releaseSlot) => {
      try {
        throw new Error('handler crashed');
      } finally {
        releaseSlot();
        releaseSlot();
      }
    });
    request(scheduler, 'B', 'b1');
    request(scheduler, 'C', 'c1');

    await expect(failing).rejects.toThrow('handler crashed');
    await settle();

    expect(granted).toEqual(['b1']);
  });
});
