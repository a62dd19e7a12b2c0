import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SERVICE_NODE_OPTIONS,
  startServiceProcess,
  type BuiltApp,
  type ServiceProcess,
  type ServiceProcessOptions,
} from './service-process';

// A stand-in for a built app: serves /health (503 for the first FAKE_UNHEALTHY_CHECKS calls), reports what it
// was started with on /inspect, and shuts down on SIGTERM unless told to ignore it.
const FAKE_APP = `
const http = require('node:http');
if (process.env.FAKE_CRASH_AT_START === 'true') {
  console.error('config error: DATABASE_URL is required');
  process.exit(3);
}
const unhealthyChecks = Number(process.env.FAKE_UNHEALTHY_CHECKS || '0');
let healthChecks = 0;
const server = http.createServer((request, response) => {
  if (request.url === '/health') {
    healthChecks += 1;
    response.writeHead(healthChecks > unhealthyChecks ? 200 : 503).end();
    return;
  }
  const state = { pid: process.pid, cwd: process.cwd(), env: process.env, healthChecks };
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state));
});
process.on('SIGTERM', () => {
  if (process.env.FAKE_IGNORE_SIGTERM === 'true') {
    console.log('ignoring SIGTERM');
    return;
  }
  console.log('shutting down');
  server.close(() => process.exit(0));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('fake app listening'));
`;

interface FakeAppState {
  pid: number;
  cwd: string;
  env: Record<string, string>;
  healthChecks: number;
}

async function inspect(service: ServiceProcess): Promise<FakeAppState> {
  return (await (await fetch(`${service.url}/inspect`)).json()) as FakeAppState;
}

describe('startServiceProcess', () => {
  let workspaceRoot: string;
  let started: ServiceProcess[] = [];

  const start = async (
    env: Record<string, string> = {},
    options: ServiceProcessOptions = {},
    name: BuiltApp = 'gateway',
  ) => {
    const service = await startServiceProcess(name, env, { workspaceRoot, ...options });
    started.push(service);
    return service;
  };

  beforeAll(() => {
    workspaceRoot = realpathSync(mkdtempSync(join(tmpdir(), 'built-apps-spec-')));
    for (const name of ['gateway', 'sync']) {
      mkdirSync(join(workspaceRoot, 'dist/apps', name), { recursive: true });
      writeFileSync(join(workspaceRoot, 'dist/apps', name, 'main.js'), FAKE_APP);
    }
  });

  afterEach(async () => {
    await Promise.all(started.map((service) => service.kill()));
    started = [];
  });

  afterAll(() => {
    rmSync(workspaceRoot, { recursive: true, force: true });
  });

  it('runs dist/apps/<name>/main.js from the workspace root, in production mode, on a free port', async () => {
    const service = await start({ GREETING: 'hello' });

    const state = await inspect(service);
    expect(service.name).toBe('gateway');
    expect(service.pid).toBe(state.pid);
    expect(state.cwd).toBe(workspaceRoot);
    expect(service.url).toBe(`http://127.0.0.1:${state.env['PORT']}`);
    expect(state.env['NODE_ENV']).toBe('production');
    expect(state.env['GREETING']).toBe('hello');
  });

  it("passes only PATH from the caller's environment", async () => {
    const service = await start({ GREETING: 'hello' });

    expect(Object.keys((await inspect(service)).env).sort()).toEqual([
      'GREETING',
      'NODE_ENV',
      'PATH',
      'PORT',
    ]);
  });

  it("gives a service the NODE_OPTIONS of its image, which the caller's env overrides", async () => {
    const sync = await start({}, {}, 'sync');
    const overridden = await start({ NODE_OPTIONS: '--max-old-space-size=2048' }, {}, 'sync');

    expect((await inspect(sync)).env['NODE_OPTIONS']).toBe(SERVICE_NODE_OPTIONS.sync);
    expect((await inspect(overridden)).env['NODE_OPTIONS']).toBe('--max-old-space-size=2048');
  });

  it.each(['gateway', 'sync', 'push'] as const)(
    'knows the NODE_OPTIONS the Dockerfile sets for %s',
    (name) => {
      const dockerfile = readFileSync(join(__dirname, '../../../../Dockerfile'), 'utf8');
      const stage = dockerfile.split(/^FROM /m).find((text) => new RegExp(`\\sAS ${name}\\n`).test(text));
      const nodeOptions = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(stage ?? '')?.[1];

      expect(stage).toBeDefined();
      expect(nodeOptions).toBe(SERVICE_NODE_OPTIONS[name]);
    },
  );

  it('resolves only once the health endpoint answers 200', async () => {
    const service = await start({ FAKE_UNHEALTHY_CHECKS: '2' });

    expect((await inspect(service)).healthChecks).toBe(3);
  });

  it('keeps what the process printed', async () => {
    const service = await start();

    expect(service.output()).toContain('fake app listening');
    expect(service.exitReason()).toBeUndefined();
  });

  it('tells how to build the apps when dist is missing', async () => {
    await expect(startServiceProcess('push', {}, { workspaceRoot })).rejects.toThrow(
      `${join(workspaceRoot, 'dist/apps/push/main.js')} is missing: build the apps first, ` +
        'e.g. `nx run-many -t build -p gateway sync push embedded`',
    );
  });

  it('fails at once with the output when the app exits before it is healthy', async () => {
    const startedAt = Date.now();

    const failure = start({ FAKE_CRASH_AT_START: 'true' });

    await expect(failure).rejects.toThrow(
      /gateway exited with code 3\n--- gateway output ---\n.*DATABASE_URL/,
    );
    // Well under the 60 s health timeout: the crash is noticed on the next poll.
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });

  it('stops gracefully with SIGTERM, letting shutdown hooks run', async () => {
    const service = await start();

    await service.stop();

    expect(service.exitReason()).toBe('exited with code 0');
    expect(service.output()).toContain('shutting down');
  });

  it('escalates to SIGKILL when the app outlives the grace period', async () => {
    const service = await start({ FAKE_IGNORE_SIGTERM: 'true' }, { stopGraceMs: 300 });

    await service.stop();

    expect(service.exitReason()).toBe('killed by SIGKILL');
    expect(service.output()).toContain('ignoring SIGTERM');
  });

  it('kills with SIGKILL, skipping shutdown hooks', async () => {
    const service = await start();

    await service.kill();

    expect(service.exitReason()).toBe('killed by SIGKILL');
    expect(service.output()).not.toContain('shutting down');
  });
});
