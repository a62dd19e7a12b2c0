import { validateSync } from 'class-validator';
import { IsAbsoluteHttpUrl, isAbsoluteHttpUrl } from './absolute-http-url';

describe('isAbsoluteHttpUrl', () => {
  it.each([
    ['https://shop.test/product/lamp', true],
    ['http://127.0.0.1:3000/p/1', true],
    ['http://localhost/p', true],
    // Host names with an underscore and long URLs exist in real stores; class-validator's isURL refuses both.
    ['http://shop_1.test/p', true],
    [`https://shop.test/${'x'.repeat(3_000)}`, true],
    ['https://xn--bcher-kva.de/p', true],
    ['ftp://shop.test/p', false],
    ['/product/lamp', false],
    ['shop.test/product/lamp', false],
    ['https://', false],
    ['', false],
    [42, false],
    [null, false],
  ])('%j → %s', (value, expected) => {
    expect(isAbsoluteHttpUrl(value)).toBe(expected);
  });

  it('is a class-validator decorator with a readable message', () => {
    class Link {
      @IsAbsoluteHttpUrl()
      url!: unknown;
    }
    const link = Object.assign(new Link(), { url: 'mailto:ann@example.com' });

    expect(validateSync(link).flatMap((error) => Object.values(error.constraints ?? {}))).toEqual([
      'url must be an absolute http(s) URL',
    ]);
  });
});
