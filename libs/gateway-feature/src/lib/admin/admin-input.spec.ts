import { BadRequestException } from '@nestjs/common';
import { parseAdminInput } from './admin-input';
import { DeadLetterFilterDto, ListInstallationsQueryDto } from './dto/admin-queries.dto';

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof BadRequestException ? error.getResponse() : error;
  }
  throw new Error('accepted');
}

describe('parseAdminInput', () => {
  it('reads query numbers from text and a body as sent', () => {
    expect(
      parseAdminInput(ListInstallationsQueryDto, { limit: '20', offset: '0' }, ['limit', 'offset']),
    ).toEqual(Object.assign(new ListInstallationsQueryDto(), { limit: 20, offset: 0 }));
    expect(
      parseAdminInput(DeadLetterFilterDto, {
        connectionId: '22222222-2222-4222-8222-222222222222',
        entity: 'orders',
      }),
    ).toMatchObject({ connectionId: '22222222-2222-4222-8222-222222222222', entity: 'orders' });
  });

  it.each([
    ['a limit over the bound', { limit: '201' }],
    ['a limit of 0', { limit: '0' }],
    ['a limit that is no integer', { limit: '1e3' }],
    ['an unknown key', { sort: 'name' }],
    ['a __proto__ key', JSON.parse('{"__proto__": {"limit": 1}}')],
    ['a __proto__ key with a text value', JSON.parse('{"__proto__": "1"}')],
    ['a constructor key', { constructor: '\u0000' }],
    ['a toString key', { toString: '1' }],
    ['a repeated parameter (an array)', { limit: ['1', '2'] }],
  ])('refuses %s with a 400 naming the field', (_label, query) => {
    expect(
      refusal(() => parseAdminInput(ListInstallationsQueryDto, query, ['limit', 'offset'])),
    ).toMatchObject({
      statusCode: 400,
    });
  });

  it('refuses what is not an object, and nested values that class-transformer would choke on', () => {
    for (const body of [null, [], 'text', 3]) {
      expect(refusal(() => parseAdminInput(DeadLetterFilterDto, body))).toMatchObject({ statusCode: 400 });
    }
    expect(
      refusal(() => parseAdminInput(DeadLetterFilterDto, { connectionId: { toString: 1 } })),
    ).toMatchObject({
      message: ['connectionId: must be a single value'],
    });
  });

  it('takes a body number only as a JSON number', () => {
    expect(refusal(() => parseAdminInput(DeadLetterFilterDto, { limit: '5' }))).toMatchObject({
      message: [expect.stringMatching(/^limit: .*isInt/)],
    });
  });
});
