import type { NormalizedProduct } from '@storebridge/contracts';
import { hashedIdCandidate, type IdCandidateFunction } from '@storebridge/push-persistence';
import { toVariationMappingKey } from '@storebridge/shopimind-mapping';

/** The entity type a variation's id candidates are drawn under (the one its id mappings were kept under). */
export const PRODUCT_VARIATION_ENTITY = 'product_variation';

/** A product has few variations: a collision within one is already unheard of with the hash, this many is a bug. */
const MAX_ATTEMPTS = 32;

/**
 * The ShopiMind id of each of the product's variations, by the store's variation id. ShopiMind keeps variations
 * under their product (its API nests them), so an id has to be unique within its product only: it is computed,
 * never stored, which spares a mapping row per variation. Each variation takes the first id candidate of its
 * product and own id (the number id mappings gave it, so what ShopiMind holds keeps its ids) that no other
 * variation of the product took, in store id order, so the same variations always get the same ids. A product
 * whose variations changed writes them all and deletes every id it held that is no longer among them, so even
 * a variation that moved to another candidate after a collision ends up held once.
 */
export function variationIdsOf(
  installationId: string,
  product: NormalizedProduct,
  candidateFor: IdCandidateFunction = hashedIdCandidate,
): Map<string, number> {
  const ids = new Map<string, number>();
  const taken = new Set<number>();
  const storeIds = [...new Set((product.variations ?? []).map((variation) => variation.id))].sort();
  for (const storeId of storeIds) {
    const key = toVariationMappingKey(product.id, storeId);
    let attempt = 0;
    let id = candidateFor(installationId, PRODUCT_VARIATION_ENTITY, key, attempt);
    while (taken.has(id)) {
      attempt += 1;
      if (attempt === MAX_ATTEMPTS) {
        throw new Error(
          `No free id for variation ${storeId} of product ${product.id} after ${MAX_ATTEMPTS} candidates`,
        );
      }
      id = candidateFor(installationId, PRODUCT_VARIATION_ENTITY, key, attempt);
    }
    taken.add(id);
    ids.set(storeId, id);
  }
  return ids;
}
