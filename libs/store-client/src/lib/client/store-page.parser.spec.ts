import { parseStorePage } from './store-page.parser';

describe('parseStorePage', () => {
  it('reads a bare array', () => {
    expect(parseStorePage([{ id: 1 }])).toEqual({ page: { records: [{ id: 1 }], shape: 'array' } });
  });

  it.each([
    [
      'a meta object',
      { data: [{ id: 1 }], meta: { current_page: 2, per_page: 1, total: 3, last_page: 3 } },
      { currentPage: 2, perPage: 1, total: 3, lastPage: 3 },
    ],
    [
      'meta keys beside data (Laravel paginator)',
      { data: [{ id: 1 }], current_page: 2, per_page: 1, total: 3, last_page: 3 },
      { currentPage: 2, perPage: 1, total: 3, lastPage: 3 },
    ],
    [
      'numeric strings',
      { data: [{ id: 1 }], meta: { current_page: '2', last_page: '3' } },
      { currentPage: 2, lastPage: 3 },
    ],
  ])('reads an envelope with %s', (_label, body, meta) => {
    expect(parseStorePage(body)).toEqual({ page: { records: [{ id: 1 }], shape: 'envelope', meta } });
  });

  it.each([
    ['no meta', { data: [] }],
    ['meta without last_page', { data: [], meta: { current_page: 1 } }],
    ['a fractional page', { data: [], meta: { current_page: 1.5, last_page: 2 } }],
    ['a negative page', { data: [], meta: { current_page: -1, last_page: 2 } }],
  ])('leaves meta out for %s', (_label, body) => {
    expect(parseStorePage(body)).toEqual({ page: { records: [], shape: 'envelope' } });
  });

  it.each([
    ['a string', 'hello', 'got a string'],
    ['null', null, 'got null'],
    ['an object without data', { items: [] }, 'got nothing'],
    ['an object whose data is an object', { data: { id: 1 } }, 'got an object'],
  ])('reports %s as a problem', (_label, body, fragment) => {
    const result = parseStorePage(body);
    expect('problem' in result && result.problem).toContain(fragment);
  });
});
