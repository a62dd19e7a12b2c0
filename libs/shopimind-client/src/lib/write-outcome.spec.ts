import { MAX_RETRY_AFTER_MS } from '@storebridge/retry';
import { classifyWrite } from './write-outcome';

const failure = (statusCode: number, retryAfter?: string) => ({
  ok: false,
  statusCode,
  data: null,
  error: { message: `HTTP_${statusCode}`, code: `HTTP_${statusCode}`, retryable: false, attempts: 1 },
  ...(retryAfter === undefined ? {} : { retryAfter }),
});

const NOW = Date.parse('2026-03-01T12:00:00Z');

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
    [502, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [400, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [409, 'permanent'],
    [422, 'permanent'],
  ])('classifies HTTP %i as %s', (status, kind) => {
    expect(classifyWrite(failure(status)).kind).toBe(kind);
  });

  it.each([
    ['delta-seconds', '2', { kind: 'rate_limited', retryAfterMs: 2_000 }],
    ['an HTTP date', 'Sun, 01 Mar 2026 12:00:05 GMT', { kind: 'rate_limited', retryAfterMs: 5_000 }],
    ['a delay above the cap', '3600', { kind: 'rate_limited', retryAfterMs: MAX_RETRY_AFTER_MS }],
    ['no header', undefined, { kind: 'rate_limited' }],
    ['an unreadable header', 'soon', { kind: 'rate_limited' }],
  ])('reads a 429 with %s', (_, header, expected) => {
    expect(classifyWrite(failure(429, header), NOW)).toEqual(expected);
  });

  it('keeps the Retry-After of a 503 and the message of a connection reset', () => {
    expect(classifyWrite(failure(503, '1'), NOW)).toEqual({
      kind: 'transient',
      statusCode: 503,
      message: 'HTTP_503',
      retryAfterMs: 1_000,
    });
    const reset = {
      ...failure(0),
      error: { ...failure(0).error, message: 'socket hang up', code: 'ECONNRESET' },
    };
    expect(classifyWrite(reset)).toEqual({ kind: 'transient', statusCode: 0, message: 'socket hang up' });
  });
});
