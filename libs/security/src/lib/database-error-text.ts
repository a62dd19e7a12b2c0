import { isRecord } from '@storebridge/untrusted-input';
/** What a database error says about itself without the values of the statement that failed. */
export interface DatabaseErrorSummary {
  /** The error's class name, e.g. `QueryFailedError`. */
  name: string;
  /** The SQLSTATE, e.g. `23505`. */
  code?: string;
  /** The statement's kind and table, the server's message with quoted values masked, the schema names involved. */
  message: string;
}

/** How deep `cause` and `driverError` chains are followed. */
const MAX_CHAIN_DEPTH = 5;
const MAX_MESSAGE_LENGTH = 500;
const SQLSTATE = /^[0-9A-Z]{5}$/;
// The server's fields that name the schema, never a value. `detail` (`Key (id)=(…) already exists`), `where`,
// `hint` and `internalQuery` can quote values: they are never read.
const NAME_FIELDS = ['table', 'column', 'constraint'] as const;
const IDENTIFIER = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const TARGET = new RegExp(String.raw`\b(INTO|UPDATE|FROM|TABLE)\s+(${IDENTIFIER}(?:\.${IDENTIFIER})?)`, 'i');
const STRING_LITERAL = /'(?:[^']|'')*'/g;
// PostgreSQL quotes the offending value in double quotes (`invalid input syntax for type uuid: "…"`) and prints
// bytes of it in hex (`invalid byte sequence for encoding "UTF8": 0x00`).
const QUOTED = /"(?:[^"]|"")*"|'(?:[^']|'')*'/g;
const HEX_BYTES = /0x[0-9a-f]{2}(?:\s+0x[0-9a-f]{2})*/gi;

function text(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** TypeORM's QueryFailedError, or the error of the pg or PGlite driver as the server sent it. */
function isDatabaseError(error: Record<string, unknown>): boolean {
  if (error['name'] === 'QueryFailedError') {
    return true;
  }
  if (typeof error['query'] === 'string' && ('parameters' in error || 'params' in error)) {
    return true;
  }
  const code = error['code'];
  return typeof error['severity'] === 'string' && typeof code === 'string' && SQLSTATE.test(code);
}

/** The error itself, then what it wraps (`cause`, TypeORM's `driverError`). */
function* chainOf(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (!isRecord(error) || depth > MAX_CHAIN_DEPTH) {
    return;
  }
  yield error;
  yield* chainOf(error['cause'], depth + 1);
  yield* chainOf(error['driverError'], depth + 1);
}

/** `INSERT INTO "store_products"`, `SELECT … FROM "sync_runs"`: what the statement does to which table. */
function statementOf(query: string | undefined): string | undefined {
  const sql = query?.replace(STRING_LITERAL, "''");
  const verb = sql && /^\s*([A-Za-z]+)/.exec(sql);
  if (!sql || !verb) {
    return undefined;
  }
  const kind = verb[1].toUpperCase();
  const target = TARGET.exec(sql);
  if (!target) {
    return kind;
  }
  const keyword = target[1].toUpperCase();
  if (keyword === kind) {
    return `${kind} ${target[2]}`;
  }
  const adjacent = sql.slice(verb[0].length, target.index).trim() === '';
  return `${kind}${adjacent ? '' : ' …'} ${keyword} ${target[2]}`;
}

function masked(message: string, names: readonly string[]): string {
  return message
    .replace(QUOTED, (quoted) => (names.includes(quoted.slice(1, -1)) ? quoted : '"…"'))
    .replace(HEX_BYTES, '…');
}

/**
 * Name, SQLSTATE and safe text of a database error (found on the error or along its `cause`/`driverError`
 * chain), or undefined for any other error. The statement is reduced to its kind and table, the message keeps
 * schema names only; the parameters, the statement's values and the server's `detail` never appear.
 */
export function summarizeDatabaseError(error: unknown): DatabaseErrorSummary | undefined {
  let found: Record<string, unknown> | undefined;
  for (const link of chainOf(error)) {
    if (isDatabaseError(link)) {
      found = link;
      break;
    }
  }
  if (!found) {
    return undefined;
  }
  // QueryFailedError copies the driver's fields onto itself, but not from every driver: both are read.
  const driver = isRecord(found['driverError']) ? found['driverError'] : found;
  const field = (name: string) => text(found, name) ?? text(driver, name);
  const names = NAME_FIELDS.flatMap((name) => {
    const value = field(name);
    return value === undefined ? [] : [{ name, value }];
  });
  const statement = statementOf(field('query'));
  const serverMessage = text(driver, 'message') ?? text(found, 'message');
  const knownNames = [
    ...names.map(({ value }) => value),
    ...(statement ? [statement.replace(/^.* /, '').replace(/^"|"$/g, '')] : []),
  ];
  const said = [statement, serverMessage && masked(serverMessage, knownNames)]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join(': ');
  const named = names.map(({ name, value }) => `${name} ${value}`).join(', ');
  const full = `${said || 'statement failed'}${named ? ` (${named})` : ''}`;
  const rawName = text(found, 'name');
  const name = rawName === undefined || rawName === 'error' ? 'DatabaseError' : rawName;
  const code = field('code');
  const message = full.slice(0, MAX_MESSAGE_LENGTH);
  return code === undefined ? { name, message } : { name, code, message };
}

/** `QueryFailedError 23505: INSERT INTO "store_products": …`, see summarizeDatabaseError; undefined otherwise. */
export function describeDatabaseError(error: unknown): string | undefined {
  const summary = summarizeDatabaseError(error);
  return (
    summary && `${summary.name}${summary.code === undefined ? '' : ` ${summary.code}`}: ${summary.message}`
  );
}

/**
 * A caught error as one line fit for a log or a stored reason: a database error without its values (see
 * describeDatabaseError), any other error by its message.
 */
export function loggableErrorText(error: unknown): string {
  return describeDatabaseError(error) ?? (error instanceof Error ? error.message : String(error));
}
