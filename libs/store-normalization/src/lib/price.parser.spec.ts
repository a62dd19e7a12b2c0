import { parsePrice } from './price.parser';

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
