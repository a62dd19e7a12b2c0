import {
  sandboxCustomerFixture,
  sandboxOrderFixture,
  sandboxOrderStatusFixture,
  sandboxProductCategoryFixture,
  sandboxProductFixture,
} from './sandbox-fixtures';
import {
  CUSTOMER_SCHEMA,
  ORDER_SCHEMA,
  ORDER_STATUS_SCHEMA,
  PRODUCT_CATEGORY_SCHEMA,
  PRODUCT_SCHEMA,
  validateObject,
} from './sandbox-validation';

const categoryFixture = sandboxProductCategoryFixture;

describe('sandbox validation', () => {
  it('accepts the fixtures of every entity', () => {
    expect(validateObject(sandboxProductFixture(), PRODUCT_SCHEMA)).toEqual([]);
    expect(validateObject(sandboxOrderFixture(), ORDER_SCHEMA)).toEqual([]);
    expect(validateObject(sandboxCustomerFixture(), CUSTOMER_SCHEMA)).toEqual([]);
    expect(validateObject(sandboxOrderStatusFixture(), ORDER_STATUS_SCHEMA)).toEqual([]);
    expect(validateObject(categoryFixture(), PRODUCT_CATEGORY_SCHEMA)).toEqual([]);
  });

  it('accepts a category with a parent, or without the optional parent field', () => {
    expect(validateObject(categoryFixture({ parent_category_id: 3 }), PRODUCT_CATEGORY_SCHEMA)).toEqual([]);
    expect(
      validateObject(categoryFixture({ parent_category_id: undefined }), PRODUCT_CATEGORY_SCHEMA),
    ).toEqual([]);
  });

  it('accepts data-source tags and unknown extra fields', () => {
    const product = sandboxProductFixture({
      id_data_source: 3,
      label_source: null,
      source_label: 'store',
      whatever: { nested: true },
    });
    expect(validateObject(product, PRODUCT_SCHEMA)).toEqual([]);
  });

  it.each([
    ['a missing field', { name: undefined }, ['name is required']],
    ['a null required field', { price: null }, ['price is required']],
    ['a string product id', { product_id: 'prod_1' }, ['product_id must be a positive integer']],
    ['a numeric-string price', { price: '19.90' }, ['price must be a number >= 0']],
    ['a string boolean', { is_active: 'true' }, ['is_active must be a boolean']],
    ['a relative link', { link: '/product/x' }, ['link must be an absolute http(s) URL']],
    ['an unparseable date', { updated_at: 'yesterday' }, ['updated_at must be a date string']],
    ['a wrong optional field', { category_ids: ['shoes'] }, ['category_ids[0] must be a positive integer']],
  ])('rejects a product with %s', (_label, overrides, errors) => {
    expect(validateObject(sandboxProductFixture(overrides), PRODUCT_SCHEMA)).toEqual(errors);
  });

  it('accepts null for nullable optional fields', () => {
    expect(
      validateObject(
        sandboxProductFixture({ image_link: null, price_discount: null, category_ids: null }),
        PRODUCT_SCHEMA,
      ),
    ).toEqual([]);
  });

  it('names nested order fields by path', () => {
    const order = sandboxOrderFixture({
      customer: { customer_id: 'c1', email: 'not-an-email', created_at: '2024-01-01' },
      products: [
        { product_id: 1, price: 1, price_without_tax: 1, quantity: 1 },
        { product_id: 'x', price: 1, price_without_tax: 1 },
      ],
    });
    expect(validateObject(order, ORDER_SCHEMA)).toEqual([
      'customer.email must be an email address',
      'products[1].product_id must be a positive integer',
      'products[1].quantity is required',
    ]);
  });

  it.each([
    [
      'an order without a status',
      ORDER_SCHEMA,
      sandboxOrderFixture({ status_id: '' }),
      ['status_id must be a non-empty string'],
    ],
    [
      'an order with a numeric id',
      ORDER_SCHEMA,
      sandboxOrderFixture({ order_id: 7 }),
      ['order_id must be a non-empty string'],
    ],
    [
      'an order line without units',
      ORDER_SCHEMA,
      sandboxOrderFixture({ products: [{ product_id: 1, price: 1, price_without_tax: 1, quantity: 0 }] }),
      ['products[0].quantity must be a positive integer'],
    ],
    [
      'a customer with a null last name',
      CUSTOMER_SCHEMA,
      sandboxCustomerFixture({ last_name: null }),
      ['last_name is required'],
    ],
    [
      'a customer with a string opt-in',
      CUSTOMER_SCHEMA,
      sandboxCustomerFixture({ is_opt_in: 'no' }),
      ['is_opt_in must be a boolean'],
    ],
    [
      'an order status without a language',
      ORDER_STATUS_SCHEMA,
      sandboxOrderStatusFixture({ lang: undefined }),
      ['lang is required'],
    ],
    [
      'an order status with a string is_deleted',
      ORDER_STATUS_SCHEMA,
      sandboxOrderStatusFixture({ is_deleted: 'false' }),
      ['is_deleted must be a boolean'],
    ],
    [
      'a category with a string id',
      PRODUCT_CATEGORY_SCHEMA,
      categoryFixture({ category_id: 'clothing' }),
      ['category_id must be a positive integer'],
    ],
    [
      'a category without a name',
      PRODUCT_CATEGORY_SCHEMA,
      categoryFixture({ name: ' ' }),
      ['name must be a non-empty string'],
    ],
    [
      'a category without a description',
      PRODUCT_CATEGORY_SCHEMA,
      categoryFixture({ description: undefined }),
      ['description is required'],
    ],
    [
      'a category with a string parent',
      PRODUCT_CATEGORY_SCHEMA,
      categoryFixture({ parent_category_id: 'root' }),
      ['parent_category_id must be a positive integer'],
    ],
  ])('rejects %s', (_label, schema, item, errors) => {
    expect(validateObject(item, schema)).toEqual(errors);
  });

  it('accepts a customer with empty names, as orders without a name give', () => {
    expect(
      validateObject(sandboxCustomerFixture({ first_name: '', last_name: '' }), CUSTOMER_SCHEMA),
    ).toEqual([]);
  });

  it('rejects items that are not objects', () => {
    expect(validateObject([1], CUSTOMER_SCHEMA)).toEqual(['item must be an object']);
    expect(validateObject('x', CUSTOMER_SCHEMA)).toEqual(['item must be an object']);
  });
});
