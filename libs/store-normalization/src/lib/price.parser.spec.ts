import fc from 'fast-check';
import { parsePrice, parsePriceCurrency, readStorePrices, toCurrencyCode } from './price.parser';

describe('parsePrice', () => {
  it.each<[string, unknown, number]>([
    ['a number', 349.99, 349.99],
    ['an integer', 12, 12],
    ['zero', 0, 0],
    ['a numeric string', '349.99', 349.99],
    ['an integer string', '349', 349],
    ['a string with spaces around', '  349.99 ', 349.99],
    ['a zero string', '0.00', 0],
    ['a dollar prefix', '$349.99', 349.99],
    ['a euro prefix with a space', '€ 349.99', 349.99],
    ['a pound prefix', '£12.50', 12.5],
    ['an ISO code prefix', 'USD 349.99', 349.99],
    ['an ISO code prefix without space', 'EUR349.99', 349.99],
    ['a symbol and code prefix', 'US$ 349.99', 349.99],
    ['a Brazilian real prefix', 'R$ 349,99', 349.99],
    ['a euro suffix with decimal comma', '349,99 €', 349.99],
    ['a euro suffix without space', '349,99€', 349.99],
    ['an ISO code suffix', '349.99 USD', 349.99],
    ['a krona suffix', '349,99 kr', 349.99],
    ['a Swiss franc suffix', '349.99 Fr.', 349.99],
    ['a one-digit decimal comma', '349,9', 349.9],
    ['comma thousands', '1,299.00', 1299],
    ['comma thousands without decimals', '1,299', 1299],
    ['several comma groups', '$1,299,000.50', 1299000.5],
    ['dot thousands with decimal comma', '1.299,00 €', 1299],
    ['several dot groups', '1.299.000', 1299000],
    ['space thousands', '1 299,00 €', 1299],
    ['no-break space thousands', '1\u00a0299,00\u00a0€', 1299],
    ['narrow no-break space thousands', '1\u202f299,00', 1299],
    ['apostrophe thousands', "CHF 1'299.00", 1299],
    ['a single dot as decimal', '1.299', 1.299],
    ['a leading zero before a three-digit decimal comma', '0,999', 0.999],
  ])('reads %s (%p)', (_label, value, expected) => {
    expect(parsePrice(value)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['words', 'call us'],
    ['free', 'Free'],
    ['an empty string', ''],
    ['a negative number', -5],
    ['a negative string', '-5.00'],
    ['a negative after the currency', '$-5'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a trailing unit', '349.99 per month'],
    ['a percentage', '15%'],
    ['a range', '10-20'],
    ['two amounts', '10 or 20'],
    ['scientific notation', '1e3'],
    ['broken thousands groups', '1,29,9.00'],
    ['two decimal separators', '1.299.00'],
    ['misplaced space groups', '12 34'],
    ['a boolean', true],
    ['null', null],
    ['an object', { amount: 10 }],
    ['an array', [10]],
  ])('refuses %s (%p)', (_label, value) => {
    expect(parsePrice(value)).toBeUndefined();
  });
});

describe('parsePriceCurrency', () => {
  it.each<[string, unknown, string | undefined]>([
    ['an ISO code prefix', 'USD 1,299.00', 'USD'],
    ['an ISO code suffix', '1.299,00 EUR', 'EUR'],
    ['a lower-case code', 'chf 12', 'CHF'],
    ['the euro sign', '€1,299.00', 'EUR'],
    ['the euro sign after', '349,99 €', 'EUR'],
    ['the pound sign', '£12', 'GBP'],
    ['a dollar with its country', 'US$12', 'USD'],
    ['a Canadian dollar', 'C$ 12', 'CAD'],
    ['a Brazilian real', 'R$ 12,50', 'BRL'],
    ['a code and a symbol', 'USD $12', 'USD'],
    ['a symbol and a code that agree', '€12 EUR', 'EUR'],
    ['a symbol and a code that disagree', '€12 USD', undefined],
    ['a lone dollar sign', '$12', undefined],
    ['a yen sign (yen or yuan)', '¥1200', undefined],
    ['kronor or kroner', '12 kr', undefined],
    ['three letters that are no currency', 'ABC 12', undefined],
    ['a bare number', 12, undefined],
    ['a numeric string', '12.00', undefined],
    ['an unreadable price', 'USD call us', undefined],
  ])('reads %s (%p)', (_label, value, currency) => {
    expect(parsePriceCurrency(value)).toBe(currency);
  });
});

describe('toCurrencyCode', () => {
  it.each<[unknown, string | undefined]>([
    ['USD', 'USD'],
    [' eur ', 'EUR'],
    ['euros', undefined],
    ['XYZ', undefined],
    [978, undefined],
    [null, undefined],
  ])('reads %p as %p', (value, code) => {
    expect(toCurrencyCode(value)).toBe(code);
  });
});

describe('readStorePrices', () => {
  const amounts = (fields: Parameters<typeof readStorePrices>[0]) => {
    const { selling, regular, inverted } = readStorePrices(fields);
    return {
      selling: selling && `${selling.field} ${selling.amount}`,
      regular: regular && `${regular.field} ${regular.amount}`,
      inverted: inverted.map(({ price, above }) => `${price.field} > ${above.field}`),
    };
  };

  it.each<[string, Parameters<typeof readStorePrices>[0], ReturnType<typeof amounts>]>([
    ['no price', {}, { selling: undefined, regular: undefined, inverted: [] }],
    ['a price', { price: 10 }, { selling: 'price 10', regular: undefined, inverted: [] }],
    [
      'the seed example: price, regular and equal sale price',
      { price: 349.99, regularPrice: 399.99, salePrice: 349.99 },
      { selling: 'price 349.99', regular: 'regular_price 399.99', inverted: [] },
    ],
    [
      'a price reduced by a lower sale price',
      { price: 100, salePrice: 80 },
      { selling: 'sale_price 80', regular: 'price 100', inverted: [] },
    ],
    [
      'a sale price above the price',
      { price: 100, salePrice: 120 },
      { selling: 'price 100', regular: undefined, inverted: ['sale_price > price'] },
    ],
    [
      'a selling price above the list price (issue #16)',
      { price: 1299, regularPrice: 20 },
      { selling: 'price 1299', regular: undefined, inverted: ['price > regular_price'] },
    ],
    [
      'a sale price above the regular price',
      { regularPrice: 30, salePrice: 35 },
      { selling: 'sale_price 35', regular: undefined, inverted: ['sale_price > regular_price'] },
    ],
    [
      'a regular price of 0, meaning none',
      { price: 15, regularPrice: 0 },
      { selling: 'price 15', regular: undefined, inverted: [] },
    ],
    [
      'only a regular price',
      { regularPrice: 30 },
      { selling: 'regular_price 30', regular: undefined, inverted: [] },
    ],
  ])('reads %s', (_label, fields, expected) => {
    expect(amounts(fields)).toEqual(expected);
  });

  it('never shows a struck-through price that is not above what the customer pays (property)', () => {
    const amount = fc.option(
      fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100),
      {
        nil: undefined,
      },
    );
    fc.assert(
      fc.property(amount, amount, amount, (price, regularPrice, salePrice) => {
        const fields = Object.fromEntries(
          Object.entries({ price, regularPrice, salePrice }).filter(([, value]) => value !== undefined),
        );
        const { selling, regular, inverted } = readStorePrices(fields);
        const given = [price, regularPrice, salePrice].filter((value) => value !== undefined);
        expect(selling === undefined).toBe(given.length === 0);
        if (regular) {
          expect(regular.amount).toBeGreaterThan(selling?.amount ?? Number.POSITIVE_INFINITY);
        }
        // Whatever the store gives, the customer pays one of its prices, and an inversion is always reported.
        if (selling) {
          expect(given).toContain(selling.amount);
        }
        if (regularPrice !== undefined && regularPrice > 0 && selling && selling.amount > regularPrice) {
          expect(inverted.map(({ above }) => above.field)).toContain('regular_price');
        }
      }),
    );
  });
});
