import { classifyWrite } from './write-outcome';

const failure = (statusCode: number) => ({
  ok: false,
  statusCode,
  data: null,
  error: { message: `HTTP_${statusCode}`, code: `HTTP_${statusCode}`, retryable: false, attempts: 1 },
});

describe('classifyWrite', () => {
  it('reads counts and rejected items of an accepted batch', () => {
    const outcome = classifyWrite({
      ok: true,
      statusCode: 200,
      data: {
        sent_count: 2,
        rejected_count: 1,
        rejected_items: [{ index: 2, errors: ['price must be a number'] }],
      },
      error: null,
    });
    expect(outcome).toEqual({
      kind: 'accepted',
      sentCount: 2,
      rejected: [{ index: 2, errors: ['price must be a number'] }],
    });
  });

  it.each([
    [401, 'not_active'],
    [429, 'rate_limited'],
    [0, 'transient'],
    [408, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [400, 'permanent'],
    [403, 'permanent'],
    [409, 'permanent'],
    [422, 'permanent'],
  ])('classifies HTTP %i as %s', (status, kind) => {
    expect(classifyWrite(failure(status)).kind).toBe(kind);
  });
});
