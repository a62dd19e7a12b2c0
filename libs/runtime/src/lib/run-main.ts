import { Logger } from '@nestjs/common';
import { InvalidEnvironmentError } from '@storebridge/config';
import { describeDatabaseError } from '@storebridge/security';

/**
 * Entry-point wrapper: an invalid environment prints which variables are wrong (never their values)
 * and exits 1 instead of a stack trace; any other start-up failure is logged the same way, a database error
 * by its safe description (its message and stack may quote the values it refused).
 */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    const message =
      error instanceof InvalidEnvironmentError || !(error instanceof Error)
        ? String(error)
        : (describeDatabaseError(error) ?? error.stack);
    new Logger('Bootstrap').error(
      `Start-up failed: ${error instanceof InvalidEnvironmentError ? error.message : message}`,
    );
    process.exit(1);
  });
}
