import { QueryFailedError } from 'typeorm';
import { failureFingerprint, isAvailabilityFailure, summarizeFailure } from './failure-classification';
import { DependencyUnavailableError } from './messaging.errors';

function withCode(code: string | number, message = 'failed', name = 'Error'): Error {
  const error = Object.assign(new Error(message), { code });
  error.name = name;
  return error;
}

function queryFailed(sqlstate: string, message = 'database error'): QueryFailedError {
  return new QueryFailedError(
    'INSERT INTO "store_products" VALUES ($1)',
    ['secret-value'],
    withCode(sqlstate, message),
  );
}

describe('isAvailabilityFailure', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['a timeout', withCode('ETIMEDOUT')],
    ['a broken pipe', withCode('EPIPE')],
    ['a DNS failure', withCode('EAI_AGAIN')],
    ['an unknown host', withCode('ENOTFOUND')],
    [
      'fetch failing on a refused connection',
      new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }),
    ],
    ['an AggregateError of refused connections', new AggregateError([withCode('ECONNREFUSED')], 'connect')],
    ['PostgreSQL refusing connections (08006)', queryFailed('08006', 'connection failure')],
    ['PostgreSQL out of resources (53300)', queryFailed('53300', 'too many connections')],
    [
      'an admin shutdown (57P01)',
      queryFailed('57P01', 'terminating connection due to administrator command'),
    ],
    ['a serialization failure (40001)', queryFailed('40001')],
    ['a deadlock (40P01)', queryFailed('40P01', 'deadlock detected')],
    ['a lock not available (55P03)', queryFailed('55P03')],
    ["the pg driver's lost connection", new Error('Connection terminated unexpectedly')],
    ["pg-pool's connect timeout", new Error('timeout exceeded when trying to connect')],
    ['a closed NATS connection', withCode('CONNECTION_CLOSED', 'CONNECTION_CLOSED', 'NatsError')],
    ['a NATS request timeout', withCode('TIMEOUT', 'TIMEOUT', 'NatsError')],
    ['JetStream not answering (503)', withCode('503', 'no responders', 'NatsError')],
    ['a dependency the handler says is down', new DependencyUnavailableError('ShopiMind answered 503')],
    [
      "Nest's generic error object, which hides the cause",
      { status: 'error', message: 'Internal server error' },
    ],
  ])('counts %s as the system being unavailable', (_label, error) => {
    expect(isAvailabilityFailure(error)).toBe(true);
  });

  it.each([
    ['text PostgreSQL refuses (22P05)', queryFailed('22P05', 'unsupported Unicode escape sequence')],
    ['a NUL byte in text (22021)', queryFailed('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['a unique violation (23505)', queryFailed('23505', 'duplicate key value violates unique constraint')],
    ['a value too long (22001)', queryFailed('22001')],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a plain error', new Error('No synced record kind named widgets')],
    ['a NATS payload too big', withCode('MAX_PAYLOAD_EXCEEDED', 'message size exceeds maximum', 'NatsError')],
  ])('counts %s as a failure of the message', (_label, error) => {
    expect(isAvailabilityFailure(error)).toBe(false);
  });
});

describe('summarizeFailure', () => {
  it("keeps a QueryFailedError's name, SQLSTATE, statement and message, never its parameters", () => {
    const summary = summarizeFailure(queryFailed('22P05', 'unsupported Unicode escape sequence'));

    expect(summary).toEqual({
      name: 'QueryFailedError',
      code: '22P05',
      message: 'INSERT INTO "store_products": unsupported Unicode escape sequence',
    });
    expect(JSON.stringify(summary)).not.toContain('secret-value');
  });

  it('masks a value the database quotes in its message', () => {
    const summary = summarizeFailure(
      queryFailed('22P02', 'invalid input syntax for type uuid: "secret-value"'),
    );

    expect(summary.message).toBe('INSERT INTO "store_products": invalid input syntax for type uuid: "…"');
  });

  it('summarizes what is not an Error', () => {
    expect(summarizeFailure('boom')).toEqual({ name: 'Error', message: 'boom' });
  });
});

describe('failureFingerprint', () => {
  it('is the same for failures differing only by numbers', () => {
    const first = summarizeFailure(new Error('page 12 holds 3 invalid records'));
    const second = summarizeFailure(new Error('page 13 holds 40 invalid records'));

    expect(failureFingerprint(first)).toBe(failureFingerprint(second));
  });

  it.each([
    ['the name', new TypeError('boom'), new RangeError('boom')],
    ['the code', queryFailed('22P05', 'boom'), queryFailed('23505', 'boom')],
    ['the message', new Error('boom'), new Error('bang')],
  ])('differs when %s differs', (_label, first, second) => {
    expect(failureFingerprint(summarizeFailure(first))).not.toBe(
      failureFingerprint(summarizeFailure(second)),
    );
  });
});
