import { LoggerService } from '@nestjs/common';

export type LogLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

/** Captures Nest log lines so tests can assert what was (and was not) logged. */
export class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: LogLevel; message: string }> = [];

  log(message: unknown): void {
    this.record('log', message);
  }
  error(message: unknown): void {
    this.record('error', message);
  }
  warn(message: unknown): void {
    this.record('warn', message);
  }
  debug(message: unknown): void {
    this.record('debug', message);
  }
  verbose(message: unknown): void {
    this.record('verbose', message);
  }
  fatal(message: unknown): void {
    this.record('fatal', message);
  }

  at(level: LogLevel): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }

  private record(level: LogLevel, message: unknown): void {
    this.lines.push({
      level,
      message: message instanceof Error ? (message.stack ?? message.message) : String(message),
    });
  }
}
