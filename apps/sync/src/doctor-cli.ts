import {
  resolveStoreSettings,
  StoreAuth,
  StoreConnectionSettings,
  StoreSettingsError,
} from '@storebridge/store-client';
import { ConformanceReport, ConformanceStatus } from '@storebridge/store-diagnostics';

/** Exit codes of `nx run sync:doctor`. */
export const DOCTOR_EXIT = {
  /** Every check passed, warned or could not be observed. */
  ok: 0,
  /** The store answered and fails at least one check. */
  storeFails: 1,
  /** Bad arguments, or no answer from the store at all (address refused, DNS, connection, TLS). */
  usageOrUnreachable: 2,
} as const;

export const DOCTOR_USAGE = `Usage: nx run sync:doctor --args="--base-url=<url> [options]"
Checks a store against the generic API contract, for products and orders, the way the sync reads it.

  --base-url=<url>             the store's base URL (required)
  --auth=api_key|bearer|basic  default api_key
  --token=<token>              API key or bearer token (or STORE_TOKEN, kept out of shell history)
  --username=<u> --password=<p>  Basic credential (or STORE_PASSWORD)
  --products-path=<path>       default /api/products
  --orders-path=<path>         default /api/orders
  --health-path=<path>         default /health
  --per-page=<n>               the per_page the sync asks, 1-100 (default 50)
  --allow-private              allow loopback and private addresses (local stores only)
  --help                       this text

Each check prints PASS, WARN, FAIL or NOT OBSERVED (the doctor's requests could not settle it either way).
Exit code: 0 no check failed; 1 the store fails a check (or the doctor crashed);
2 bad arguments, or the store could not be reached at all (address refused, DNS, connection, TLS).
`;

/** Flags that take no value. */
const SWITCHES = new Set(['allow-private', 'help']);
const OPTIONS = new Set([
  'base-url',
  'auth',
  'token',
  'username',
  'password',
  'products-path',
  'orders-path',
  'health-path',
  'per-page',
  ...SWITCHES,
]);

export class DoctorUsageError extends Error {}

export type DoctorCommand =
  { help: true } | { help: false; settings: StoreConnectionSettings; allowPrivate: boolean };

/** `--name=value`, `--name value` or a switch; unknown flags are refused so a typo never goes unnoticed. */
export function parseDoctorArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): DoctorCommand {
  const args = new Map<string, string>();
  for (let k = 0; k < argv.length; k += 1) {
    const arg = argv[k];
    if (!arg.startsWith('--')) {
      throw new DoctorUsageError(`unexpected argument "${arg}"`);
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!OPTIONS.has(name)) {
      throw new DoctorUsageError(`unknown option --${name}`);
    }
    if (SWITCHES.has(name)) {
      args.set(name, 'true');
    } else if (eq > 0) {
      args.set(name, arg.slice(eq + 1));
    } else if (k + 1 < argv.length) {
      k += 1;
      args.set(name, argv[k]);
    } else {
      throw new DoctorUsageError(`--${name} needs a value`);
    }
  }
  if (args.has('help')) {
    return { help: true };
  }
  const baseUrl = args.get('base-url');
  if (baseUrl === undefined) {
    throw new DoctorUsageError('--base-url is required');
  }
  const perPage = args.get('per-page');
  if (perPage !== undefined && !/^\d+$/.test(perPage)) {
    throw new DoctorUsageError(`--per-page must be a whole number, got "${perPage}"`);
  }
  const path = (name: string): string | undefined => args.get(`${name}-path`);
  const paths = Object.fromEntries(
    (['products', 'orders', 'health'] as const)
      .map((name) => [name, path(name)] as const)
      .filter(([, value]) => value !== undefined),
  );
  try {
    return {
      help: false,
      allowPrivate: args.get('allow-private') === 'true',
      settings: resolveStoreSettings({
        baseUrl,
        auth: authOf(args, env),
        paths,
        ...(perPage === undefined ? {} : { perPage: Number(perPage) }),
      }),
    };
  } catch (error) {
    // Settings errors name the field, never its value.
    if (error instanceof StoreSettingsError) {
      throw new DoctorUsageError(error.message);
    }
    throw error;
  }
}

function authOf(args: Map<string, string>, env: Readonly<Record<string, string | undefined>>): StoreAuth {
  const method = args.get('auth') ?? 'api_key';
  switch (method) {
    case 'api_key':
    case 'bearer':
      return { method, token: args.get('token') ?? env['STORE_TOKEN'] ?? '' };
    case 'basic':
      return {
        method,
        username: args.get('username') ?? '',
        password: args.get('password') ?? env['STORE_PASSWORD'] ?? '',
      };
    default:
      throw new DoctorUsageError(`--auth must be api_key, bearer or basic, got "${method}"`);
  }
}

const MARKS: Record<ConformanceStatus, string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  not_observed: 'NOT OBSERVED',
};
const MARK_WIDTH = Math.max(...Object.values(MARKS).map((mark) => mark.length)) + 2;

export function renderReport(baseUrl: string, report: ConformanceReport): string {
  const lines = [`Store conformance of ${baseUrl}`];
  let entity: string | undefined;
  for (const check of report.checks) {
    if (check.entity !== entity) {
      entity = check.entity;
      lines.push('');
    }
    const indent = ' '.repeat(MARK_WIDTH + 1);
    lines.push(`${`[${MARKS[check.status]}]`.padEnd(MARK_WIDTH)} ${check.title}`, `${indent}${check.detail}`);
    if (check.fix !== undefined) {
      lines.push(`${indent}fix: ${check.fix}`);
    }
  }
  const count = (status: ConformanceStatus): number =>
    report.checks.filter((check) => check.status === status).length;
  lines.push(
    '',
    `${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed, ${count('not_observed')} not observed (${report.requests} requests).`,
    '',
  );
  return lines.join('\n');
}

export function exitCodeOf(report: ConformanceReport): number {
  if (!report.reached) {
    return DOCTOR_EXIT.usageOrUnreachable;
  }
  return report.ok ? DOCTOR_EXIT.ok : DOCTOR_EXIT.storeFails;
}
