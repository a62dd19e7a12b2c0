import { ValidationPipe, type Type as ClassType } from '@nestjs/common';
import {
  OrdersChangedEvent,
  ProductsChangedEvent,
  StoreOrderEventReceivedEvent,
  StoreProductEventReceivedEvent,
  SyncRequestedEvent,
} from '@storebridge/contracts';
import { Expose, Transform, Type } from 'class-transformer';
import {
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ValidationCompiler } from './compiled-validation';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const syncRunId = '0c6b1f0e-1d2a-4b8e-9c51-6a7d2e3f4b5c';

const fullProduct = {
  id: 'prod_1',
  name: 'Lamp',
  price: 19.5,
  regularPrice: 25,
  salePrice: 19.5,
  sku: 'LMP-1',
  description: 'A lamp',
  shortDescription: 'Lamp',
  stockStatus: 'in_stock',
  stockQuantity: 4,
  categories: ['Lighting', 'Home'],
  tags: ['new'],
  images: ['https://shop.test/img/1.jpg'],
  url: 'https://shop.test/product/lamp',
  createdAt: '2024-05-01T10:00:00.000Z',
  updatedAt: '2024-05-02T10:00:00.000Z',
};
const minimalProduct = {
  id: 'prod_2',
  name: 'Vase',
  categories: [],
  tags: [],
  images: [],
  url: 'http://shop',
};

const fullOrder = {
  id: 'ord_1',
  orderNumber: '1001',
  status: 'processing',
  total: 42.5,
  subtotal: 35,
  tax: 5,
  shipping: 2.5,
  currency: 'EUR',
  customerEmail: 'ann@example.com',
  customerName: 'Ann Lee',
  items: [{ productId: 'prod_1', name: 'Lamp', quantity: 2, price: 17.5 }, { quantity: 1 }],
  shippingAddress: { street: '1 Main St', city: 'Lyon', state: 'ARA', zip: '69001', country: 'FR' },
  billingAddress: { city: 'Lyon' },
  paymentMethod: 'card',
  createdAt: '2024-05-01T10:00:00Z',
  updatedAt: '2024-05-01T11:00:00Z',
};
const minimalOrder = { id: 'ord_2', items: [] };

/** Values every property is set to in turn: each type, empty and boundary values, formats some rules want. */
const REPLACEMENTS: readonly unknown[] = [
  null,
  '',
  ' ',
  'x',
  0,
  -1,
  1.5,
  7,
  true,
  [],
  {},
  ['a'],
  [1],
  [null],
  [{}],
  [[]],
  { quantity: 1 },
  'https://shop.test/p',
  'ftp://shop.test/p',
  '2024-05-01T10:00:00Z',
  '2024-13-45',
  'ann@example.com',
  connectionId,
  'manual',
];

type Path = ReadonlyArray<string | number>;

function at(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], root);
}

function withChange(root: unknown, path: Path, change: (parent: Record<string | number, unknown>) => void) {
  const copy = structuredClone(root);
  change(at(copy, path) as Record<string | number, unknown>);
  return copy;
}

/** Every single-step mutation of `root`: each property deleted or replaced, each object and array given more. */
function mutationsOf(root: unknown, path: Path = []): Array<[string, unknown]> {
  const value = at(root, path);
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const where = path.join('.') || '(root)';
  const mutations: Array<[string, unknown]> = [];
  const keys = Array.isArray(value) ? value.keys() : Object.keys(value);
  for (const key of keys) {
    if (!Array.isArray(value)) {
      mutations.push([`${where}: ${key} deleted`, withChange(root, path, (parent) => delete parent[key])]);
    }
    for (const replacement of REPLACEMENTS) {
      mutations.push([
        `${where}: ${key} = ${JSON.stringify(replacement)}`,
        withChange(root, path, (parent) => (parent[key] = structuredClone(replacement))),
      ]);
    }
    mutations.push(...mutationsOf(root, [...path, key]));
  }
  mutations.push(
    Array.isArray(value)
      ? [
          `${where}: an element added`,
          withChange(root, path, (parent) => (parent as unknown as unknown[]).push('x')),
        ]
      : [`${where}: an unknown key added`, withChange(root, path, (parent) => (parent['injected'] = 1))],
  );
  return mutations;
}

const referencePipe = new ValidationPipe({ transform: true, whitelist: true, forbidUnknownValues: true });

/** What RpcValidationPipe did before the compiled path existed: class-transformer, then class-validator. */
async function reference(
  type: ClassType<object>,
  plain: unknown,
): Promise<{ valid: boolean; value?: unknown }> {
  try {
    return {
      valid: true,
      value: await referencePipe.transform(structuredClone(plain), { type: 'body', metatype: type }),
    };
  } catch {
    return { valid: false };
  }
}

/**
 * Runs every mutation of `seed` through both paths. The compiled path must never vouch for what the reference
 * rejects, and what it returns must equal the reference's instance, key order included (content hashes are taken
 * of the JSON). With `coversEveryValid`, it must also vouch for everything the reference accepts.
 */
async function expectAgreement(
  type: ClassType<object>,
  seed: unknown,
  coversEveryValid: boolean,
): Promise<string[]> {
  const compiled = new ValidationCompiler().compile(type);
  if (!compiled) {
    throw new Error(`${type.name} did not compile`);
  }
  const cases: Array<[string, unknown]> = [['the seed', seed], ...mutationsOf(seed)];
  const disagreements: string[] = [];
  const vouched: string[] = [];
  for (const [label, plain] of cases) {
    const expected = await reference(type, plain);
    const input = structuredClone(plain);
    const actual = compiled(input);
    expect(input).toEqual(plain);
    if (actual !== undefined) {
      vouched.push(label);
      if (!expected.valid) {
        disagreements.push(`${label}: vouched for, the reference rejects it`);
      } else if (JSON.stringify(actual) !== JSON.stringify(expected.value)) {
        disagreements.push(`${label}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected.value)}`);
      } else {
        expect(actual).toStrictEqual(expected.value);
      }
    } else if (coversEveryValid && expected.valid) {
      disagreements.push(`${label}: left to the full path, though valid`);
    }
  }
  expect(disagreements).toEqual([]);
  return vouched;
}

describe('ValidationCompiler', () => {
  describe('agrees with class-transformer + class-validator on every mutation of the contracts', () => {
    it.each([
      [
        'ProductsChangedEvent',
        ProductsChangedEvent,
        { connectionId, syncRunId, page: 3, deletedIds: ['prod_9'], products: [fullProduct, minimalProduct] },
      ],
      [
        'ProductsChangedEvent of a webhook',
        ProductsChangedEvent,
        { connectionId, syncRunId: null, page: 0, deletedIds: [], products: [minimalProduct] },
      ],
      [
        'OrdersChangedEvent',
        OrdersChangedEvent,
        { connectionId, syncRunId, page: 1, deletedIds: [], orders: [fullOrder, minimalOrder] },
      ],
      ['SyncRequestedEvent', SyncRequestedEvent, { connectionId, trigger: 'schedule' }],
    ])('%s', async (_name, type, seed) => {
      const vouched = await expectAgreement(type, seed, true);

      expect(vouched).toContain('the seed');
    });

    it('StoreProductEventReceivedEvent, its free-form data copied all the way down', async () => {
      const data = {
        id: 'p1',
        price: '12,50 €',
        stock: 0,
        active: true,
        sale: null,
        variations: [{ sku: 'p1-red', attributes: { color: 'red' }, prices: [1, '2'] }, [], 'x'],
        meta: { nested: { deeper: [{ emptyObject: {} }] } },
      };
      const seed = {
        connectionId,
        event: 'product.updated',
        data,
        receivedAt: '2024-05-01T10:00:00Z',
        later: [{ event: 'product.deleted', data: { id: 'p2' }, receivedAt: '2024-05-01T10:00:01Z' }],
      };

      const vouched = await expectAgreement(StoreProductEventReceivedEvent, seed, true);

      expect(vouched).toContain('the seed');
    });

    it('StoreOrderEventReceivedEvent, its free-form data copied all the way down', async () => {
      const seed = {
        connectionId,
        event: 'order.created',
        data: { id: 'o1', items: [{ product_id: 'p1', quantity: 2 }], billing: { email: 'ann@example.com' } },
        receivedAt: '2024-05-01T10:00:00Z',
      };

      const vouched = await expectAgreement(StoreOrderEventReceivedEvent, seed, true);

      expect(vouched).toContain('the seed');
    });

    it.each(['__proto__', 'constructor'])(
      'StoreProductEventReceivedEvent with a %s key in its data: left to the full path',
      async (key) => {
        const plain = JSON.parse(
          `{"connectionId":"${connectionId}","event":"product.updated","receivedAt":"2024-05-01T10:00:00Z",` +
            `"data":{"id":"p1","nested":{"${key}":{"polluted":true}}}}`,
        );

        expect(new ValidationCompiler().compile(StoreProductEventReceivedEvent)?.(plain)).toBeUndefined();
        expect((await reference(StoreProductEventReceivedEvent, plain)).valid).toBe(true);
      },
    );
  });

  describe('classes built from other features', () => {
    @ValidatorConstraint({ name: 'notAboveRegular' })
    class NotAboveRegularPrice implements ValidatorConstraintInterface {
      validate(value: unknown, args: ValidationArguments): boolean {
        const regular = (args.object as { regular?: unknown }).regular;
        return typeof value === 'number' && (typeof regular !== 'number' || value <= regular);
      }
    }

    class Price {
      @IsNumber()
      regular!: number;

      @ValidateIf((price: Price) => price.regular > 10)
      @Validate(NotAboveRegularPrice)
      sale?: number;
    }

    class PricedItem {
      @IsString()
      name!: string;

      @ValidateNested()
      @Type(() => Price)
      price!: Price;
    }

    class Bundle extends PricedItem {
      @IsOptional()
      @IsInt()
      @Min(2)
      override name!: string;

      @IsOptional()
      @ValidateNested({ each: true })
      @Type(() => Bundle)
      parts?: Bundle[];
    }

    it('custom constraints reading the object, conditions, inheritance with overrides, self-reference', async () => {
      const seed = {
        name: 3,
        price: { regular: 20, sale: 15 },
        parts: [{ name: 2, price: { regular: 5, sale: 9 } }],
      };

      // Not every valid case: a free-form object where the rule is skipped (`sale` when regular <= 10) is left
      // to the full path.
      const vouched = await expectAgreement(Bundle, seed, false);

      expect(vouched).toContain('the seed');
    });

    class Untyped {
      @ValidateNested()
      price!: Price;
    }

    it('a nested object without @Type is left to the full path, which rejects it', async () => {
      const vouched = await expectAgreement(Untyped, { price: { regular: 1 } }, false);

      expect(vouched).not.toContain('the seed');
    });

    @ValidatorConstraint({ async: true })
    class Remote implements ValidatorConstraintInterface {
      async validate(): Promise<boolean> {
        return true;
      }
    }

    class WithAsyncRule {
      @Validate(Remote)
      id!: string;
    }

    class WithTransform {
      @Transform(({ value }) => String(value).trim())
      @IsString()
      id!: string;
    }

    class WithExpose {
      @Expose({ name: 'ID' })
      @IsString()
      id!: string;
    }

    class WithMethod {
      @IsString()
      id!: string;

      label(): string {
        return this.id;
      }
    }

    class WithInitializedField {
      @IsString()
      id!: string;

      source = 'store';
    }

    class WithoutRules {
      id!: string;
    }

    it.each([
      ['an async constraint', WithAsyncRule],
      ['a @Transform', WithTransform],
      ['an @Expose', WithExpose],
      ['a method', WithMethod],
      ['a field the constructor sets and validation does not know', WithInitializedField],
      ['no rule at all (forbidUnknownValues)', WithoutRules],
    ])('does not compile a class with %s', (_feature, type) => {
      expect(new ValidationCompiler().compile(type)).toBeNull();
    });
  });
});
