import { parseArgs } from 'node:util';
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
  -h, --help                   this text

Each check prints PASS, WARN, FAIL or NOT OBSERVED (the doctor's requests could not settle it either way).
Exit code: 0 no check failed; 1 the store fails a check (or the doctor crashed);
2 bad arguments, or the store could not be reached at all (address refused, DNS, connection, TLS).
`;

const OPTIONS = {
  'base-url': { type: 'string' },
  auth: { type: 'string' },
  token: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'products-path': { type: 'string' },
  'orders-path': { type: 'string' },
  'health-path': { type: 'string' },
  'per-page': { type: 'string' },
  'allow-private': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export class DoctorUsageError extends Error {}

export type DoctorCommand =
  { help: true } | { help: false; settings: StoreConnectionSettings; allowPrivate: boolean };

/**
 * `--name=value`, `--name value` or a switch; unknown flags are refused so a typo never goes unnoticed. parseArgs
 * reads the syntax, non-strict so that every refusal here says which argument and why.
 */
export function parseDoctorArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): DoctorCommand {
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const args = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== 'option') {
      throw new DoctorUsageError(`unexpected argument "${argv[token.index]}"`);
    }
    if (!Object.hasOwn(OPTIONS, token.name)) {
      throw new DoctorUsageError(`unknown option ${token.rawName}`);
    }
    if (OPTIONS[token.name as keyof typeof OPTIONS].type === 'boolean') {
      if (token.value !== undefined) {
        throw new DoctorUsageError(`${token.rawName} takes no value`);
      }
      args.set(token.name, 'true');
    } else if (token.value === undefined) {
      throw new DoctorUsageError(`${token.rawName} needs a value`);
    } else if (!token.inlineValue && token.value.startsWith('-')) {
      // Most likely a forgotten value (`--auth --token x`); a value that does start with "-" goes after "=".
      throw new DoctorUsageError(
        `${token.rawName} needs a value (write ${token.rawName}=<value> for one that starts with "-")`,
      );
    } else {
      args.set(token.name, token.value);
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
