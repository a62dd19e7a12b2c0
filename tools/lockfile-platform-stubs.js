#!/usr/bin/env node
// The registry mirror on our build machines lacks some other-platform binaries (darwin, win32, musl…) of
// optional dependencies, so `npm install` leaves them out of package-lock.json and `npm ci` then refuses the
// lock ("Missing: … from lock file"). This adds lock entries for them, with the os/cpu/libc they are built
// for: npm never fetches an optional package whose platform does not match. Run after changing dependencies
// if `npm ci` reports missing packages: `node tools/lockfile-platform-stubs.js && npm install --package-lock-only`.
const { execSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');

function missingPackages() {
  try {
    execSync('npm ci --dry-run --ignore-scripts', { stdio: 'pipe' });
    return [];
  } catch (error) {
    const output = String(error.stderr);
    return [...output.matchAll(/Missing: (\S+?)@ from lock file/g)].map((match) => match[1]);
  }
}

function platformOf(name) {
  const [, os, cpu] =
    name.match(/-(darwin|linux|win32|android|freebsd|openharmony|unknown|all)-?([a-z0-9]+)?/) ?? [];
  const entry = {};
  if (os === 'unknown' || os === 'all') {
    entry.os = ['!linux'];
  } else if (os) {
    entry.os = [os];
  }
  const cpus = ['arm64', 'x64', 'ia32', 'arm', 'riscv64', 'ppc64', 's390x', 'loong64'];
  const muslCpu = name.match(/linux-musl-([a-z0-9]+)/)?.[1];
  if (muslCpu || cpus.includes(cpu)) {
    entry.cpu = [muslCpu ?? cpu];
  }
  if (/musl/.test(name)) {
    entry.libc = ['musl'];
  }
  return entry;
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
for (const name of missingPackages()) {
  const parent = Object.values(lock.packages).find((pkg) => pkg.optionalDependencies?.[name]);
  const version = parent?.optionalDependencies[name].replace(/^[\^~=]/, '');
  lock.packages[`node_modules/${name}`] = { version, optional: true, ...platformOf(name) };
  console.log(`stubbed ${name}@${version}`);
}
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
