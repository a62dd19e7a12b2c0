'use strict';
/*
 * Preloaded into a built service by the push benchmark (NODE_OPTIONS=--require <this file>; `--cpu-prof` is not
 * what we want: it writes only at exit, once). Profiles the process with the V8 inspector from start-up; every
 * SIGWINCH writes the profile since the previous signal (or start-up) to $BENCH_CPU_PROFILE_DIR/<n>.cpuprofile,
 * n = 1, 2, ..., and profiles on. Plain CommonJS: the built app runs it with node, before its own code.
 *
 * Why SIGWINCH: Nest's `enableShutdownHooks()` without arguments shuts the app down on SIGUSR2 (nodemon's restart
 * signal), SIGUSR1 starts node's debugger and SIGPROF is V8's sampling clock. SIGWINCH is ignored by default and
 * node only listens to it for a terminal, which a service started with piped output has not.
 */
const { Session } = require('node:inspector');
const { renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const PROFILE_SIGNAL = 'SIGWINCH';
const directory = process.env.BENCH_CPU_PROFILE_DIR;
// V8's default; finer sampling costs the profiled process more.
const intervalUs = Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US || '1000');

function report(error) {
  process.stderr.write(`cpu-profile preload: ${error instanceof Error ? error.message : String(error)}\n`);
}

if (!directory) {
  report('BENCH_CPU_PROFILE_DIR is not set: not profiling');
} else {
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  let written = 0;
  // Signals are handled one after the other: each file holds exactly the time since the previous one.
  let rotation = post('Profiler.enable')
    .then(() => post('Profiler.setSamplingInterval', { interval: intervalUs }))
    .then(() => post('Profiler.start'));
  rotation.catch(report);

  const rotate = async () => {
    const { profile } = await post('Profiler.stop');
    await post('Profiler.start');
    written += 1;
    const file = join(directory, `${written}.cpuprofile`);
    // Renamed into place: whoever waits for the file never reads half of it.
    writeFileSync(`${file}.partial`, JSON.stringify(profile));
    renameSync(`${file}.partial`, file);
  };
  process.on(PROFILE_SIGNAL, () => {
    rotation = rotation.then(rotate).catch(report);
  });
}
