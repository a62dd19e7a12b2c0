export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown in the timeout error so a failing test says what it was waiting for. */
  description?: string;
}

/** Re-evaluates `probe` until it returns a truthy value (returned), or fails after the timeout. */
export async function pollUntil<T>(
  probe: () => T | Promise<T>,
  options: PollOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 25, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) {
        return value as NonNullable<T>;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Retries an assertion block until it stops throwing (for `expect` inside), or rethrows its last failure. */
export async function expectEventually(
  assertion: () => void | Promise<void>,
  options: PollOptions = {},
): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
