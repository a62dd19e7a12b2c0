import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, pollUntil } from '@storebridge/testing';
import { loggableErrorText } from '@storebridge/security';

const WORKSPACE_ROOT = join(__dirname, '../../../..');
const OUTPUT_LINES_KEPT = 200;
const STOP_GRACE_MS = 10_000;
const HEALTHY_WITHIN_MS = 60_000;
const HEALTH_POLL_INTERVAL_MS = 200;

/** The apps built to `dist/apps/<name>/main.js`. Only their names: this lib never imports app code. */
export type BuiltApp = 'gateway' | 'sync' | 'push' | 'embedded';

/**
 * The `NODE_OPTIONS` a service's image sets (Dockerfile; a spec keeps the two equal), so tests and benchmarks run
 * it the same way. Sync keeps a small live heap, but V8 lets the heap of a process whose limit is sized from a
 * large machine grow to about four times that between full collections; a 1 GiB limit makes it collect sooner,
 * at no measurable CPU cost for sync (push, which allocates more, pays for it: it keeps the default).
 */
export const SERVICE_NODE_OPTIONS: Readonly<Partial<Record<BuiltApp, string>>> = {
  sync: '--max-old-space-size=1024',
};

export interface ServiceProcessOptions {
  /** Where `dist/apps/<name>/main.js` is looked up and the process runs; the workspace root by default. */
  workspaceRoot?: string;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

export interface ServiceProcess {
  readonly name: BuiltApp;
  /** For reading /proc (memory) while it runs. */
  readonly pid: number;
  readonly url: string;
  /** The last lines the process printed: shown when a test or the benchmark fails, so its logs explain why. */
  output(): string;
  /** "exited with code 1" / "killed by SIGKILL" once the process is gone, undefined while it runs. */
  exitReason(): string | undefined;
  /** Graceful: SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** A crash: SIGKILL, no shutdown hooks, in-flight work abandoned. */
  kill(): Promise<void>;
}

/**
 * Starts a built app (`dist/apps/<name>/main.js`) as its own process, exactly as it runs in production,
 * and resolves once its health endpoint answers 200.
 */
export async function startServiceProcess(
  name: BuiltApp,
  env: Record<string, string>,
  options: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  const { workspaceRoot = WORKSPACE_ROOT, stopGraceMs = STOP_GRACE_MS } = options;
  const script = join(workspaceRoot, 'dist/apps', name, 'main.js');
  if (!existsSync(script)) {
    throw new Error(
      `${script} is missing: build the apps first, e.g. \`nx run-many -t build -p gateway sync push embedded\``,
    );
  }
  const port = await freePort();
  const lines: string[] = [];
  // Only PATH from this process: the app sees the env a deployment would give it, not the caller's.
  const child = spawn(process.execPath, [script], {
    cwd: workspaceRoot,
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      ...nodeOptionsOf(name),
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - OUTPUT_LINES_KEPT));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // 'close', not 'exit': it comes after the last output, so output() is complete once stop() or kill() resolve.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exitReason = (): string | undefined => {
    if (child.exitCode !== null) {
      return `exited with code ${child.exitCode}`;
    }
    return child.signalCode === null ? undefined : `killed by ${child.signalCode}`;
  };
  const stop = () => stopProcess(child, exited, stopGraceMs);

  const url = `http://127.0.0.1:${port}`;
  const output = () => lines.join('\n');
  try {
    // A crash at start-up (invalid env, unreachable database) ends the wait at once. It is returned, not thrown:
    // pollUntil retries whatever the probe throws (here: connection refused until the app listens).
    const outcome = await pollUntil(
      async () => {
        if (exitReason() !== undefined) {
          return 'exited';
        }
        return (await fetch(`${url}/health`)).status === 200 ? 'healthy' : undefined;
      },
      {
        timeoutMs: HEALTHY_WITHIN_MS,
        intervalMs: HEALTH_POLL_INTERVAL_MS,
        description: `${name} to report healthy`,
      },
    );
    if (outcome === 'exited') {
      throw new Error(`${name} ${exitReason()}`);
    }
  } catch (error) {
    await stop();
    throw new Error(`${loggableErrorText(error)}\n--- ${name} output ---\n${output()}`);
  }
  return {
    name,
    pid: child.pid ?? 0,
    url,
    output,
    exitReason,
    stop,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function nodeOptionsOf(name: BuiltApp): Record<string, string> {
  const options = SERVICE_NODE_OPTIONS[name];
  return options === undefined ? {} : { NODE_OPTIONS: options };
}

async function stopProcess(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    await exited;
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
