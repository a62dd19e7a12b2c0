import 'reflect-metadata';
import { checkStoreConformance } from '@storebridge/store-diagnostics';
import {
  DOCTOR_EXIT,
  DOCTOR_USAGE,
  DoctorCommand,
  DoctorUsageError,
  exitCodeOf,
  parseDoctorArgs,
  renderReport,
} from './doctor-cli';
import { loggableErrorText } from '@storebridge/security';

/**
 * `nx run sync:doctor --args="--base-url=https://shop.example --auth=api_key --token=… --orders-path=/api/orders"`:
 * checks a store against the generic API contract and prints what to fix (see DOCTOR_USAGE for the exit codes).
 */
async function main(): Promise<number> {
  let command: DoctorCommand;
  try {
    command = parseDoctorArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof DoctorUsageError) {
      process.stderr.write(`${error.message}\n\n${DOCTOR_USAGE}`);
      return DOCTOR_EXIT.usageOrUnreachable;
    }
    throw error;
  }
  if (command.help) {
    process.stdout.write(DOCTOR_USAGE);
    return DOCTOR_EXIT.ok;
  }
  const report = await checkStoreConformance(command.settings, { allowPrivate: command.allowPrivate });
  process.stdout.write(renderReport(command.settings.baseUrl, report));
  return exitCodeOf(report);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`doctor crashed: ${loggableErrorText(error)}\n`);
    process.exitCode = DOCTOR_EXIT.storeFails;
  },
);
