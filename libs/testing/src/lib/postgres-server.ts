import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './free-port';
import { pollUntil } from './poll-until';
import { loggableErrorText } from '@storebridge/security';

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/<database>`, trust auth. */
  url: string;
  port: number;
  /** The temporary folder holding the cluster (`data/`) and the unix socket; removed by `stop()`. */
  dataDir: string;
  /** The postmaster's: every backend of the cluster is its child (benchmarks read their CPU time). */
  pid: number;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Created once the server accepts connections. Default `storebridge_test`. */
  database?: string;
}

const SUPERUSER = 'postgres';
const execFileAsync = promisify(execFile);

/** `PG_BIN_DIR`, else the highest version under /usr/lib/postgresql/<version>/bin (Debian/Ubuntu layout). */
export function findPostgresBinDir(): string {
  const fromEnv = process.env['PG_BIN_DIR'];
  if (fromEnv) {
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'postgres')))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`No PostgreSQL binaries under ${root}/*/bin: install postgresql or set PG_BIN_DIR`);
  }
  return join(root, versions[0], 'bin');
}

interface Identity {
  uid: number;
  gid: number;
}

/**
 * initdb and postgres refuse to run as root. As root we run them as `PG_RUN_AS_USER` (default `postgres`, else
 * `nobody`); as anyone else, as ourselves.
 */
function serverIdentity(): Identity | undefined {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  const users = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4);
  const wanted = [process.env['PG_RUN_AS_USER'] ?? 'postgres', 'nobody'];
  for (const name of wanted) {
    const entry = users.find((fields) => fields[0] === name);
    if (entry) {
      return { uid: Number(entry[2]), gid: Number(entry[3]) };
    }
  }
  throw new Error(`Running as root and none of the users ${wanted.join(', ')} exists to run PostgreSQL`);
}

async function accepts(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface StartedServer {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
}

async function launch(
  binDir: string,
  clusterDir: string,
  socketDir: string,
  identity: Identity | undefined,
  onSpawn: (child: ChildProcess) => void,
): Promise<StartedServer> {
  const port = await freePort();
  // Durability settings off: a throwaway test cluster trades crash safety for speed.
  const args = [
    ...['-D', clusterDir, '-p', String(port), '-k', socketDir],
    ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  ];
  const child = spawn(join(binDir, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...identity });
  onSpawn(child);
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => {
    log += error.message;
  });
  const adminUrl = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
  try {
    const outcome = await pollUntil(
      async () =>
        child.exitCode !== null || child.signalCode !== null
          ? 'exited'
          : (await accepts(adminUrl)) && 'ready',
      { timeoutMs: 30_000, description: `PostgreSQL on port ${port}` },
    );
    if (outcome === 'exited') {
      throw new Error('exited during start-up');
    }
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    const reason = loggableErrorText(error);
    throw new Error(`PostgreSQL did not start (${reason}):\n${log}`);
  }
  return { child, port, exited };
}

/**
 * Starts a throwaway PostgreSQL cluster on a free loopback port: `initdb` into a fresh temp folder (trust auth,
 * superuser `postgres`), then the server with its unix socket inside that folder, then creates the database.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<RunningPostgres> {
  const database = options.database ?? 'storebridge_test';
  const binDir = findPostgresBinDir();
  const identity = serverIdentity();
  const dataDir = mkdtempSync(join(tmpdir(), 'storebridge-pg-'));
  const clusterDir = join(dataDir, 'data');
  let server: StartedServer | undefined;
  let spawned: ChildProcess | undefined;
  const killNow = () => spawned?.kill('SIGQUIT');
  // A test process that exits without stop() (crash, timeout) must not leave a postmaster or its files behind.
  const abandon = () => {
    killNow();
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', abandon);
  try {
    if (identity) {
      chownSync(dataDir, identity.uid, identity.gid);
    }
    const initdbArgs = ['-D', clusterDir, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C'];
    await execFileAsync(join(binDir, 'initdb'), [...initdbArgs, '--no-sync', '--no-instructions'], {
      ...identity,
    });
    // freePort() can lose a race with another process grabbing the port: retry on a new one.
    for (let attempt = 1; !server; attempt++) {
      try {
        server = await launch(binDir, clusterDir, dataDir, identity, (child) => (spawned = child));
      } catch (error) {
        if (attempt >= 3) {
          throw error;
        }
      }
    }
    const admin = new Client({
      connectionString: `postgres://${SUPERUSER}@127.0.0.1:${server.port}/postgres`,
    });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    killNow();
    await server?.exited;
    process.removeListener('exit', abandon);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { child, port, exited } = server;
  return {
    url: `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`,
    port,
    dataDir,
    pid: child.pid ?? 0,
    async stop() {
      process.removeListener('exit', abandon);
      if (child.exitCode === null && child.signalCode === null) {
        // SIGINT = "fast" shutdown: disconnects clients and exits cleanly without waiting for them.
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
