import { createHash } from 'node:crypto';
import { resolveStoreSettings } from '../store-settings';
import { MAX_JSON_DEPTH } from '@storebridge/untrusted-input';
import { DEFAULT_MAX_BODY_BYTES, StoreClient, StoreClientOptions } from './store.client';
import { StoreRequestError, StoreRequestErrorKind } from './store-request.error';

const CHUNK_BYTES = 64 * 1024;

/**
 * A store answering `bytes` of a JSON array, produced chunk by chunk only as the client reads
 * (highWaterMark 0: nothing is pulled ahead), counting what was pulled and whether the download was cancelled.
 */
function lazyArrayBody(bytes: number): {
  stream: ReadableStream<Uint8Array>;
  pulled: () => number;
  cancelled: () => boolean;
} {
  const items = new TextEncoder().encode('1,'.repeat(CHUNK_BYTES / 2));
  let sent = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent === 0) {
          controller.enqueue(new TextEncoder().encode('['));
          sent += 1;
          return;
        }
        if (sent >= bytes) {
          controller.enqueue(new TextEncoder().encode('1]'));
          controller.close();
          return;
        }
        controller.enqueue(items);
        sent += items.byteLength;
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => sent, cancelled: () => cancelled };
}

/** A client whose every request gets `answer()`, counting the calls. */
function clientAnswering(answer: () => Response, options: StoreClientOptions = {}) {
  let calls = 0;
  const fetchImpl: typeof fetch = async () => {
    calls += 1;
    return answer();
  };
  const settings = resolveStoreSettings({
    baseUrl: 'https://shop.example',
    auth: { method: 'api_key', token: 'k' },
  });
  const store = new StoreClient(settings, {
    fetchImpl,
    sleep: async () => undefined,
    random: () => 0,
    ...options,
  });
  return { store, calls: () => calls };
}

const json = (text: string): Response =>
  new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });

async function failure(promise: Promise<unknown>): Promise<StoreRequestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof StoreRequestError)) {
    throw new Error(`expected a StoreRequestError, got ${String(error)}`);
  }
  return error;
}

describe('StoreClient body limits', () => {
  it('refuses a 90 MB page, cancelling the download once past the cap', async () => {
    const body = lazyArrayBody(90 * 1024 * 1024);
    const { store, calls } = clientAnswering(() => new Response(body.stream, { status: 200 }));

    const error = await failure(store.getPage('products', 1));

    expect(error).toMatchObject({ kind: StoreRequestErrorKind.BadResponse, attempts: 1 });
    expect(error.message).toBe('GET /api/products failed: page 1: the response body is larger than 16 MiB');
    expect(body.cancelled()).toBe(true);
    expect(body.pulled()).toBeLessThan(DEFAULT_MAX_BODY_BYTES + CHUNK_BYTES + 1);
    expect(calls()).toBe(1);
  });

  it('refuses at once a body whose Content-Length is above the cap', async () => {
    const body = lazyArrayBody(4 * 1024);
    const { store } = clientAnswering(
      () => new Response(body.stream, { status: 200, headers: { 'content-length': String(4 * 1024) } }),
      { maxBodyBytes: 1024 },
    );

    const error = await failure(store.getPage('orders', 3));

    expect(error.message).toBe('GET /api/orders failed: page 3: the response body is larger than 1 KiB');
    expect(body.pulled()).toBe(0);
  });

  it('takes a body of exactly the cap, hashed as before', async () => {
    const text = `[${'1,'.repeat(499)}1]`;
    const { store } = clientAnswering(() => json(text), { maxBodyBytes: text.length });

    const page = await store.getPage('products', 1);

    expect(page.records).toHaveLength(500);
    expect(page.bodyHash).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('fails a page with far more records than asked', async () => {
    const { store } = clientAnswering(() => json(`[${'{"id":1},'.repeat(399_999)}{"id":1}]`));

    const error = await failure(store.getPage('products', 1, 50));

    expect(error).toMatchObject({ kind: StoreRequestErrorKind.BadResponse, attempts: 1 });
    expect(error.message).toBe(
      'GET /api/products failed: page 1: the store sent 400000 records when 50 were asked',
    );
  });

  it.each([
    [1, 1_000],
    [50, 1_000],
    [100, 1_000],
  ])('accepts a page asked with per_page %i holding %i records', async (perPage, records) => {
    const { store } = clientAnswering(() => json(`[${'{},'.repeat(records - 1)}{}]`));
    await expect(store.getPage('products', 1, perPage)).resolves.toMatchObject({ shape: 'array' });
  });

  it('fails a page nested thousands of levels deep with a clear reason', async () => {
    const { store } = clientAnswering(() => json(`{"data":${'['.repeat(5_000)}${']'.repeat(5_000)}}`));

    const error = await failure(store.getPage('products', 2));

    expect(error).toMatchObject({ kind: StoreRequestErrorKind.BadResponse, attempts: 1 });
    expect(error.message).toBe(
      `GET /api/products failed: page 2: the JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  });

  it('times out a store that starts its answer and never finishes it', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('[{"id":1},'));
      },
    });
    const { store } = clientAnswering(() => new Response(stalled, { status: 200 }), {
      timeoutMs: 50,
      retries: 0,
    });

    const error = await failure(store.getPage('products', 1));

    expect(error).toMatchObject({ kind: StoreRequestErrorKind.Timeout });
    expect(error.message).toContain('no complete response within 50 ms');
  });
});
