import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { loadFigures, pacedSchedule, percentile, summarizeLatencies, WebhookLoad } from './webhook-load';

describe('percentile', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10, 1],
    [[7], 99, 7],
    [[], 50, undefined],
  ])('of %j at %d is %p', (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });

  it('of 1..1000 at 99 is 990: the nearest rank, not an interpolation', () => {
    expect(
      percentile(
        Array.from({ length: 1000 }, (_, k) => k + 1),
        99,
      ),
    ).toBe(990);
  });

  it('is a value of the list with at least p % of the values at or below it, and none smaller is', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const value = percentile(sorted, p) as number;
          const atOrBelow = sorted.filter((other) => other <= value).length;
          const below = sorted.filter((other) => other < value).length;
          expect(sorted).toContain(value);
          expect(atOrBelow * 100).toBeGreaterThanOrEqual(p * sorted.length);
          expect(below * 100).toBeLessThan(p * sorted.length);
        },
      ),
    );
  });

  it.each([0, -1, 101, Number.NaN])('refuses p = %p', (p) => {
    expect(() => percentile([1], p)).toThrow('a percentile must be in (0, 100]');
  });
});

describe('summarizeLatencies and loadFigures', () => {
  it('sorts before taking percentiles', () => {
    expect(summarizeLatencies([30, 10, 20])).toEqual({ count: 3, p50Ms: 20, p99Ms: 30, maxMs: 30 });
  });

  it('counts every answer other than 200, failed requests included, and requests per second', () => {
    const sent = [200, 200, 503, 0].map((status, k) => ({ sentAt: k, status, latencyMs: 10 * (k + 1) }));
    expect(loadFigures(sent, 2_000)).toEqual({
      count: 4,
      p50Ms: 20,
      p99Ms: 40,
      maxMs: 40,
      durationMs: 2_000,
      requestsPerSecond: 2,
      non200: 2,
    });
    expect(loadFigures([], 0).requestsPerSecond).toBeUndefined();
  });
});

describe('pacedSchedule', () => {
  it('spreads the requests evenly at the rate', () => {
    expect(pacedSchedule(5, 500)).toEqual([0, 2, 4, 6, 8]);
  });
});

describe('WebhookLoad', () => {
  let server: Server;
  let origin: string;
  let connectionsOpened = 0;
  const bodies: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(body.includes('refuse') ? 401 : 200, { 'content-type': 'application/json' });
        res.end('{"success":true}');
      });
    });
    server.on('connection', () => (connectionsOpened += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    bodies.length = 0;
    connectionsOpened = 0;
  });

  const webhooks = (count: number) =>
    Array.from({ length: count }, (_, k) => ({
      path: '/hook',
      body: k === 3 ? 'refuse' : `body ${k}`,
      headers: { 'content-type': 'application/json' },
    }));

  it('sends every webhook once over at most its connections, and counts the refused', async () => {
    const load = new WebhookLoad(origin, 4);
    const { sent, figures } = await load.sendAll(webhooks(40), new AbortController().signal);
    await load.close();

    expect(bodies.sort()).toEqual(
      webhooks(40)
        .map((webhook) => webhook.body)
        .sort(),
    );
    expect(sent.map((webhook) => webhook.status).filter((status) => status !== 200)).toEqual([401]);
    expect(figures).toMatchObject({ count: 40, non200: 1 });
    expect(connectionsOpened).toBeLessThanOrEqual(4);
  });

  it('sends paced webhooks in order, each not before its moment', async () => {
    const load = new WebhookLoad(origin, 2);
    const { sent } = await load.sendPaced(webhooks(5), 100, new AbortController().signal);
    await load.close();

    expect(bodies).toHaveLength(5);
    // Date.now() has whole milliseconds: each gap is at least the 10 ms spacing, less the rounding.
    sent
      .slice(1)
      .forEach((webhook, k) =>
        expect(webhook.sentAt - sent[0].sentAt).toBeGreaterThanOrEqual(10 * (k + 1) - 1),
      );
  });

  it('answers status 0 when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const load = new WebhookLoad(`http://127.0.0.1:${port}`, 1);
    const { figures, sent } = await load.sendAll(webhooks(1), new AbortController().signal);
    await load.close();

    expect(sent.map((webhook) => webhook.status)).toEqual([0]);
    expect(figures.non200).toBe(1);
  });
});
