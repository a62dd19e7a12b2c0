import {
  toShopimindCategoryKey,
  toShopimindProductCategory,
  type ShopimindProductCategoryContext,
} from './category.mapper';

const context: ShopimindProductCategoryContext = {
  categoryId: 42,
  lang: 'fr',
  link: 'https://shop.test',
  now: '2026-01-01T00:00:00.000Z',
};

describe('toShopimindCategoryKey', () => {
  it.each<[string, string]>([
    ['Shoes', 'shoes'],
    [' shoes ', 'shoes'],
    ['SHOES', 'shoes'],
    ['Summer  Sale', 'summer sale'],
    ['\tSummer\u00a0Sale\n', 'summer sale'],
    // "é" precomposed and as "e" + combining accent: one category.
    ['Été', 'été'],
    ['E\u0301te\u0301', 'été'],
    ['Home & Garden', 'home & garden'],
    ['', ''],
    ['   ', ''],
  ])('turns %p into %p', (name, key) => {
    expect(toShopimindCategoryKey(name)).toBe(key);
  });

  it('keeps categories that differ by more than case and spacing apart', () => {
    expect(toShopimindCategoryKey('Shoe')).not.toBe(toShopimindCategoryKey('Shoes'));
    expect(toShopimindCategoryKey('Ete')).not.toBe(toShopimindCategoryKey('Été'));
  });
});

describe('toShopimindProductCategory', () => {
  it("keeps the store's wording, trimmed, as the name of a root category", () => {
    expect(toShopimindProductCategory('  Summer Sale ', context)).toEqual({
      category_id: 42,
      lang: 'fr',
      name: 'Summer Sale',
      description: '',
      parent_category_id: null,
      link: 'https://shop.test',
      is_active: true,
      created_at: context.now,
      updated_at: context.now,
    });
  });

  it('tags the row with the data source when there is one', () => {
    expect(toShopimindProductCategory('Shoes', { ...context, dataSourceId: 4 })).toMatchObject({
      id_data_source: 4,
    });
    expect(toShopimindProductCategory('Shoes', context)).not.toHaveProperty('id_data_source');
  });
});
