import {
  ownerOfFrame,
  summarizeCpuProfile,
  type CpuProfile,
  type CpuProfileCallFrame,
  type CpuProfileNode,
} from './cpu-profile';

const OUR_SCRIPT = 'dist/apps/push/main.js';
const ROOT = '/work/main';

function frame(functionName: string, url = '', lineNumber = 0): CpuProfileCallFrame {
  return { functionName, url, lineNumber, columnNumber: 0 };
}

function node(id: number, callFrame: CpuProfileCallFrame, children: number[] = []): CpuProfileNode {
  return { id, callFrame, children };
}

describe('ownerOfFrame', () => {
  it.each([
    [frame('(idle)'), '(idle)'],
    [frame('(garbage collector)'), '(garbage collector)'],
    [frame('(program)'), '(program)'],
    [frame('(root)'), '(program)'],
    [frame('JSONStringify'), '(native)'],
    [frame('writeGeneric', 'node:internal/stream_base_commons'), 'node internals'],
    [frame('emit', 'events.js'), 'node internals'],
    [frame('pushProducts', `file://${ROOT}/${OUR_SCRIPT}`), `our code (${OUR_SCRIPT})`],
    [frame('pushProducts', `${ROOT}/${OUR_SCRIPT}`), `our code (${OUR_SCRIPT})`],
    [frame('request', `file://${ROOT}/node_modules/axios/dist/node/axios.cjs`), 'axios'],
    [
      frame('save', `file://${ROOT}/node_modules/@shopimind/sdk-shopimind/src/client.js`),
      '@shopimind/sdk-shopimind',
    ],
    // A nested (or pnpm) install belongs to the innermost package.
    [frame('x', `file://${ROOT}/node_modules/.pnpm/axios@1.7.9/node_modules/axios/lib/x.js`), 'axios'],
    [frame('x', `file://${ROOT}/node_modules/%40nestjs/core/x.js`), '@nestjs/core'],
    [frame('main', `file://${ROOT}/dist/apps/sync/main.js`), `${ROOT}/dist/apps/sync/main.js`],
  ])('%j belongs to %s', (callFrame, owner) => {
    expect(ownerOfFrame(callFrame, OUR_SCRIPT)).toBe(owner);
  });
});

describe('summarizeCpuProfile', () => {
  // (root) ─┬ (idle)
  //         ├ (garbage collector)
  //         ├ pushProducts (our bundle) ─┬ saveProducts (SDK) ─ request (axios) ─ writev (node:net)
  //         │                            └ validate (class-validator)
  //         └ (program)
  const profile: CpuProfile = {
    nodes: [
      node(1, frame('(root)'), [2, 3, 4, 5]),
      node(2, frame('(idle)')),
      node(3, frame('(garbage collector)')),
      node(4, frame('pushProducts', `file://${ROOT}/${OUR_SCRIPT}`, 99), [6, 7]),
      node(5, frame('(program)')),
      node(6, frame('saveProducts', `file://${ROOT}/node_modules/@shopimind/sdk-shopimind/src/api.js`), [8]),
      node(7, frame('validate', `file://${ROOT}/node_modules/class-validator/cjs/validation/Validator.js`)),
      node(8, frame('request', `file://${ROOT}/node_modules/axios/dist/node/axios.cjs`), [9]),
      node(9, frame('writev', 'node:net')),
    ],
    startTime: 0,
    endTime: 5_500,
    samples: [2, 4, 6, 8, 9, 7, 3, 5, 2, 4],
    // Sample k lasts until sample k + 1: 1000, 200, 300, 400, 500, 600, 700, 800, 900, then 90 until the end.
    timeDeltas: [10, 1_000, 200, 300, 400, 500, 600, 700, 800, 900],
  };

  it('splits the profiled time into idle and busy', () => {
    const summary = summarizeCpuProfile(profile, { ourScript: OUR_SCRIPT });

    expect(summary).toMatchObject({ samples: 10, profiledUs: 5_490, idleUs: 1_900, busyUs: 3_590 });
  });

  it('adds self time up by owner, largest first, idle left out', () => {
    expect(summarizeCpuProfile(profile, { ourScript: OUR_SCRIPT }).owners).toEqual([
      { owner: '(program)', selfUs: 800 },
      { owner: '(garbage collector)', selfUs: 700 },
      { owner: 'class-validator', selfUs: 600 },
      { owner: 'node internals', selfUs: 500 },
      { owner: 'axios', selfUs: 400 },
      { owner: '@shopimind/sdk-shopimind', selfUs: 300 },
      { owner: `our code (${OUR_SCRIPT})`, selfUs: 290 },
    ]);
  });

  it('counts the SDK by self time, and by stack with the node internals it calls', () => {
    const summary = summarizeCpuProfile(profile, { ourScript: OUR_SCRIPT });

    expect(summary.sdkSelfUs).toBe(300 + 400);
    expect(summary.sdkStackUs).toBe(300 + 400 + 500);
  });

  it('takes the SDK packages it is given', () => {
    const summary = summarizeCpuProfile(profile, { ourScript: OUR_SCRIPT, sdkPackages: ['axios'] });

    expect(summary.sdkSelfUs).toBe(400);
    expect(summary.sdkStackUs).toBe(400 + 500);
  });

  it('lists our functions with their 1-based line', () => {
    const summary = summarizeCpuProfile(profile, { ourScript: OUR_SCRIPT });

    expect(summary.ourSelfUs).toBe(290);
    expect(summary.ourFunctions).toEqual([{ functionName: 'pushProducts', line: 100, selfUs: 290 }]);
  });

  it('counts a builtin for the package that called it, and for no one under a pseudo-frame', () => {
    const withBuiltins: CpuProfile = {
      nodes: [
        node(1, frame('(root)'), [2, 3]),
        node(2, frame('pushProducts', `file://${ROOT}/${OUR_SCRIPT}`, 9), [4, 5]),
        node(3, frame('runMicrotasks')),
        node(4, frame('request', `file://${ROOT}/node_modules/axios/dist/node/axios.cjs`), [6]),
        node(5, frame('JSONParse')),
        node(6, frame('JSONStringify')),
      ],
      startTime: 0,
      endTime: 600,
      samples: [6, 5, 3],
      // 100 in axios's JSONStringify, 300 in our JSONParse, 200 in a microtask run under (root).
      timeDeltas: [0, 100, 300],
    };

    const summary = summarizeCpuProfile(withBuiltins, { ourScript: OUR_SCRIPT });

    expect(summary.owners).toEqual([
      { owner: `our code (${OUR_SCRIPT})`, selfUs: 300 },
      { owner: '(native)', selfUs: 200 },
      { owner: 'axios', selfUs: 100 },
    ]);
    expect(summary).toMatchObject({ sdkSelfUs: 100, sdkStackUs: 100 });
    expect(summary.ourFunctions).toEqual([
      { functionName: 'JSONParse [builtin]', line: undefined, selfUs: 300 },
    ]);
  });

  it('counts a sample recorded out of order as no time, and an empty profile as nothing', () => {
    const shuffled = { ...profile, samples: [4, 6], timeDeltas: [500, -100], endTime: 1_000 };
    expect(summarizeCpuProfile(shuffled, { ourScript: OUR_SCRIPT }).owners).toEqual([
      { owner: '@shopimind/sdk-shopimind', selfUs: 600 },
      { owner: `our code (${OUR_SCRIPT})`, selfUs: 0 },
    ]);

    const empty = summarizeCpuProfile({ nodes: [], startTime: 0, endTime: 0 }, { ourScript: OUR_SCRIPT });
    expect(empty).toMatchObject({ samples: 0, profiledUs: 0, busyUs: 0, owners: [], sdkSelfUs: 0 });
  });
});
