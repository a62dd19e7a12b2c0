#!/usr/bin/env node
// Replays each service stage of the Dockerfile without Docker, so a missing runtime dependency, a permission
// error or a failing HEALTHCHECK fails CI: builds what the build stage builds, then for every stage with a CMD
// copies exactly what it copies (with its owners), runs its RUN steps as its user, runs the operators' commands it
// ships with `--help` (STAGE_COMMANDS), starts its CMD as a non-root
// user with the stage's ENV and the environment docker-compose.yml gives the service (against a throwaway
// PostgreSQL and nats-server), runs its HEALTHCHECK until it passes, stops it with SIGTERM and expects exit 0
// within the service's stop_grace_period.
//
//   node tools/image-stage-check.mjs [--no-build] [--dockerfile=<path>] [stage…]
//
// Needs root to switch users (CI runs as root); otherwise it runs everything as the current user and cannot see
// permission errors. Only the instructions the Dockerfile uses are understood; any other one fails the check.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);

// Generous: the three services start together and migrate one after the other, on a CI machine that may be busy.
const READY_WITHIN_MS = 120_000;
const HEALTHCHECK_EVERY_MS = 500;
const OUTPUT_LINES_KEPT = 20;
/** The user every non-root USER becomes here: the image's `node` (uid 1000) does not exist on CI machines. */
const UNPRIVILEGED = { name: 'nobody', uid: 65534, gid: 65534 };
const ROOT = { name: 'root', uid: 0, gid: 0 };
const IS_ROOT = process.getuid?.() === 0;
/**
 * The operators' commands a stage ships beside its service, run there with `--help` before the service starts:
 * loading them resolves every module they need, so one missing from the stage fails here, not in production.
 */
const STAGE_COMMANDS = { push: [['node', 'dead-letters.js', '--help']] };

// ---------------------------------------------------------------------------------------------- Dockerfile

/** Instructions with continuation lines joined and comments dropped: `{ keyword, args, line }`. */
function parseInstructions(text) {
  const instructions = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) {
      return;
    }
    if (pending !== '' && line.trimStart().startsWith('#')) {
      return;
    }
    if (pending === '') {
      startLine = index + 1;
    }
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [keyword] = full.split(/\s+/, 1);
    instructions.push({
      keyword: keyword.toUpperCase(),
      args: full.slice(keyword.length).trim(),
      line: startLine,
    });
  });
  return instructions;
}

/** Stages by name, each with its base (another stage's name or an image) and its own instructions. */
function parseStages(text) {
  const stages = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const match = instruction.args.match(/^(\S+)(?:\s+AS\s+(\S+))?$/i);
      if (!match) {
        throw new Error(`Dockerfile line ${instruction.line}: cannot read FROM ${instruction.args}`);
      }
      stages.push({ base: match[1], name: match[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0) {
      throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before the first FROM`);
    } else {
      stages.at(-1).instructions.push(instruction);
    }
  }
  return new Map(stages.map((stage) => [stage.name, stage]));
}

/** A stage's instructions with those of the stages it is built FROM first. */
function effectiveInstructions(stages, name) {
  const stage = stages.get(name);
  const inherited = stages.has(stage.base) ? effectiveInstructions(stages, stage.base) : [];
  return [...inherited, ...stage.instructions];
}

/** `--flag=value` options before the arguments: `{ options, rest }`. */
function splitFlags(args) {
  const options = {};
  let rest = args;
  for (;;) {
    const match = rest.match(/^--([a-z-]+)(?:=(\S+))?\s*/);
    if (!match) {
      return { options, rest };
    }
    options[match[1]] = match[2] ?? true;
    rest = rest.slice(match[0].length);
  }
}

/** Exec form (a JSON array) or shell form (run with `sh -c`). */
function commandOf(args) {
  if (args.startsWith('[')) {
    return JSON.parse(args);
  }
  return ['sh', '-c', args];
}

/** `ENV a=1 b="two words"` (and the legacy `ENV name value`). */
function parseEnv(args) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [name, ...value] = args.split(/\s+/);
    return { [name]: value.join(' ') };
  }
  const env = {};
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const value = match[2];
    env[match[1]] = /^["']/.test(value) ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
  }
  return env;
}

/** The stage's final settings, and its steps in order: copy, run, workdir (creating it). */
function planStage(stages, name) {
  const plan = { workdir: '/', user: 'root', env: {}, steps: [], cmd: undefined, healthcheck: undefined };
  for (const instruction of effectiveInstructions(stages, name)) {
    const where = `Dockerfile line ${instruction.line}`;
    switch (instruction.keyword) {
      case 'WORKDIR':
        plan.workdir = posix.resolve(plan.workdir, instruction.args);
        plan.steps.push({ kind: 'workdir', path: plan.workdir });
        break;
      case 'ENV':
        Object.assign(plan.env, parseEnv(instruction.args));
        break;
      case 'USER':
        plan.user = instruction.args;
        break;
      case 'EXPOSE':
        break;
      case 'COPY': {
        const { options, rest } = splitFlags(instruction.args);
        const paths = rest.startsWith('[') ? JSON.parse(rest) : rest.split(/\s+/);
        plan.steps.push({
          kind: 'copy',
          from: options.from,
          sources: paths.slice(0, -1),
          destination: posix.resolve(plan.workdir, paths.at(-1)),
          destinationIsDir: paths.length > 2 || paths.at(-1).endsWith('/') || paths.at(-1) === '.',
          owner: options.chown ? options.chown.split(':')[0] : 'root',
          where,
        });
        break;
      }
      case 'RUN': {
        // Replayed on this machine: an absolute path would act on the host instead of the image.
        if (/(^|[\s=:'"])\/[^\s]/.test(instruction.args)) {
          throw new Error(
            `${where}: RUN with an absolute path cannot be replayed safely: ${instruction.args}`,
          );
        }
        plan.steps.push({
          kind: 'run',
          command: commandOf(instruction.args),
          user: plan.user,
          workdir: plan.workdir,
          env: { ...plan.env },
          where,
        });
        break;
      }
      case 'HEALTHCHECK': {
        const { rest } = splitFlags(instruction.args);
        if (!/^CMD\s/i.test(rest)) {
          throw new Error(`${where}: HEALTHCHECK needs a CMD`);
        }
        plan.healthcheck = commandOf(rest.replace(/^CMD\s+/i, ''));
        break;
      }
      case 'CMD':
        plan.cmd = commandOf(instruction.args);
        break;
      default:
        throw new Error(`${where}: ${instruction.keyword} is not simulated by tools/image-stage-check.mjs`);
    }
  }
  return plan;
}

/** Where a path of the build stage is in this workspace: the build stage copies the workspace to its WORKDIR. */
function workspacePathOf(buildPlan, path, where) {
  const inside = posix.relative(buildPlan.workdir, path);
  if (inside.startsWith('..') || posix.isAbsolute(inside)) {
    throw new Error(`${where}: ${path} is outside the build stage's WORKDIR ${buildPlan.workdir}`);
  }
  return join(WORKSPACE, inside);
}

// ------------------------------------------------------------------------------------------------- compose

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` as compose reads them, from `variables`. */
function interpolate(value, variables) {
  return String(value).replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?])([^}]*))?\}/g,
    (_, name, kind, word) => {
      if (variables[name] !== undefined && variables[name] !== '') {
        return variables[name];
      }
      if (kind === '?') {
        throw new Error(`docker-compose.yml needs ${name}: ${word}`);
      }
      return kind === '-' ? word : '';
    },
  );
}

/** Compose's duration strings (`40s`, `1m30s`) in ms. */
function durationMs(text) {
  let total = 0;
  for (const [, amount, unit] of String(text).matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(amount) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit];
  }
  return total;
}

/** The compose service built from each Dockerfile target: its environment and stop grace period. */
function composeServicesByTarget(variables) {
  const yaml = require('js-yaml');
  const compose = yaml.load(readFileSync(join(WORKSPACE, 'docker-compose.yml'), 'utf8'));
  const byTarget = new Map();
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    const target = service.build?.target;
    if (!target) {
      continue;
    }
    const environment = Array.isArray(service.environment)
      ? Object.fromEntries(service.environment.map((entry) => entry.split(/=(.*)/s).slice(0, 2)))
      : (service.environment ?? {});
    byTarget.set(target, {
      name,
      environment: Object.fromEntries(
        Object.entries(environment).map(([key, value]) => [key, interpolate(value ?? '', variables)]),
      ),
      // Compose's default when unset.
      stopGraceMs: service.stop_grace_period ? durationMs(service.stop_grace_period) : 10_000,
    });
  }
  return byTarget;
}

/** The transport's wait for running handlers at shutdown, which every stop_grace_period must exceed. */
function transportShutdownWaitMs() {
  const source = readFileSync(join(WORKSPACE, 'libs/messaging/src/lib/messaging.options.ts'), 'utf8');
  const match = source.match(/DEFAULT_SHUTDOWN_TIMEOUT_MS\s*=\s*([\d_]+)/);
  if (!match) {
    throw new Error('DEFAULT_SHUTDOWN_TIMEOUT_MS not found in libs/messaging/src/lib/messaging.options.ts');
  }
  return Number(match[1].replaceAll('_', ''));
}

// --------------------------------------------------------------------------------------------- processes

function identityOf(user) {
  if (!IS_ROOT) {
    return undefined;
  }
  return user === 'root' || user === '0' ? ROOT : UNPRIVILEGED;
}

/** argv that runs `command` as `identity` (setpriv drops to it without a login shell or PAM). */
function asUser(identity, command) {
  if (!identity || identity.uid === 0) {
    return command;
  }
  return [
    'setpriv',
    `--reuid=${identity.uid}`,
    `--regid=${identity.gid}`,
    '--clear-groups',
    '--',
    ...command,
  ];
}

function baseEnv(identity, home) {
  // Only PATH and HOME from here: the process sees what the image and compose give it, not the caller's env.
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: identity?.uid === 0 || !identity ? (process.env.HOME ?? home) : home,
  };
}

function lastLines(text) {
  // eslint-disable-next-line no-control-regex -- the services colour their logs
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  // Stack frames crowd out the messages that say what failed.
  const lines = plain.split('\n').filter((line) => line.trim() !== '' && !/^\s+at /.test(line));
  return lines.slice(-OUTPUT_LINES_KEPT).join('\n');
}

async function run(argv, options) {
  try {
    return await execFileAsync(argv[0], argv.slice(1), { maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    const output = lastLines(`${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    throw new Error(`\`${argv.join(' ')}\` failed (${error.code ?? error.signal}):\n${output}`);
  }
}

function chownTree(path, identity) {
  if (!IS_ROOT) {
    return;
  }
  lchownSync(path, identity.uid, identity.gid);
  if (lstatSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) {
      chownTree(join(path, entry), identity);
    }
  }
}

// ------------------------------------------------------------------------------------------------- stages

async function buildOutputs(stages, buildStageName) {
  const buildStage = stages.get(buildStageName);
  // What the build stage runs once it has the sources (`COPY . .`); the `npm ci` before it is this workspace's.
  const copyAll = buildStage.instructions.findIndex(
    (i) => i.keyword === 'COPY' && /^\.\s+\.\/?$/.test(i.args),
  );
  if (copyAll < 0) {
    throw new Error(`Stage ${buildStageName} has no \`COPY . .\`: cannot tell what it builds`);
  }
  const plan = planStage(stages, buildStageName);
  for (const instruction of buildStage.instructions.slice(copyAll + 1)) {
    if (instruction.keyword === 'RUN') {
      const started = Date.now();
      await run(commandOf(instruction.args), { cwd: WORKSPACE, env: { ...process.env, ...plan.env } });
      console.log(`build: ${instruction.args} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  }
}

/**
 * A copy of this machine's npm cache for the replayed RUN steps, owned by the user who runs them: the content
 * (immutable, by hash) hard-linked, the index (appended to) copied. Empty, and npm downloads, when that fails.
 */
async function seedNpmCache(target, identity) {
  const source = join(process.env.npm_config_cache || join(process.env.HOME ?? '/root', '.npm'), '_cacache');
  mkdirSync(join(target, '_cacache'), { recursive: true });
  if (identity?.uid === 0 || !identity) {
    try {
      await run(['cp', '-al', join(source, 'content-v2'), join(target, '_cacache')], {});
      await run(['cp', '-r', join(source, 'index-v5'), join(target, '_cacache')], {});
    } catch {
      // A cold cache only costs downloads.
    }
  }
  if (identity && identity.uid !== 0) {
    chownTree(target, identity);
  }
}

/** Lays out the stage under `root` (the image's `/`), then replays its steps. */
async function assembleStage(stages, plan, root, home) {
  const inRoot = (path) => join(root, path);
  const npmCache = join(home, 'npm-cache');
  for (const step of plan.steps) {
    if (step.kind === 'workdir') {
      // WORKDIR creates a missing directory owned by root whatever USER says (the classic builder, kaniko, buildah).
      if (!existsSync(inRoot(step.path))) {
        mkdirSync(inRoot(step.path), { recursive: true, mode: 0o755 });
      }
    } else if (step.kind === 'copy') {
      if (!step.from) {
        throw new Error(
          `${step.where}: COPY from the build context is not simulated; copy from the build stage`,
        );
      }
      const buildPlan = planStage(stages, step.from);
      const owner = identityOf(step.owner) ?? ROOT;
      // Directories a COPY creates are the --chown owner's; one that exists keeps its owner (root for WORKDIR's).
      const makeDir = (path) => {
        const created = mkdirSync(path, { recursive: true, mode: 0o755 });
        if (created) {
          chownTree(created, owner);
        }
      };
      makeDir(step.destinationIsDir ? inRoot(step.destination) : dirname(inRoot(step.destination)));
      for (const source of step.sources) {
        const from = workspacePathOf(buildPlan, posix.resolve(buildPlan.workdir, source), step.where);
        if (!existsSync(from)) {
          throw new Error(`${step.where}: ${relative(WORKSPACE, from)} was not built`);
        }
        if (statSync(from).isDirectory()) {
          // A directory's contents are copied, not the directory itself.
          makeDir(inRoot(step.destination));
          for (const entry of readdirSync(from)) {
            cpSync(join(from, entry), join(inRoot(step.destination), entry), { recursive: true });
            chownTree(join(inRoot(step.destination), entry), owner);
          }
        } else {
          const to = step.destinationIsDir
            ? join(inRoot(step.destination), basename(from))
            : inRoot(step.destination);
          cpSync(from, to);
          chownTree(to, owner);
        }
      }
    } else {
      const identity = identityOf(step.user);
      rmSync(npmCache, { recursive: true, force: true });
      await seedNpmCache(npmCache, identity);
      const env = {
        ...baseEnv(identity, home),
        ...step.env,
        // A cache of our own, so `npm cache clean` in a step cannot empty this machine's.
        npm_config_cache: npmCache,
        npm_config_prefer_offline: 'true',
        npm_config_update_notifier: 'false',
      };
      await run(asUser(identity, step.command), { cwd: inRoot(step.workdir), env });
    }
  }
}

/** Starts CMD, runs HEALTHCHECK until it passes, SIGTERMs it and expects exit code 0 in time. */
async function startAndStop(plan, root, home, env, stopGraceMs) {
  const identity = identityOf(plan.user);
  const processEnv = { ...baseEnv(identity, home), ...plan.env, ...env };
  const cwd = join(root, plan.workdir);
  const [command, ...args] = asUser(identity, plan.cmd);
  const child = spawn(command, args, { cwd, env: processEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolveExit) =>
    child.once('close', (code, signal) => resolveExit({ code, signal })),
  );
  let exit;
  void exited.then((result) => (exit = result));
  const fail = (reason) => new Error(`${reason}\n${lastLines(output)}`);

  const started = Date.now();
  const deadline = started + READY_WITHIN_MS;
  let lastHealth = '';
  for (;;) {
    if (exit) {
      throw fail(`exited before ready (code ${exit.code}, signal ${exit.signal})`);
    }
    try {
      await run(asUser(identity, plan.healthcheck), { cwd, env: processEnv, timeout: 5_000 });
      break;
    } catch (error) {
      lastHealth = error.message;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw fail(`HEALTHCHECK not passing after ${READY_WITHIN_MS / 1000} s: ${lastHealth}`);
    }
    await new Promise((wake) => setTimeout(wake, HEALTHCHECK_EVERY_MS));
  }

  const readyMs = Date.now() - started;
  const stopping = Date.now();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
  const { code, signal } = await exited;
  clearTimeout(timer);
  if (code !== 0) {
    // Nest re-raises the signal once it has shut down unless told to exit: the image would report 143.
    const ended = code === null ? `killed by ${signal}` : `exit code ${code}`;
    throw fail(
      `ready after ${readyMs} ms, then ${ended} ${Date.now() - stopping} ms after SIGTERM; ` +
        `expected exit code 0 within stop_grace_period (${stopGraceMs / 1000} s)`,
    );
  }
  return { readyMs, stopMs: Date.now() - stopping };
}

async function checkStage(stages, name, composeService, services) {
  const plan = planStage(stages, name);
  if (!plan.healthcheck) {
    throw new Error('no HEALTHCHECK');
  }
  if (identityOf(plan.user)?.uid === 0 || (!IS_ROOT && ['root', '0'].includes(plan.user))) {
    throw new Error(`runs as ${plan.user}: set a non-root USER`);
  }
  if (!composeService) {
    throw new Error(`no service in docker-compose.yml builds target ${name}`);
  }
  const scratch = mkdtempSync(join(tmpdir(), `storebridge-image-${name}-`));
  try {
    // mkdtemp makes 0700; the image's `/` is world-readable.
    chmodSync(scratch, 0o755);
    const root = join(scratch, 'rootfs');
    const home = join(scratch, 'home');
    mkdirSync(root, { mode: 0o755 });
    mkdirSync(home, { mode: 0o700 });
    if (IS_ROOT) {
      chownSync(home, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
    }
    const assembling = Date.now();
    await assembleStage(stages, plan, root, home);
    const assembledMs = Date.now() - assembling;
    for (const command of STAGE_COMMANDS[name] ?? []) {
      const identity = identityOf(plan.user);
      await run(asUser(identity, command), {
        cwd: join(root, plan.workdir),
        env: { ...baseEnv(identity, home), ...plan.env },
      });
      console.warn(`${name}: \`${command.join(' ')}\` exits 0`);
    }
    console.warn(`${name}: stage assembled in ${assembledMs} ms, starting ${plan.cmd.join(' ')}`);
    const env = {
      ...composeService.environment,
      DATABASE_URL: services.databaseUrl,
      NATS_URL: services.natsUrl,
      PORT: String(await services.freePort()),
    };
    const { readyMs, stopMs } = await startAndStop(plan, root, home, env, composeService.stopGraceMs);
    const user = IS_ROOT ? UNPRIVILEGED.name : 'the current user';
    return `assembled in ${assembledMs} ms, HEALTHCHECK passed ${readyMs} ms after start as ${user}, exit 0 ${stopMs} ms after SIGTERM`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ----------------------------------------------------------------------------------------------------- main

/** PostgreSQL and nats-server as the integration tests start them (libs/testing). */
function loadTestServers() {
  require('ts-node').register({
    transpileOnly: true,
    project: join(WORKSPACE, 'libs/testing/tsconfig.lib.json'),
  });
  // The testing lib imports other libs by their @storebridge/* paths.
  const tsconfigPaths = require('tsconfig-paths');
  const { absoluteBaseUrl, paths } = tsconfigPaths.loadConfig(join(WORKSPACE, 'tsconfig.base.json'));
  tsconfigPaths.register({ baseUrl: absoluteBaseUrl, paths });
  return {
    ...require(join(WORKSPACE, 'libs/testing/src/lib/postgres-server.ts')),
    ...require(join(WORKSPACE, 'libs/testing/src/lib/nats-server.ts')),
    ...require(join(WORKSPACE, 'libs/testing/src/lib/free-port.ts')),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const build = !args.includes('--no-build');
  const dockerfile = args.find((arg) => arg.startsWith('--dockerfile='))?.slice('--dockerfile='.length);
  const stages = parseStages(readFileSync(resolve(WORKSPACE, dockerfile ?? 'Dockerfile'), 'utf8'));
  const wanted = args.filter((arg) => !arg.startsWith('--'));
  const serviceStages = [...stages.values()]
    .filter(
      (stage) => planStage(stages, stage.name).cmd && (wanted.length === 0 || wanted.includes(stage.name)),
    )
    .map((stage) => stage.name);
  if (serviceStages.length === 0) {
    throw new Error(
      `No stage with a CMD${wanted.length ? ` named ${wanted.join(', ')}` : ''} in the Dockerfile`,
    );
  }
  const buildStages = new Set(
    serviceStages.flatMap((name) =>
      planStage(stages, name)
        .steps.filter((s) => s.kind === 'copy')
        .map((s) => s.from),
    ),
  );
  if (build) {
    for (const buildStage of buildStages) {
      await buildOutputs(stages, buildStage);
    }
  }

  if (!IS_ROOT) {
    console.warn('Not root: every step runs as the current user, so permission errors cannot show.');
  }
  const shutdownWaitMs = transportShutdownWaitMs();
  // Placeholders for the secrets compose requires; the check's own database and bus replace the URLs.
  const composeServices = composeServicesByTarget({
    POSTGRES_PASSWORD: 'image-stage-check',
    CREDENTIALS_KEY: randomBytes(32).toString('hex'),
    WEBHOOK_SECRET: randomBytes(24).toString('hex'),
  });
  const { startPostgres, startNatsServer, freePort } = loadTestServers();
  const starting = Date.now();
  const [postgres, nats] = await Promise.all([startPostgres({ database: 'storebridge' }), startNatsServer()]);
  console.warn(`PostgreSQL and nats-server started in ${Date.now() - starting} ms`);
  const services = { databaseUrl: postgres.url, natsUrl: nats.url, freePort };
  let failures = 0;
  try {
    // Together, as compose starts them: they share the database (migrations under a lock) and the bus.
    const results = await Promise.allSettled(
      serviceStages.map(async (name) => {
        const composeService = composeServices.get(name);
        if (composeService && composeService.stopGraceMs <= shutdownWaitMs) {
          throw new Error(
            `stop_grace_period of ${composeService.name} (${composeService.stopGraceMs / 1000} s) must exceed the transport's shutdown wait (${shutdownWaitMs / 1000} s)`,
          );
        }
        return checkStage(stages, name, composeService, services);
      }),
    );
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        console.log(`OK   ${serviceStages[index]}: ${result.value}`);
      } else {
        failures += 1;
        console.log(`FAIL ${serviceStages[index]}: ${result.reason?.message ?? result.reason}`);
      }
    });
  } finally {
    await Promise.all([postgres.stop(), nats.stop()]);
  }
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`FAIL image-stage-check: ${error?.stack ?? error}`);
  process.exitCode = 1;
});
