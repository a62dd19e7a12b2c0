/** The fields of a JSON log record that a text line shows in its own place rather than as `key=value`. */
const PLACED = new Set([
  'levelValue',
  'time',
  'level',
  'msg',
  'context',
  'correlationId',
  'err',
  'service',
  'pid',
  'hostname',
]);

export interface LogRecord {
  /** pino's number of the level, read from its label (30 when unknown). */
  levelValue: number;
  time?: string;
  level?: string;
  msg?: string;
  context?: string;
  correlationId?: string;
  err?: { stack?: string; message?: string };
  [field: string]: unknown;
}

function fieldText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[\s"=]/.test(text) ? JSON.stringify(text) : text;
}

const LEVEL_VALUES: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** One line pino wrote (JSON), read back. */
export function parseRecord(json: string): LogRecord {
  try {
    const record = JSON.parse(json) as Partial<LogRecord>;
    return { ...record, levelValue: LEVEL_VALUES[String(record.level)] ?? 30 };
  } catch {
    return { msg: json.trimEnd(), levelValue: 30 };
  }
}

/**
 * One log record as one readable line for a terminal: time, level, context, message, the other fields as
 * `key=value`, and the correlation id as a `[cid …]` tag; an error's stack follows on its own lines.
 */
export function textLine(record: LogRecord): string {
  const fields = Object.entries(record)
    .filter(([key]) => !PLACED.has(key))
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  const parts = [
    record.time ?? '',
    (record.level ?? '').toUpperCase().padEnd(5),
    record.context ? `[${record.context}]` : '',
    record.msg ?? '',
    ...fields,
    record.correlationId ? `[cid ${record.correlationId}]` : '',
  ];
  const line = parts.filter((part) => part !== '').join(' ');
  const stack = record.err?.stack;
  return `${stack ? `${line}\n${stack}` : line}\n`;
}
