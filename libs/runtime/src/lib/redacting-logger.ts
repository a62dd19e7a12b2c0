import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { describeDatabaseError } from '@storebridge/security';

const LEVELS_FROM: Record<string, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * Values that look like credentials are masked in every log line, as a last line of defence:
 * code should never log a secret in the first place.
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  [
    /((?:authorization|x-api-key|spm-api-key|access_token|password|secret|token)["']?\s*[:=]\s*["']?)(?:Bearer\s+|Basic\s+)?[^\s"',}]+/gi,
    '$1[redacted]',
  ],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1[redacted]@'],
];

export function redactSecrets(message: string): string {
  return SECRET_PATTERNS.reduce(
    (text, [pattern, replacement]) => text.replace(pattern, replacement),
    message,
  );
}

export class RedactingLogger extends ConsoleLogger {
  constructor(context: string, level: string) {
    super(context, { logLevels: LEVELS_FROM[level] ?? LEVELS_FROM['log'] });
  }

  /**
   * A database error logged as an object (Nest's ExceptionsHandler logs unhandled errors so) would be printed
   * with its statement, parameters and the server's detail: it is printed as its safe description instead.
   */
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    const safe = messages.map((message) => describeDatabaseError(message) ?? message);
    super.printMessages(safe, context, logLevel, writeStreamType, errorStack);
  }

  protected override formatMessage(...args: Parameters<ConsoleLogger['formatMessage']>): string {
    return redactSecrets(super.formatMessage(...args));
  }
}
