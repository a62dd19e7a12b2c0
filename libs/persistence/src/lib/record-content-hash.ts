import { hash } from 'node:crypto';

/** sha256 of a normalized record as synced: equal hashes mean nothing changed for ShopiMind. */
export function recordContentHash(record: object): string {
  // The one-shot form: cheaper than a Hash object for records this small (Node >= 20.12).
  return hash('sha256', JSON.stringify(record), 'hex');
}

/**
 * Appended by sync to the mirrored hash of a record the merchant's settings leave out of ShopiMind (an excluded
 * category): such a record is mirrored but owed nothing.
 */
export const LEFT_OUT_HASH_SUFFIX = ':left-out';
