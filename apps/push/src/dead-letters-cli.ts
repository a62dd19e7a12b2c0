import { parseArgs } from 'node:util';
import { ConsoleLogger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { PushEnv } from '@storebridge/config';
import { DeadLetterService, DeadLettersModule } from '@storebridge/push-feature';
import {
  DatabaseSchemaBehindError,
  RECORD_KINDS,
  type DeadLetterFilter,
  type PushOutcomeEntity,
  type RecordKind,
} from '@storebridge/persistence';
import { ServiceRuntimeModule } from '@storebridge/runtime';

/** Exit codes of the dead-letters command. */
export const DEAD_LETTERS_EXIT = {
  ok: 0,
  /** The database or the bus failed, or the database schema is behind. */
  failed: 1,
  usage: 2,
} as const;

export const DEAD_LETTERS_USAGE = `Usage: dead-letters [--connection=<id>] [--entity=products|orders] [--limit=<n>] [--replay]
  from the workspace:     nx run push:dead-letters -- [options]
  in the push container:  docker compose exec push node dead-letters.js [options]

Lists the records ShopiMind rejected, with its reasons; --replay sends them to push again (after a fix of the
mapping or of the data), which records ShopiMind's new answers. Works on the production services: DATABASE_URL
and NATS_URL. Never migrates the database: if its schema is behind, run the push service once first.

  --connection=<id>          only this store connection
  --entity=products|orders   only this entity
  --limit=<n>                at most n dead letters, n >= 1 (default 1000)
  --replay                   send them to push again instead of listing them
  -h, --help                 this text

Exit code: 0 done; 1 the database or the bus failed, or the schema is behind; 2 bad arguments.
`;

export interface DeadLetterArguments {
  filter: DeadLetterFilter;
  replay: boolean;
}

export class DeadLetterUsageError extends RangeError {}

const OPTIONS = {
  connection: { type: 'string' },
  entity: { type: 'string' },
  limit: { type: 'string' },
  replay: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(OPTIONS, name);
}

/**
 * parseArgs reads the syntax (`--name=value`, `--name value`, `-h`); it runs non-strict so that every refusal
 * here can quote the argument as typed.
 */
function readArguments(argv: readonly string[]): DeadLetterArguments & { help: boolean } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const filter: DeadLetterFilter = {};
  let replay = false;
  let help = false;
  for (const token of tokens) {
    if (token.kind !== 'option') {
      throw new DeadLetterUsageError(`unexpected argument "${argv[token.index]}"`);
    }
    // A value that looks like a flag means the value was forgotten (`--connection --replay`).
    const valueForgotten = token.inlineValue === false && token.value?.startsWith('-') === true;
    const typed =
      token.inlineValue === false && !valueForgotten
        ? `${argv[token.index]} ${token.value}`
        : argv[token.index];
    const refuse = (why: string): never => {
      throw new DeadLetterUsageError(`unexpected argument "${typed}": ${why}`);
    };
    if (!isOptionName(token.name)) {
      return refuse('no such option');
    }
    if (OPTIONS[token.name].type === 'boolean') {
      if (token.value !== undefined) {
        refuse(`${token.rawName} takes no value`);
      }
      if (token.name === 'help') {
        help = true;
      } else {
        replay = true;
      }
      continue;
    }
    const value =
      token.value === undefined || valueForgotten ? refuse(`${token.rawName} needs a value`) : token.value;
    if (token.name === 'connection') {
      filter.connectionId = value || refuse('--connection needs a value');
    } else if (token.name === 'entity') {
      filter.entity = (RECORD_KINDS as readonly string[]).includes(value)
        ? (value as RecordKind)
        : refuse(`--entity is one of ${RECORD_KINDS.join(', ')}`);
    } else {
      filter.limit = /^[1-9]\d*$/.test(value) ? Number(value) : refuse('--limit is a whole number from 1');
    }
  }
  return { filter, replay, help };
}

/** The filter and the replay switch; throws DeadLetterUsageError on any argument it does not know. */
export function parseDeadLetterArgs(argv: readonly string[]): DeadLetterArguments {
  const { filter, replay } = readArguments(argv);
  return { filter, replay };
}

export type DeadLetterCommand =
  | { kind: 'run'; args: DeadLetterArguments }
  | { kind: 'exit'; exitCode: number; stream: 'stdout' | 'stderr'; output: string };

/** What to do for a command line: run, or print the usage (asked, or after bad arguments) and exit. */
export function deadLetterCommand(argv: readonly string[]): DeadLetterCommand {
  try {
    const { help, filter, replay } = readArguments(argv);
    if (help) {
      return { kind: 'exit', exitCode: DEAD_LETTERS_EXIT.ok, stream: 'stdout', output: DEAD_LETTERS_USAGE };
    }
    return { kind: 'run', args: { filter, replay } };
  } catch (error) {
    if (error instanceof DeadLetterUsageError) {
      return {
        kind: 'exit',
        exitCode: DEAD_LETTERS_EXIT.usage,
        stream: 'stderr',
        output: `${error.message}\n\n${DEAD_LETTERS_USAGE}`,
      };
    }
    throw error;
  }
}

export function formatDeadLetters(letters: readonly PushOutcomeEntity[]): string {
  if (letters.length === 0) {
    return 'No dead letters.\n';
  }
  const lines = letters.map(
    (letter) =>
      `${letter.connectionId}  ${letter.entity.padEnd(8)}  ${letter.storeId}  rejected ${letter.attempts}x, last ${letter.updatedAt.toISOString()}\n    ${letter.reasons.join('; ')}`,
  );
  return `${letters.length} dead letter(s):\n${lines.join('\n')}\n`;
}

export interface DeadLettersOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Nest logs a failed boot with its stack; the command prints the schema error once, as a plain line. */
class CommandLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    if (!(message instanceof DatabaseSchemaBehindError)) {
      super.error(message, ...rest);
    }
  }
}

/**
 * Lists or replays the dead letters; returns the exit code. Opens the database without migrating it: an operator
 * reading a production database must not change its schema, so a schema that is behind is reported instead.
 */
export async function runDeadLetters(
  { filter, replay }: DeadLetterArguments,
  env: PushEnv,
  output: DeadLettersOutput,
): Promise<number> {
  if (!env.DATABASE_URL || !env.NATS_URL) {
    output.stderr('dead-letters works on the production services: set DATABASE_URL and NATS_URL\n');
    return DEAD_LETTERS_EXIT.failed;
  }
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(
      {
        module: class DeadLettersCommandModule {},
        imports: [
          ServiceRuntimeModule.forRoot({ serviceName: 'push-dead-letters', env, migrate: false }),
          DeadLettersModule,
        ],
      },
      // Errors reach the caller, which exits, instead of Nest exiting the process itself.
      { logger: new CommandLogger({ logLevels: ['error', 'warn'] }), abortOnError: false },
    );
  } catch (error) {
    if (error instanceof DatabaseSchemaBehindError) {
      output.stderr(`${error.message}\n`);
      return DEAD_LETTERS_EXIT.failed;
    }
    throw error;
  }
  try {
    const deadLetters = app.get(DeadLetterService);
    if (replay) {
      const { replayed, messages } = await deadLetters.replay(filter);
      output.stdout(
        `Replayed ${replayed} record(s) in ${messages} message(s); push records the new answers.\n`,
      );
    } else {
      output.stdout(formatDeadLetters(await deadLetters.list(filter)));
    }
    return DEAD_LETTERS_EXIT.ok;
  } finally {
    await app.close();
  }
}
