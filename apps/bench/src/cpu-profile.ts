/** The parts of a V8 `Profiler.Profile` (Chrome DevTools protocol) that the summary reads; times in µs. */
export interface CpuProfileCallFrame {
  functionName: string;
  url: string;
  /** 0-based. */
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CpuProfileCallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  /** The node (top of the stack) of each sample. */
  samples?: number[];
  /** Time since the previous sample (the first: since `startTime`). */
  timeDeltas?: number[];
}

/** The ShopiMind SDK and the HTTP stack it brings (axios and what axios's node adapter requires). */
export const SDK_PACKAGES: readonly string[] = [
  '@shopimind/sdk-shopimind',
  'axios',
  'follow-redirects',
  'form-data',
  'proxy-from-env',
];

export const IDLE = '(idle)';
export const NODE_INTERNALS = 'node internals';
/** V8 pseudo-frames: time in no JS function (compiler, runtime, native code) and in the garbage collector. */
export const PROGRAM = '(program)';
export const GARBAGE_COLLECTOR = '(garbage collector)';
/** A frame without a script (a V8 builtin or a native binding) that no package's code called. */
export const NATIVE = '(native)';

export interface OwnerTime {
  /** A package name, `node internals`, `our code (<script>)`, a pseudo-frame, or another file's path. */
  owner: string;
  selfUs: number;
}

export interface FunctionTime {
  /** A V8 builtin our code called is marked `[builtin]`. */
  functionName: string;
  /** 1-based, as an editor shows it; none for a builtin. */
  line: number | undefined;
  selfUs: number;
}

export interface CpuProfileSummary {
  samples: number;
  profiledUs: number;
  idleUs: number;
  /** Everything but idle: what the shares are shares of. */
  busyUs: number;
  /** Self time by owner, idle left out, largest first. */
  owners: OwnerTime[];
  /** Self time in the SDK packages (builtins they call included). */
  sdkSelfUs: number;
  /** Time of the samples with an SDK frame anywhere on the stack: also what the SDK calls synchronously. */
  sdkStackUs: number;
  ourOwner: string;
  ourSelfUs: number;
  /** Self time by function of our script, largest first. */
  ourFunctions: FunctionTime[];
}

export interface SummarizeOptions {
  /** The built app's bundle, e.g. `dist/apps/push/main.js`: its frames are "our code". */
  ourScript: string;
  sdkPackages?: readonly string[];
  /** How many of our functions to keep. */
  topFunctions?: number;
}

const NODE_MODULES = '/node_modules/';

export function ourOwnerName(ourScript: string): string {
  return `our code (${ourScript})`;
}

/** Who a frame's self time belongs to, from its script URL (the apps are bundled with node_modules external). */
export function ownerOfFrame(frame: CpuProfileCallFrame, ourScript: string): string {
  switch (frame.functionName) {
    case '(idle)':
      return IDLE;
    case '(garbage collector)':
      return GARBAGE_COLLECTOR;
    case '(program)':
    case '(root)':
      return PROGRAM;
  }
  const { url } = frame;
  if (url === '') {
    return NATIVE;
  }
  if (url.startsWith('node:')) {
    return NODE_INTERNALS;
  }
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const inModules = path.lastIndexOf(NODE_MODULES);
  if (inModules >= 0) {
    const [scope, name] = path.slice(inModules + NODE_MODULES.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  if (path === ourScript || path.endsWith(`/${ourScript}`)) {
    return ourOwnerName(ourScript);
  }
  // Node's own modules are the only scripts without an absolute path.
  return path.startsWith('/') ? path : NODE_INTERNALS;
}

/** How long each sample stands for: until the next one, the last until the profile's end. */
function sampleDurations(profile: CpuProfile): number[] {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const times: number[] = [];
  let time = profile.startTime;
  for (let k = 0; k < samples.length; k += 1) {
    time += deltas[k] ?? 0;
    times.push(time);
  }
  // V8 may record a sample slightly out of order: a negative duration counts as none.
  return times.map((at, k) => Math.max(0, (k + 1 < times.length ? times[k + 1] : profile.endTime) - at));
}

const PSEUDO_OWNERS: ReadonlySet<string> = new Set([IDLE, PROGRAM, GARBAGE_COLLECTOR, NATIVE]);

interface NodeAttribution {
  owner: string;
  /** It or one of its callers belongs to the SDK. */
  underSdk: boolean;
}

/**
 * Every node's owner, walking down from the roots: a builtin or binding (no script) counts for the package whose
 * code called it (JSON.stringify in axios is axios's work, a socket write in node's stream code is node's).
 */
function attributeNodes(
  profile: CpuProfile,
  ourScript: string,
  sdk: ReadonlySet<string>,
): Map<number, NodeAttribution> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const children = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const attribution = new Map<number, NodeAttribution>();
  const pending: Array<{ id: number; caller: NodeAttribution | undefined }> = profile.nodes
    .filter((node) => !children.has(node.id))
    .map((node) => ({ id: node.id, caller: undefined }));
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { id, caller } = next;
    const node = byId.get(id);
    if (node === undefined || attribution.has(id)) {
      continue;
    }
    const own = ownerOfFrame(node.callFrame, ourScript);
    const owner =
      own === NATIVE && caller !== undefined && !PSEUDO_OWNERS.has(caller.owner) ? caller.owner : own;
    const attributed = { owner, underSdk: (caller?.underSdk ?? false) || sdk.has(owner) };
    attribution.set(id, attributed);
    for (const child of node.children ?? []) {
      pending.push({ id: child, caller: attributed });
    }
  }
  return attribution;
}

function sortedTimes<T extends { selfUs: number }>(times: Iterable<T>): T[] {
  return [...times].sort((a, b) => b.selfUs - a.selfUs);
}

/** Self time by owner and by function of our script, and the SDK's share, from one sampling profile. */
export function summarizeCpuProfile(profile: CpuProfile, options: SummarizeOptions): CpuProfileSummary {
  const { ourScript, sdkPackages = SDK_PACKAGES, topFunctions = 10 } = options;
  const ourOwner = ourOwnerName(ourScript);
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const sdk = new Set(sdkPackages);
  const attribution = attributeNodes(profile, ourScript, sdk);

  const owners = new Map<string, number>();
  const ourFunctions = new Map<string, FunctionTime>();
  let profiledUs = 0;
  let sdkStackUs = 0;
  const samples = profile.samples ?? [];
  const durations = sampleDurations(profile);
  samples.forEach((nodeId, k) => {
    const us = durations[k];
    const owner = attribution.get(nodeId)?.owner ?? NATIVE;
    profiledUs += us;
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    if (attribution.get(nodeId)?.underSdk) {
      sdkStackUs += us;
    }
    const frame = frames.get(nodeId);
    if (owner === ourOwner && frame) {
      const builtin = frame.url === '';
      const functionName = `${frame.functionName || '(anonymous)'}${builtin ? ' [builtin]' : ''}`;
      const key = `${functionName}:${frame.lineNumber}`;
      const line = builtin ? undefined : frame.lineNumber + 1;
      const entry = ourFunctions.get(key) ?? { functionName, line, selfUs: 0 };
      entry.selfUs += us;
      ourFunctions.set(key, entry);
    }
  });
  const idleUs = owners.get(IDLE) ?? 0;
  owners.delete(IDLE);
  const sum = (names: Iterable<string>) =>
    [...names].reduce((total, name) => total + (owners.get(name) ?? 0), 0);
  return {
    samples: samples.length,
    profiledUs,
    idleUs,
    busyUs: profiledUs - idleUs,
    owners: sortedTimes([...owners].map(([owner, selfUs]) => ({ owner, selfUs }))),
    sdkSelfUs: sum(sdk),
    sdkStackUs,
    ourOwner,
    ourSelfUs: owners.get(ourOwner) ?? 0,
    ourFunctions: sortedTimes(ourFunctions.values()).slice(0, topFunctions),
  };
}
