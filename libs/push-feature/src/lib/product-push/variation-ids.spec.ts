import fc from 'fast-check';
import type { NormalizedProduct } from '@storebridge/contracts';
import { hashedIdCandidate, type IdCandidateFunction } from '@storebridge/push-persistence';
import { toVariationMappingKey } from '@storebridge/shopimind-mapping';
import { PRODUCT_VARIATION_ENTITY, variationIdsOf } from './variation-ids';

const INSTALLATION = '7a3f9c2e-1b4d-4e8a-9c6f-2d5e8b1a4c7f';

function aProduct(variationIds: string[], id = 'prod_1'): NormalizedProduct {
  return {
    id,
    name: 'Tee',
    categories: [],
    tags: [],
    images: [],
    url: 'https://shop.example.com/product/tee',
    variations: variationIds.map((variationId) => ({ id: variationId })),
  };
}

describe('variationIdsOf', () => {
  it('gives each variation the first candidate of its id mapping, the number it was pushed under before', () => {
    const ids = variationIdsOf(INSTALLATION, aProduct(['v1', 'v2']));

    expect([...ids]).toEqual([
      [
        'v1',
        hashedIdCandidate(INSTALLATION, PRODUCT_VARIATION_ENTITY, toVariationMappingKey('prod_1', 'v1'), 0),
      ],
      [
        'v2',
        hashedIdCandidate(INSTALLATION, PRODUCT_VARIATION_ENTITY, toVariationMappingKey('prod_1', 'v2'), 0),
      ],
    ]);
  });

  it('tells apart the same variation id under two products and two installations', () => {
    const [first] = variationIdsOf(INSTALLATION, aProduct(['v1'], 'prod_1')).values();
    const [otherProduct] = variationIdsOf(INSTALLATION, aProduct(['v1'], 'prod_2')).values();
    const [otherInstallation] = variationIdsOf(
      '0b8e6d4c-2a1f-4c3e-8d7b-6a5f4e3d2c1b',
      aProduct(['v1']),
    ).values();

    expect(new Set([first, otherProduct, otherInstallation]).size).toBe(3);
  });

  it('moves the later of two colliding variations, in store id order, to its next candidate', () => {
    // Every variation's first candidate is 7: the second one in store id order takes its next, and so on.
    const colliding: IdCandidateFunction = (_installation, _entity, storeId, attempt) =>
      attempt === 0 ? 7 : 100 * attempt + storeId.length;

    const ids = variationIdsOf(INSTALLATION, aProduct(['v10', 'v2', 'v1']), colliding);

    expect([...ids]).toEqual([
      ['v1', 7],
      ['v10', 100 + toVariationMappingKey('prod_1', 'v10').length],
      ['v2', 100 + toVariationMappingKey('prod_1', 'v2').length],
    ]);
  });

  it('fails rather than loop when the candidates never leave a free id', () => {
    expect(() => variationIdsOf(INSTALLATION, aProduct(['v1', 'v2']), () => 7)).toThrow(
      /No free id for variation v2 of product prod_1 after 32 candidates/,
    );
  });

  it('gives distinct ids within a product, the same whatever order the store lists them in', () => {
    // A narrow candidate range makes collisions common, so the rule that resolves them is what runs.
    const narrow: IdCandidateFunction = (installation, entity, storeId, attempt) =>
      hashedIdCandidate(installation, entity, storeId, attempt) % 16;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 12 }),
        (storeIds) => {
          const ids = variationIdsOf(INSTALLATION, aProduct(storeIds), narrow);
          const reversed = variationIdsOf(INSTALLATION, aProduct([...storeIds].reverse()), narrow);

          expect([...ids.keys()].sort()).toEqual([...storeIds].sort());
          expect(new Set(ids.values()).size).toBe(storeIds.length);
          expect(new Map([...reversed].sort())).toEqual(new Map([...ids].sort()));
        },
      ),
    );
  });
});
