import { hasUnstorableText, mayHoldUnstorableText, toStorable, toStorableText } from './storable-text';

describe('storable text', () => {
  it.each<[string, string, string]>([
    ['plain text', 'Linen shirt', 'Linen shirt'],
    ['a NUL', 'Linen\u0000 shirt', 'Linen shirt'],
    ['only NULs', '\u0000\u0000', ''],
    ['a lone high surrogate', 'a\uD83Db', 'a\uFFFDb'],
    ['a lone low surrogate', 'a\uDE00b', 'a\uFFFDb'],
    ['a surrogate pair', 'smile \uD83D\uDE00', 'smile \uD83D\uDE00'],
    ['a reversed pair', '\uDE00\uD83D', '\uFFFD\uFFFD'],
  ])('makes %s storable', (_label, text, storable) => {
    expect(toStorableText(text)).toBe(storable);
  });

  it('cleans every string and key of a parsed body, and keeps a __proto__ key a plain key', () => {
    const body = JSON.parse(
      '{"data":[{"id":"p\\u00001","name":"a\\ud800","tags":["x\\u0000"],"k\\u0000ey":1,"__proto__":{"polluted":true}}]}',
    ) as unknown;

    const cleaned = toStorable(body) as { data: Array<Record<string, unknown>> };

    expect(cleaned.data[0]).toEqual({
      id: 'p1',
      name: 'a\uFFFD',
      tags: ['x'],
      key: 1,
      ['__proto__']: { polluted: true },
    });
    expect(Object.getPrototypeOf(cleaned.data[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each<[string, boolean]>([
    ['{"name":"plain"}', false],
    ['{"name":"caf\\u00e9"}', false],
    ['{"name":"a\\u0000"}', true],
    ['{"name":"a\\ud83d\\ude00"}', true],
    ['{"name":"a\\uDC00"}', true],
  ])('tells from the text of %s whether it may need cleaning: %s', (json, expected) => {
    expect(mayHoldUnstorableText(json)).toBe(expected);
  });

  it.each<[string, unknown, boolean]>([
    ['a plain body', { event: 'install', configs: { lang: 'fr' } }, false],
    ['a NUL in a nested value', { configs: { token: 'a\u0000' } }, true],
    ['a NUL in a key', { ['k\u0000']: 1 }, true],
    ['a lone surrogate in a list', { tags: ['\uD800'] }, true],
    ['numbers and nulls', [1, null, true], false],
  ])('finds unstorable text in %s: %s', (_label, value, expected) => {
    expect(hasUnstorableText(value)).toBe(expected);
  });
});
