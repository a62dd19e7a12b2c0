import 'reflect-metadata';
import { loadEnv, PushEnv } from '@storebridge/config';
import { runMain } from '@storebridge/runtime';
import { deadLetterCommand, runDeadLetters } from './dead-letters-cli';

/**
 * The push ledger's dead letters, for an operator: `nx run push:dead-letters -- --help`, or in the push container
 * `node dead-letters.js --help` (see DEAD_LETTERS_USAGE).
 */
runMain(async () => {
  const command = deadLetterCommand(process.argv.slice(2));
  if (command.kind === 'exit') {
    process[command.stream].write(command.output);
    process.exitCode = command.exitCode;
    return;
  }
  process.exitCode = await runDeadLetters(command.args, loadEnv(PushEnv), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
});
