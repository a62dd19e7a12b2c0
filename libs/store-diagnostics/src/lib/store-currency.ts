/**
 * Issue #16: what a connection test says when the store's products and the form disagree on the currency.
 * Only a store whose sampled products all name one currency, other than the form's, is worth stopping the
 * merchant for: the form's currency would label the prices of every product naming none. A store mixing
 * currencies has each product keep its own, which no form value can fix.
 */
export function describeCurrencyDisagreement(
  storeCurrencies: readonly string[],
  formCurrency: string,
): string | undefined {
  if (storeCurrencies.length !== 1 || storeCurrencies[0] === formCurrency) {
    return undefined;
  }
  const [store] = storeCurrencies;
  return (
    `Your store's products are priced in ${store} (their currency field or the marks of their prices say so), ` +
    `but Currency is ${formCurrency}: set Currency to ${store}.`
  );
}
