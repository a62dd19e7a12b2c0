import { Logger } from '@nestjs/common';
import { InvalidEnvironmentError } from '@storebridge/config';

/**
 * Entry-point wrapper: an invalid environment prints which variables are wrong (never their values)
 * and exits 1 instead of a stack trace; any other start-up failure is logged the same way.
 */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    const message =
      error instanceof InvalidEnvironmentError || !(error instanceof Error) ? String(error) : error.stack;
    new Logger('Bootstrap').error(
      `Start-up failed: ${error instanceof InvalidEnvironmentError ? error.message : message}`,
    );
    process.exit(1);
  });
}
