import { hash } from 'node:crypto';
import type { NormalizedProduct } from '@storebridge/contracts';
import {
  LEFT_OUT_HASH_SUFFIX,
  recordContentHash,
  type StoreConnectionEntity,
} from '@storebridge/persistence';
import { toShopimindCategoryKey } from '@storebridge/shopimind-mapping';

/**
 * Which of a connection's records ShopiMind must not hold, whatever the store says of them: the products of a
 * category the merchant leaves out. Sync decides it, since it decides what ShopiMind holds (it already announces
 * deletions); push writes what it is given.
 */
export interface RecordSelection<T> {
  /** What the selection depends on, '' when it leaves nothing out: part of a crawl's normalization key. */
  key: string;
  leftOut(record: T): boolean;
}

export const EVERY_RECORD: RecordSelection<never> = { key: '', leftOut: () => false };

/** Compared like category ids are keyed (toShopimindCategoryKey): "Shoes", " shoes" and "SHOES" are one category. */
export function productSelection(
  connection: Pick<StoreConnectionEntity, 'excludedCategories'>,
): RecordSelection<NormalizedProduct> {
  const excluded = new Set(
    (connection.excludedCategories ?? []).map(toShopimindCategoryKey).filter((key) => key !== ''),
  );
  if (excluded.size === 0) {
    return EVERY_RECORD;
  }
  return {
    key: JSON.stringify(['excluded_categories', [...excluded].sort()]),
    leftOut: (product) => product.categories.some((name) => excluded.has(toShopimindCategoryKey(name))),
  };
}

/**
 * The content hash the mirror keeps of a record: a left-out one's differs from the same record kept in, so a crawl
 * after the merchant changed the list finds the records it moved in or out changed, even if the store did not,
 * and announces them (deleted, or written again).
 */
export function mirroredContentHash<T extends object>(record: T, selection: RecordSelection<T>): string {
  const contentHash = recordContentHash(record);
  return selection.leftOut(record) ? `${contentHash}${LEFT_OUT_HASH_SUFFIX}` : contentHash;
}

/** A crawl's normalization key under a selection: page fingerprints taken under another list are not trusted. */
export function selectedNormalizationKey(
  normalizationKey: string,
  selection: RecordSelection<unknown>,
): string {
  return selection.key === ''
    ? normalizationKey
    : hash('sha256', `${normalizationKey}\n${selection.key}`, 'hex');
}

/** A change's records split into those ShopiMind must hold and the ids of those it must not. */
export function splitBySelection<T extends { id: string }>(
  records: readonly T[],
  selection: RecordSelection<T>,
): { kept: T[]; leftOutIds: string[] } {
  const kept: T[] = [];
  const leftOutIds: string[] = [];
  for (const record of records) {
    if (selection.leftOut(record)) {
      leftOutIds.push(record.id);
    } else {
      kept.push(record);
    }
  }
  return { kept, leftOutIds };
}
