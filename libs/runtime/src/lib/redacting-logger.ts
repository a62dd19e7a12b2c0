import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogFormat } from '@storebridge/config';
import { currentCorrelation } from '@storebridge/messaging';
import { describeDatabaseError, loggableErrorText } from '@storebridge/security';
import pino, { type Level, type Logger as Pino } from 'pino';
import { maskStrings, REDACTED, REDACTED_PATHS, redactSecrets } from './logging/secret-masking';
import { parseRecord, textLine } from './logging/text-line';

export { redactSecrets } from './logging/secret-masking';

/** LOG_LEVEL (Nest's names) → the least severe pino level written. */
const THRESHOLD_OF: Record<string, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

const PINO_ERROR = 50;

/** A stack trace as Nest passes one to `error()` (its own heuristic). */
const STACK = /^(.)+\n\s+at .+:\d+:\d+/;

/** What ends up in a log record besides the message. */
type Fields = Record<string, unknown>;

/** The tags of the request or message being handled, on every line written meanwhile. */
function correlationFields(): Fields {
  const scope = currentCorrelation();
  if (!scope) {
    return {};
  }
  const { correlationId, connectionId, runId } = scope;
  return {
    correlationId,
    ...(connectionId === undefined ? {} : { connectionId }),
    ...(runId === undefined ? {} : { runId }),
  };
}

/** An error as a record field: type, message and stack masked, its cause described safely, nothing else it holds. */
function errorField(error: Error): Fields {
  return {
    type: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(error.cause === undefined ? {} : { cause: loggableErrorText(error.cause) }),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The message text and the fields of one thing handed to the logger. */
function recordOf(message: unknown): { msg: string; fields: Fields } {
  // A database error logged as an object (Nest's ExceptionsHandler logs unhandled errors so) would show its
  // statement, parameters and the server's detail: it is logged as its safe description instead.
  const safe = describeDatabaseError(message) ?? message;
  if (safe instanceof Error) {
    return { msg: safe.message, fields: { err: errorField(safe) } };
  }
  if (isPlainObject(safe)) {
    const { msg, message: text, ...fields } = safe;
    const described = typeof msg === 'string' ? msg : typeof text === 'string' ? text : '';
    return { msg: described, fields };
  }
  return { msg: typeof safe === 'string' ? safe : String(safe), fields: {} };
}

/**
 * The logger of every service, built on pino: one JSON object a line (`json`, for a log collector) or one readable
 * line (`text`, for a terminal). Every line names the correlation id, connection and sync run of the request or
 * message being handled (see correlation.ts in messaging). Secrets never show: fields that hold one are redacted
 * by path, and values that look like one are masked in every string, as a last line of defence.
 */
export class RedactingLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(
    private readonly context: string,
    level: string,
    format: LogFormat = 'text',
  ) {
    this.pino = pino(
      {
        level: THRESHOLD_OF[level] ?? 'info',
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        redact: { paths: REDACTED_PATHS, censor: REDACTED },
        mixin: correlationFields,
        formatters: {
          level: (label) => ({ level: label }),
          log: (fields) => maskStrings(fields) as Fields,
        },
      },
      // Resolved on every line, so what replaces process.stdout (a test) receives it.
      format === 'json'
        ? { write: (line: string) => process.stdout.write(line) }
        : {
            write: (line: string) => {
              const record = parseRecord(line);
              const stream = record.levelValue >= PINO_ERROR ? process.stderr : process.stdout;
              stream.write(textLine(record));
            },
          },
    );
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', [message, ...optionalParams]);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', [message, ...optionalParams]);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', [message, ...optionalParams]);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', [message, ...optionalParams]);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', [message, ...optionalParams]);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', [message, ...optionalParams]);
  }

  /** Nest's way to change the levels: the least severe one listed becomes the threshold. */
  setLogLevels(levels: NestLogLevel[]): void {
    const thresholds = levels.map((level) => THRESHOLD_OF[level]).filter((level) => level !== undefined);
    const least = thresholds.sort((a, b) => this.pino.levels.values[a] - this.pino.levels.values[b])[0];
    this.pino.level = least ?? 'silent';
  }

  private write(level: Level, args: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) {
      return;
    }
    const { messages, context, stack } = this.split(args, level === 'error');
    for (const message of messages) {
      const { msg, fields } = recordOf(message);
      const withStack = stack === undefined || fields['err'] ? fields : { ...fields, err: { stack } };
      this.pino[level]({ context, ...withStack }, redactSecrets(msg));
    }
  }

  /** Nest's calling convention: the context last, and for `error` a stack trace before it (as ConsoleLogger reads). */
  private split(
    args: unknown[],
    mayHaveStack: boolean,
  ): { messages: unknown[]; context: string; stack?: string } {
    if (mayHaveStack && args.length === 2 && typeof args[1] === 'string' && STACK.test(args[1])) {
      return { messages: [args[0]], context: this.context, stack: args[1] };
    }
    if (args.length <= 1 || typeof args[args.length - 1] !== 'string') {
      return { messages: args, context: this.context };
    }
    const context = args[args.length - 1] as string;
    const messages = args.slice(0, -1);
    if (mayHaveStack && messages.length > 1) {
      const last = messages[messages.length - 1];
      if (last === undefined || typeof last === 'string') {
        return { messages: messages.slice(0, -1), context, stack: last };
      }
    }
    return { messages, context };
  }
}
