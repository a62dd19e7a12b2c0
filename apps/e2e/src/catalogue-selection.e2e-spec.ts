import { demoProduct } from '@storebridge/demo-store';
import { expectEventually } from '@storebridge/testing';
import { useProductionSystem, type ProductionSystem } from './support/production-system';
import { installAndActivate, storeConfigs, type OutsideWorld } from './support/outside-world';

const PRODUCT_COUNT = 40;
const EVENTUALLY = { timeoutMs: 60_000, intervalMs: 250 };

const ALL_REFERENCES = Array.from({ length: PRODUCT_COUNT }, (_, index) => demoProduct(index + 1).sku).sort();

/** The references of the demo products in none of `categories` (compared as the store spells them). */
function referencesOutside(...categories: string[]): string[] {
  return Array.from({ length: PRODUCT_COUNT }, (_, index) => demoProduct(index + 1))
    .filter((product) => !product.categories.some((name) => categories.includes(name)))
    .map((product) => product.sku)
    .sort();
}

// Issue #16 points 2 and 7: what the merchant changes in the form changes what ShopiMind holds.
describe('Catalogue selection and language, end to end (production mode)', () => {
  let world: OutsideWorld;
  let system: ProductionSystem;

  useProductionSystem(PRODUCT_COUNT, (started) => ({ world, system } = started));

  /** What ShopiMind holds of the installation's products: `reference|lang`, sorted. */
  function heldProducts(installationId: string): string[] {
    return world.sandbox
      .products(installationId)
      .map((item) => `${String(item['reference'])}|${String(item['lang'])}`)
      .sort();
  }

  const inLang = (references: string[], lang: string): string[] =>
    references.map((reference) => `${reference}|${lang}`).sort();

  async function configUpdated(installationId: string, overrides: Record<string, unknown>): Promise<void> {
    expect(
      await world.sandbox.lifecycle.configUpdated(system.gatewayUrl, installationId, {
        secret: world.webhookSecret,
        configs: storeConfigs(world, overrides),
      }),
    ).toEqual({ status: 200, body: { success: true } });
  }

  it('deletes the products of a category the merchant leaves out, and pushes them again once it is back', async () => {
    try {
      const installationId = await installAndActivate(world, system.gatewayUrl);
      await expectEventually(
        () => expect(heldProducts(installationId)).toEqual(inLang(ALL_REFERENCES, 'fr')),
        EVENTUALLY,
      );
      const [category] = demoProduct(1).categories;
      const kept = referencesOutside(category);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(PRODUCT_COUNT);

      // Spelt otherwise than the store does: categories compare like their keys.
      await configUpdated(installationId, { excluded_categories: [` ${category.toUpperCase()} `] });
      await expectEventually(
        () => expect(heldProducts(installationId)).toEqual(inLang(kept, 'fr')),
        EVENTUALLY,
      );

      // Nothing changed in the store: the products come back because the list did.
      await configUpdated(installationId, { excluded_categories: [] });
      await expectEventually(
        () => expect(heldProducts(installationId)).toEqual(inLang(ALL_REFERENCES, 'fr')),
        EVENTUALLY,
      );
    } catch (error) {
      system.printLogs();
      throw error;
    }
  });

  it("replaces the old language's products and categories when the merchant changes the language", async () => {
    try {
      const installationId = await installAndActivate(world, system.gatewayUrl);
      await expectEventually(
        () => expect(heldProducts(installationId)).toEqual(inLang(ALL_REFERENCES, 'fr')),
        EVENTUALLY,
      );
      const categoryCount = world.sandbox.productCategories(installationId).length;
      expect(categoryCount).toBeGreaterThan(0);

      await configUpdated(installationId, { lang: 'de' });

      // ShopiMind keys products and categories by id and language: the French rows must go, not linger.
      await expectEventually(() => {
        expect(heldProducts(installationId)).toEqual(inLang(ALL_REFERENCES, 'de'));
        const categoryLangs = world.sandbox.productCategories(installationId).map((item) => item['lang']);
        expect(categoryLangs).toEqual(Array.from({ length: categoryCount }, () => 'de'));
      }, EVENTUALLY);
    } catch (error) {
      system.printLogs();
      throw error;
    }
  });
});
