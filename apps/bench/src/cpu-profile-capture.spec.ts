import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuProfileCapture } from './cpu-profile-capture';
import { summarizeCpuProfile } from './cpu-profile';

// Stands for a built app: burns CPU in a named function, in slices, so signals are handled in between, and shuts
// down on the signals Nest's enableShutdownHooks() listens to.
const APP = `
for (const signal of ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR2', 'SIGTERM']) {
  process.on(signal, () => { process.stderr.write('shut down by ' + signal); process.exit(0); });
}
function burnCpu() {
  const until = Date.now() + 5;
  let x = 0;
  while (Date.now() < until) { x += Math.sqrt(x + 1); }
  return x;
}
function slice() { burnCpu(); setImmediate(slice); }
slice();
process.stdout.write('ready\\n');
`;

describe('CpuProfileCapture', () => {
  let directory: string;
  let capture: CpuProfileCapture;
  let app: ChildProcess;
  let output = '';

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'cpu-profile-capture-spec-'));
    writeFileSync(join(directory, 'main.js'), APP);
    capture = await CpuProfileCapture.create();
    app = spawn(process.execPath, [join(directory, 'main.js')], {
      env: { PATH: process.env['PATH'] ?? '', ...capture.env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      app.once('exit', (code) => reject(new Error(`the app exited with ${code}: ${output}`)));
      app.stdout?.once('data', () => resolve());
    });
  });

  afterAll(async () => {
    app.kill('SIGKILL');
    await capture.remove();
    rmSync(directory, { recursive: true, force: true });
  });

  it('reads a profile per signal, each of the time since the previous one, and the app lives on (Nest too)', async () => {
    await capture.take(app.pid ?? 0);
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const profile = await capture.take(app.pid ?? 0);

    const lastedMs = (profile.endTime - profile.startTime) / 1000;
    expect(lastedMs).toBeGreaterThanOrEqual(250);
    expect(lastedMs).toBeLessThan(Date.now() - startedAt + 1_000);
    const summary = summarizeCpuProfile(profile, { ourScript: 'main.js' });
    expect(summary.ourFunctions.map((fn) => fn.functionName)).toContain('burnCpu');
    expect(app.exitCode).toBeNull();
    expect(output).toBe('');
  });
});
