import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, pollUntil } from '@storebridge/testing';

/**
 * The e2e suite has its own launcher (apps/e2e/src/support/service-process.ts); this one also exposes the pid
 * (for /proc) and notices a crash while the benchmark waits. The two stay apart: a shared home would be a lib
 * that knows the apps' build layout, which the testing lib must not.
 */
export const WORKSPACE_ROOT = join(__dirname, '../../..');

export type BenchedService = 'gateway' | 'sync' | 'push';

const OUTPUT_LINES_KEPT = 200;
const STOP_GRACE_MS = 10_000;
const HEALTHY_WITHIN_MS = 60_000;

export interface ServiceProcess {
  readonly name: BenchedService;
  readonly pid: number;
  readonly url: string;
  /** "exited with code 1" / "killed by SIGKILL" once the process is gone, undefined while it runs. */
  exitReason(): string | undefined;
  /** The last lines it printed, shown when the benchmark fails. */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/** Starts `dist/apps/<name>/main.js` as production runs it; resolves once its health endpoint answers 200. */
export async function startService(
  name: BenchedService,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const script = join(WORKSPACE_ROOT, 'dist/apps', name, 'main.js');
  if (!existsSync(script)) {
    throw new Error(
      `${script} is missing: run \`nx run sync:bench\`, which builds gateway, sync and push first`,
    );
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exitReason = (): string | undefined => {
    if (child.exitCode !== null) {
      return `exited with code ${child.exitCode}`;
    }
    return child.signalCode === null ? undefined : `killed by ${child.signalCode}`;
  };
  const url = `http://127.0.0.1:${port}`;
  const output = () => lines.join('\n');
  try {
    await pollUntil(
      async () => {
        const gone = exitReason();
        if (gone !== undefined) {
          throw new Error(`${name} ${gone}`);
        }
        return (await fetch(`${url}/health`)).status === 200;
      },
      { timeoutMs: HEALTHY_WITHIN_MS, intervalMs: 200, description: `${name} to report healthy` },
    );
  } catch (error) {
    await stopProcess(child, exited);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- ${name} output ---\n${output()}`,
    );
  }
  return {
    name,
    pid: child.pid ?? 0,
    url,
    exitReason,
    output,
    stop: () => stopProcess(child, exited),
  };
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
