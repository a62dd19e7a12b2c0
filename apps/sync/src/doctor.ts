import 'reflect-metadata';
import {
  checkStoreConformance,
  ConformanceReport,
  ConformanceStatus,
  resolveStoreSettings,
  StoreAuth,
  StoreConnectionSettings,
  StoreSettingsError,
} from '@storebridge/generic-api';

/**
 * `nx run sync:doctor --args="--base-url=https://shop.example --auth=api_key --token=…"`: checks a store
 * against the generic API contract and prints what to fix. Exit code 1 when a check fails, 2 on bad arguments.
 * The credential may also come from STORE_TOKEN / STORE_PASSWORD, to keep it out of shell history.
 */
const USAGE =
  'Usage: doctor --base-url=<url> [--auth=api_key|bearer|basic] [--token=<token>] [--username=<u> --password=<p>]\n' +
  '              [--products-path=/api/products] [--health-path=/health] [--allow-private]\n';

function parseArgs(argv: readonly string[]): Map<string, string> {
  const parsed = new Map<string, string>();
  for (let k = 0; k < argv.length; k += 1) {
    const arg = argv[k];
    if (!arg.startsWith('--')) {
      throw new Error(`unexpected argument "${arg}"`);
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      parsed.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (arg === '--allow-private' || arg === '--help') {
      parsed.set(arg.slice(2), 'true');
    } else if (k + 1 < argv.length) {
      parsed.set(arg.slice(2), argv[(k += 1)]);
    } else {
      throw new Error(`${arg} needs a value`);
    }
  }
  return parsed;
}

function buildAuth(args: Map<string, string>): StoreAuth {
  const method = args.get('auth') ?? 'api_key';
  const token = args.get('token') ?? process.env['STORE_TOKEN'] ?? '';
  switch (method) {
    case 'api_key':
    case 'bearer':
      return { method, token };
    case 'basic':
      return {
        method,
        username: args.get('username') ?? '',
        password: args.get('password') ?? process.env['STORE_PASSWORD'] ?? '',
      };
    default:
      throw new RangeError(`--auth must be api_key, bearer or basic, got "${method}"`);
  }
}

const MARKS: Record<ConformanceStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };

function render(baseUrl: string, report: ConformanceReport): string {
  const lines = [`Store conformance of ${baseUrl}`, ''];
  for (const check of report.checks) {
    lines.push(`[${MARKS[check.status]}] ${check.title}`, `       ${check.detail}`);
    if (check.fix !== undefined) {
      lines.push(`       fix: ${check.fix}`);
    }
  }
  const count = (status: ConformanceStatus): number =>
    report.checks.filter((c) => c.status === status).length;
  lines.push('', `${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed.`, '');
  return lines.join('\n');
}

async function main(): Promise<number> {
  let args: Map<string, string>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const baseUrl = args.get('base-url');
  if (args.has('help') || baseUrl === undefined) {
    process.stderr.write(USAGE);
    return args.has('help') ? 0 : 2;
  }
  let settings: StoreConnectionSettings;
  try {
    const productsPath = args.get('products-path');
    const healthPath = args.get('health-path');
    settings = resolveStoreSettings({
      baseUrl,
      auth: buildAuth(args),
      paths: {
        ...(productsPath === undefined ? {} : { products: productsPath }),
        ...(healthPath === undefined ? {} : { health: healthPath }),
      },
    });
  } catch (error) {
    // Settings errors name the field, never its value.
    if (error instanceof StoreSettingsError || error instanceof RangeError) {
      process.stderr.write(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const report = await checkStoreConformance(settings, {
    allowPrivate: args.get('allow-private') === 'true',
  });
  process.stdout.write(render(settings.baseUrl, report));
  return report.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`doctor crashed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
