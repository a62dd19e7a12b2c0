import fc from 'fast-check';
import type { NormalizedProduct } from '@storebridge/contracts';
import { recordContentHash } from '@storebridge/persistence';
import {
  EVERY_RECORD,
  mirroredContentHash,
  productSelection,
  selectedNormalizationKey,
  splitBySelection,
} from './record-selection';

function aProduct(id: string, categories: string[]): NormalizedProduct {
  return { id, name: id, categories, tags: [], images: [], url: `https://shop.test/p/${id}` };
}

/** A category name, and how a store or a merchant spells it: as is, or in other case with other spaces. */
const spelt = fc.constantFrom('Shoes', 'Winter sale', 'Gift cards', 'Hats', 'Été').chain((name) =>
  fc
    .record({
      upper: fc.boolean(),
      before: fc.constantFrom('', ' ', '  '),
      inner: fc.constantFrom(' ', '  '),
    })
    .map(({ upper, before, inner }) => ({
      name,
      spelling: `${before}${(upper ? name.toUpperCase() : name).replace(/ /g, inner)} `,
    })),
);

describe('productSelection', () => {
  it('leaves out exactly the products in a category of the list, however either side spells it', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(spelt, { selector: (category) => category.name, maxLength: 3 }),
        fc.array(spelt, { maxLength: 3 }),
        (excluded, categories) => {
          const selection = productSelection({
            excludedCategories: excluded.map((category) => category.spelling),
          });

          const leftOut = selection.leftOut(
            aProduct(
              'p',
              categories.map((category) => category.spelling),
            ),
          );

          const excludedNames = excluded.map((category) => category.name);
          expect(leftOut).toBe(categories.some((category) => excludedNames.includes(category.name)));
        },
      ),
    );
  });

  it('leaves nothing out, under the plain normalization key and content hash, without a list', () => {
    const selection = productSelection({ excludedCategories: [' ', ''] });
    const product = aProduct('p', ['Shoes']);

    expect(selection).toBe(EVERY_RECORD);
    expect(selectedNormalizationKey('key', selection)).toBe('key');
    expect(mirroredContentHash(product, selection)).toBe(recordContentHash(product));
    expect(productSelection({})).toBe(EVERY_RECORD);
  });

  it('gives a left-out product another content hash and a list another normalization key', () => {
    const selection = productSelection({ excludedCategories: ['Shoes'] });
    const shoe = aProduct('boots', ['Shoes']);
    const hat = aProduct('hat', ['Hats']);

    expect(mirroredContentHash(shoe, selection)).not.toBe(recordContentHash(shoe));
    expect(mirroredContentHash(hat, selection)).toBe(recordContentHash(hat));
    expect(selectedNormalizationKey('key', selection)).not.toBe('key');
    expect(selectedNormalizationKey('key', productSelection({ excludedCategories: [' shoes'] }))).toBe(
      selectedNormalizationKey('key', selection),
    );
    expect(splitBySelection([shoe, hat], selection)).toEqual({ kept: [hat], leftOutIds: ['boots'] });
  });
});
