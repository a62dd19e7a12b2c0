import { describeCurrencyDisagreement } from './store-currency';

describe('describeCurrencyDisagreement', () => {
  it("tells the merchant to set the store's one currency when the form names another (issue #16)", () => {
    expect(describeCurrencyDisagreement(['USD'], 'EUR')).toBe(
      "Your store's products are priced in USD (their currency field or the marks of their prices say so), " +
        'but Currency is EUR: set Currency to USD.',
    );
  });

  it.each<[string, string[], string]>([
    ['the form names the store currency', ['USD'], 'USD'],
    ['the products name no currency', [], 'EUR'],
    ['the products mix currencies: each keeps its own', ['USD', 'EUR'], 'GBP'],
  ])('has nothing to say when %s', (_label, currencies, formCurrency) => {
    expect(describeCurrencyDisagreement(currencies, formCurrency)).toBeUndefined();
  });
});
