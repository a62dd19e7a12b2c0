import type { ShopimindProductCategory } from './shopimind-records';

/**
 * The identity of a store category. Stores give categories as bare names (no id, no hierarchy), so the name is the
 * identity, compared the way a merchant reads it: Unicode-normalized (NFC), trimmed, inner whitespace runs made one
 * space, lower-cased. "Shoes", " shoes" and "SHOES" are one category. Never change this: the key is what the id
 * mapping stores, and a category must keep its ShopiMind id forever. Empty for a blank name (no category).
 */
export function toShopimindCategoryKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export interface ShopimindProductCategoryContext {
  /** Stable numeric id ShopiMind knows this category by (the SDK types category ids as numbers). */
  categoryId: number;
  lang: string;
  /**
   * Where the category's page is. Stores give no category URL and the generic-api spec has no rule to build one
   * (only products have one, §4), so callers pass the store's base URL: a working link rather than a guessed one.
   */
  link: string;
  dataSourceId?: number;
  /** Stores give no category dates: ShopiMind requires both. */
  now: string;
}

/** The reference row products point at with `category_ids`; its name is the store's own wording. */
export function toShopimindProductCategory(
  name: string,
  context: ShopimindProductCategoryContext,
): ShopimindProductCategory {
  return {
    category_id: context.categoryId,
    lang: context.lang,
    name: name.trim(),
    description: '',
    // Stores give no hierarchy: every category is a root.
    parent_category_id: null,
    link: context.link,
    is_active: true,
    created_at: context.now,
    updated_at: context.now,
    ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
  };
}
