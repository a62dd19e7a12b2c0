import { StoreWebhookConnections, type StoreWebhookConnection } from './store-webhook-connections';

function aConnection(token: string, webhookSecret?: string): StoreWebhookConnection {
  return {
    connectionId: `connection of ${token}`,
    fieldMappings: { products: {}, orders: {} },
    ...(webhookSecret === undefined ? {} : { webhookSecret }),
  };
}

/** A store of connections by token that counts its reads, with a clock the test moves. */
function setUp(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const stored = new Map<string, StoreWebhookConnection>();
  const reads: string[] = [];
  let now = 0;
  const connections = new StoreWebhookConnections(
    async (token) => {
      reads.push(token);
      return stored.get(token) ?? null;
    },
    { ttlMs: options.ttlMs ?? 5_000, maxEntries: options.maxEntries ?? 100, now: () => now },
  );
  return {
    connections,
    stored,
    reads,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('StoreWebhookConnections', () => {
  it('reads a connection once for the webhooks of its lifetime in memory, concurrent first calls included', async () => {
    const { connections, stored, reads, advance } = setUp();
    stored.set('tok_a', aConnection('tok_a', 'secret'));

    const first = await Promise.all([connections.find('tok_a'), connections.find('tok_a')]);
    advance(4_999);
    const later = await connections.find('tok_a');

    expect(first).toEqual([aConnection('tok_a', 'secret'), aConnection('tok_a', 'secret')]);
    expect(later).toEqual(aConnection('tok_a', 'secret'));
    expect(reads).toEqual(['tok_a']);
  });

  it('reads it again once its time is up: a changed secret or a removed connection shows', async () => {
    const { connections, stored, reads, advance } = setUp();
    stored.set('tok_a', aConnection('tok_a', 'old secret'));
    await connections.find('tok_a');

    stored.set('tok_a', aConnection('tok_a', 'new secret'));
    advance(5_000);
    expect(await connections.find('tok_a')).toEqual(aConnection('tok_a', 'new secret'));
    stored.delete('tok_a');
    advance(5_000);
    expect(await connections.find('tok_a')).toBeNull();
    expect(reads).toEqual(['tok_a', 'tok_a', 'tok_a']);
  });

  it('reads it again at once when asked to (a signature the kept secret refuses)', async () => {
    const { connections, stored, reads } = setUp();
    stored.set('tok_a', aConnection('tok_a', 'old secret'));
    await connections.find('tok_a');
    stored.set('tok_a', aConnection('tok_a', 'new secret'));

    expect(await connections.find('tok_a', { fresh: true })).toEqual(aConnection('tok_a', 'new secret'));
    expect(await connections.find('tok_a')).toEqual(aConnection('tok_a', 'new secret'));
    expect(reads).toEqual(['tok_a', 'tok_a']);
  });

  it('keeps no answer for an unknown token, so made-up tokens cannot fill the memory', async () => {
    const { connections, stored, reads } = setUp();

    expect(await connections.find('tok_unknown')).toBeNull();
    stored.set('tok_unknown', aConnection('tok_unknown'));
    expect(await connections.find('tok_unknown')).toEqual(aConnection('tok_unknown'));
    expect(reads).toEqual(['tok_unknown', 'tok_unknown']);
  });

  it('keeps at most maxEntries connections, forgetting the least recently used', async () => {
    const { connections, stored, reads } = setUp({ maxEntries: 2 });
    for (const token of ['tok_a', 'tok_b', 'tok_c']) {
      stored.set(token, aConnection(token));
    }
    await connections.find('tok_a');
    await connections.find('tok_b');
    await connections.find('tok_a');
    await connections.find('tok_c');
    reads.length = 0;

    await connections.find('tok_a');
    await connections.find('tok_c');
    await connections.find('tok_b');

    expect(reads).toEqual(['tok_b']);
  });

  it('does not keep a failed read: the next webhook tries again', async () => {
    let fail = true;
    const connections = new StoreWebhookConnections(
      async (token) => {
        if (fail) {
          throw new Error('database unavailable');
        }
        return aConnection(token);
      },
      { ttlMs: 5_000, maxEntries: 10, now: () => 0 },
    );

    await expect(connections.find('tok_a')).rejects.toThrow('database unavailable');
    fail = false;
    expect(await connections.find('tok_a')).toEqual(aConnection('tok_a'));
  });
});
