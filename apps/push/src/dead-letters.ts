import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadEnv, PushEnv } from '@storebridge/config';
import { DeadLetterService, DeadLettersModule } from '@storebridge/push-feature';
import {
  SYNC_ENTITIES,
  type DeadLetterFilter,
  type PushOutcomeEntity,
  type SyncEntity,
} from '@storebridge/persistence';
import { runMain, ServiceRuntimeModule } from '@storebridge/runtime';

/**
 * `nx run push:dead-letters -- [--connection=<id>] [--entity=products|orders] [--limit=100] [--replay]`: lists the
 * records ShopiMind rejected, with its reasons; `--replay` sends them to push again (after a fix of the mapping or
 * the data), which records the new answers. Runs against the production services: DATABASE_URL and NATS_URL.
 */
const USAGE =
  'Usage: dead-letters [--connection=<store connection id>] [--entity=products|orders] [--limit=<n>] [--replay]\n';

interface Arguments {
  filter: DeadLetterFilter;
  replay: boolean;
}

export function parseDeadLetterArgs(argv: readonly string[]): Arguments {
  const filter: DeadLetterFilter = {};
  let replay = false;
  for (const arg of argv) {
    const [flag, value] = arg.split(/=(.*)/s, 2);
    if (flag === '--replay' && value === undefined) {
      replay = true;
    } else if (flag === '--connection' && value) {
      filter.connectionId = value;
    } else if (flag === '--entity' && (SYNC_ENTITIES as readonly string[]).includes(value ?? '')) {
      filter.entity = value as SyncEntity;
    } else if (flag === '--limit' && /^[1-9]\d*$/.test(value ?? '')) {
      filter.limit = Number(value);
    } else {
      throw new RangeError(`unexpected argument "${arg}"`);
    }
  }
  return { filter, replay };
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

if (require.main === module) {
  runMain(async () => {
    let args: Arguments;
    try {
      args = parseDeadLetterArgs(process.argv.slice(2));
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
      process.exit(2);
    }
    const env = loadEnv(PushEnv);
    if (!env.DATABASE_URL || !env.NATS_URL) {
      throw new Error('dead-letters works on the production services: set DATABASE_URL and NATS_URL');
    }
    const app = await NestFactory.createApplicationContext(
      {
        module: class DeadLettersCommandModule {},
        imports: [ServiceRuntimeModule.forRoot({ serviceName: 'push-dead-letters', env }), DeadLettersModule],
      },
      { logger: ['error', 'warn'] },
    );
    try {
      const deadLetters = app.get(DeadLetterService);
      if (args.replay) {
        const { replayed, messages } = await deadLetters.replay(args.filter);
        process.stdout.write(
          `Replayed ${replayed} record(s) in ${messages} message(s); push records the new answers.\n`,
        );
      } else {
        process.stdout.write(formatDeadLetters(await deadLetters.list(args.filter)));
      }
    } finally {
      await app.close();
    }
  });
}
