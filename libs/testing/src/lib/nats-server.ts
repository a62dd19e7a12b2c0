import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { pollUntil } from './poll-until';

export interface RunningNatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** The running process's; another one after `restart()`. */
  readonly pid: number;
  /** Stops the server, keeping its JetStream store, as a broker going down would. */
  halt(): Promise<void>;
  /** Starts it again on the same port and store (halting it first if it still runs). */
  restart(): Promise<void>;
  /** Stops it and deletes its store. */
  stop(): Promise<void>;
}

const NATS_BINARY = process.env['NATS_SERVER_BIN'] ?? 'nats-server';

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts a real `nats-server -js` on a free loopback port with its own JetStream store directory. */
export async function startNatsServer(): Promise<RunningNatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'storebridge-nats-'));
  let current = await launch(port, storeDir);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get pid() {
      return current.pid;
    },
    halt: () => current.halt(),
    async restart() {
      await current.halt();
      current = await launch(port, storeDir);
    },
    async stop() {
      await current.halt();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

interface NatsProcess {
  pid: number;
  halt(): Promise<void>;
}

/** One nats-server process on `port` over `storeDir`, resolved once it accepts connections. */
async function launch(port: number, storeDir: string): Promise<NatsProcess> {
  const child: ChildProcess = spawn(
    NATS_BINARY,
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => {
    stderr += `${error.message} (is nats-server installed? apt-get install -y nats-server)`;
  });
  try {
    await pollUntil(async () => child.exitCode === null && (await portAccepts(port)), {
      timeoutMs: 15_000,
      description: `nats-server on port ${port}`,
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`nats-server did not start: ${stderr || String(error)}`);
  }
  return {
    pid: child.pid ?? 0,
    async halt() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
