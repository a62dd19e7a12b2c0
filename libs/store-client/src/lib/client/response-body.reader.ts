import { hash } from 'node:crypto';

export type BoundedBody = { text: string; bodyHash: string } | { tooLarge: true };

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Reads a response body as text, cancelling the download once it passes `maxBytes`: memory is bounded by
 * what we accept, not by what the store sends. Rejects with the signal's reason when it aborts mid-body,
 * whatever the fetch implementation does with it.
 */
export async function readBoundedBody(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<BoundedBody> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes || !response.body) {
    await cancelQuietly(response.body?.cancel());
    return declared > maxBytes ? { tooLarge: true } : finish('');
  }
  signal.throwIfAborted();
  const reader = response.body.getReader();
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // Only ever observed through the race below.
  aborted.catch(() => undefined);
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  let complete = false;
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), aborted]);
      if (chunk.done) {
        complete = true;
        break;
      }
      bytes += chunk.value.byteLength;
      if (bytes > maxBytes) {
        return { tooLarge: true };
      }
      parts.push(decoder.decode(chunk.value, { stream: true }));
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!complete) {
      await cancelQuietly(reader.cancel());
    }
  }
  parts.push(decoder.decode());
  return finish(parts.join(''));
}

/** "16 MiB", "1 KiB" or "100 bytes", for messages about `maxBytes`. */
export function describeBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) {
    return `${bytes / MIB} MiB`;
  }
  if (bytes >= KIB && bytes % KIB === 0) {
    return `${bytes / KIB} KiB`;
  }
  return `${bytes} bytes`;
}

function finish(text: string): { text: string; bodyHash: string } {
  // Of the decoded text, as `response.text()` gave before: the same bodies keep the same fingerprints.
  return { text, bodyHash: hash('sha256', text, 'hex') };
}

/** Frees the connection; a body we will not read is not worth failing over. */
async function cancelQuietly(cancelling: Promise<void> | undefined): Promise<void> {
  try {
    await cancelling;
  } catch {
    // Nothing to free.
  }
}
