import { hash } from 'node:crypto';

/** sha256 of a normalized record as synced: equal hashes mean nothing changed for ShopiMind. */
export function recordContentHash(record: object): string {
  // The one-shot form: cheaper than a Hash object for records this small (Node >= 20.12).
  return hash('sha256', JSON.stringify(record), 'hex');
}
