import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { currentCorrelationId } from '@storebridge/messaging';
import express from 'express';
import { correlateRequests } from './correlate-requests';

describe('correlateRequests', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use(correlateRequests);
    app.post('/', async (_request, response) => {
      // A later turn of the handler still sees the request's id.
      await new Promise((resolve) => setImmediate(resolve));
      response.json({ seen: currentCorrelationId() ?? null });
    });
    server = await new Promise<Server>((resolve) => {
      const started = app.listen(0, '127.0.0.1', () => resolve(started));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function post(headers: Record<string, string> = {}) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });
    const { seen } = (await response.json()) as { seen: string | null };
    return { seen, returned: response.headers.get('x-correlation-id') };
  }

  it('keeps a usable id the caller sent, and names it in the response', async () => {
    expect(await post({ 'X-Correlation-Id': 'client-42' })).toEqual({
      seen: 'client-42',
      returned: 'client-42',
    });
    expect(await post({ 'X-Request-Id': 'proxy-7' })).toEqual({ seen: 'proxy-7', returned: 'proxy-7' });
  });

  it('makes a new id for a request without one, or with one it cannot use', async () => {
    const first = await post();
    const refused = await post({ 'X-Request-Id': 'x'.repeat(65) });

    expect(first.seen).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.returned).toBe(first.seen);
    expect(refused.seen).toMatch(/^[0-9a-f-]{36}$/);
    expect(refused.seen).not.toBe(first.seen);
  });
});
