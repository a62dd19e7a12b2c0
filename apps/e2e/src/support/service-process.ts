import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, pollUntil } from '@storebridge/testing';

const WORKSPACE_ROOT = join(__dirname, '../../../..');
const OUTPUT_LINES_KEPT = 200;
const STOP_GRACE_MS = 10_000;

export type BuiltApp = 'gateway' | 'sync' | 'push' | 'embedded';

export interface ServiceProcess {
  readonly name: BuiltApp;
  readonly url: string;
  /** The last lines the process printed: shown when a test fails, so its logs explain why. */
  output(): string;
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
): Promise<ServiceProcess> {
  const script = join(WORKSPACE_ROOT, 'dist/apps', name, 'main.js');
  if (!existsSync(script)) {
    throw new Error(`${script} is missing: run the e2e tests through \`nx e2e e2e\`, which builds the apps`);
  }
  const port = await freePort();
  const lines: string[] = [];
  const child = spawn(process.execPath, [script], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - OUTPUT_LINES_KEPT));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const output = () => lines.join('\n');
  try {
    await pollUntil(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`${name} exited with code ${child.exitCode}`);
        }
        const response = await fetch(`${url}/health`);
        return response.status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: `${name} to report healthy` },
    );
  } catch (error) {
    await stopProcess(child, exited);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- ${name} output ---\n${output()}`,
    );
  }
  return {
    name,
    url,
    output,
    stop: () => stopProcess(child, exited),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
