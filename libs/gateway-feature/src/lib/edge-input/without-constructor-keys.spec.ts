import { plainToInstance } from 'class-transformer';
import { withoutConstructorKeys } from './without-constructor-keys';

class Untyped {
  field?: unknown;
}

// Found by the gateway's hostile-input fuzz (issue #20): these made plainToInstance throw, answered as a 500.
const HOSTILE = [
  '{"field":{"constructor":1}}',
  '{"field":{"":{"constructor":"\\u0000"}}}',
  '{"field":{"a":{"constructor":{}}}}',
  '{"field":[{"constructor":"x"}]}',
];

describe('withoutConstructorKeys', () => {
  it.each(HOSTILE)('lets class-transformer read %s', (text) => {
    const body: unknown = JSON.parse(text);

    expect(() => plainToInstance(Untyped, body)).toThrow();
    expect(() => plainToInstance(Untyped, withoutConstructorKeys(body))).not.toThrow();
  });

  it('drops every nested constructor key and keeps everything else, "__proto__" keys as plain keys', () => {
    const body: unknown = JSON.parse(
      '{"a":{"constructor":1,"b":[{"constructor":2,"c":3}],"__proto__":{"d":4}}}',
    );

    const cleaned = withoutConstructorKeys(body) as { a: Record<string, unknown> };

    expect(JSON.stringify(cleaned)).toBe('{"a":{"b":[{"c":3}],"__proto__":{"d":4}}}');
    expect(Object.getPrototypeOf(cleaned.a)).toBe(Object.prototype);
  });

  it('gives back the very value when there is nothing to drop', () => {
    const body = { a: { b: [1, 'two', null] } };

    expect(withoutConstructorKeys(body)).toBe(body);
    expect(withoutConstructorKeys('text')).toBe('text');
  });

  it('gives class-transformer what it builds from a body without those keys', () => {
    const body: unknown = JSON.parse('{"field":{"a":1,"nested":{"b":"c"}}}');
    const withKeys: unknown = JSON.parse(
      '{"field":{"a":1,"constructor":"x","nested":{"b":"c","constructor":{}}}}',
    );

    expect(plainToInstance(Untyped, withoutConstructorKeys(withKeys))).toEqual(
      plainToInstance(Untyped, body),
    );
  });
});
