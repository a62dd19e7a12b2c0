import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { demoOrder, demoProduct } from './demo-catalog';
import {
  DemoStoreAuth,
  DemoStoreConfig,
  DemoStoreOptions,
  resolveDemoStoreConfig,
} from './demo-store.config';
import { styleDemoProduct } from './demo-product-style';
import { DemoStoreStats, DemoStoreStatsRecorder } from './demo-store.stats';
import { DemoCollection, paginate, parsePageRequest } from './demo-pagination';
import { loggableErrorText } from '@storebridge/security';

export interface DemoStore {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly config: Readonly<DemoStoreConfig>;
  readonly stats: DemoStoreStats;
  close(): Promise<void>;
}

interface DemoResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent as `text/html` instead of the JSON `body` (a reverse proxy's error page). */
  html?: string;
}

type RouteHandler = (url: URL) => DemoResponse;

function json(status: number, body: unknown, headers?: Record<string, string>): DemoResponse {
  return { status, body, headers };
}

function collectionRoute<T>(collection: DemoCollection<T>, config: DemoStoreConfig): RouteHandler {
  return (url) => {
    const parsed = parsePageRequest(url.searchParams);
    if (!parsed.ok) {
      return json(400, { error: 'bad_request', message: parsed.message });
    }
    const request = config.ignorePageParam ? { ...parsed.request, page: 1 } : parsed.request;
    const envelope = paginate(collection, request);
    return json(200, config.shape === 'array' ? envelope.data : envelope);
  };
}

function buildRoutes(config: DemoStoreConfig): Map<string, RouteHandler> {
  const products: DemoCollection<unknown> = {
    total: config.productCount,
    item: (index) => styleDemoProduct(demoProduct(index), index, config),
  };
  const orders: DemoCollection<unknown> = {
    total: config.orderCount,
    item: (index) => demoOrder(index, config.productCount, { guestOrderEvery: config.guestOrderEvery }),
  };
  return new Map<string, RouteHandler>([
    [config.paths.health, () => json(200, { status: 'ok', timestamp: new Date().toISOString() })],
    [config.paths.products, collectionRoute(products, config)],
    [config.paths.orders, collectionRoute(orders, config)],
  ]);
}

/** Compares digests so neither the content nor the length of the key leaks through timing. */
function sameKey(expected: string, received: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(received));
}

function isAuthorized(req: IncomingMessage, auth: DemoStoreAuth | undefined): boolean {
  if (auth === undefined) {
    return true;
  }
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  switch (auth.method) {
    case 'api_key': {
      const received = header('x-api-key');
      return received !== undefined && sameKey(auth.key, received);
    }
    case 'bearer': {
      const received = header('authorization');
      return received !== undefined && sameKey(`Bearer ${auth.token}`, received);
    }
    case 'basic': {
      const expected = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
      const received = header('authorization');
      return received !== undefined && sameKey(`Basic ${expected}`, received);
    }
  }
}

const HTML_ERROR_PAGE = (status: number): string =>
  `<!DOCTYPE html><html><head><title>${status} Error</title></head><body><h1>${status}</h1><p>The server is temporarily unable to service your request.</p></body></html>`;

/** Injected misbehaviour, decided by the request's rank among all requests the store received. */
function injectedFault(rank: number, config: DemoStoreConfig): DemoResponse | undefined {
  const { rateLimit, failures } = config;
  if (rateLimit !== undefined && rank % rateLimit.every === 0) {
    return json(429, { error: 'too_many_requests' }, { 'Retry-After': String(rateLimit.retryAfterSeconds) });
  }
  if (failures !== undefined && rank % failures.every === 0) {
    return failures.html
      ? { status: failures.status, body: undefined, html: HTML_ERROR_PAGE(failures.status) }
      : json(failures.status, { error: 'server_error' });
  }
  return undefined;
}

function route(
  req: IncomingMessage,
  url: URL,
  config: DemoStoreConfig,
  routes: Map<string, RouteHandler>,
): DemoResponse {
  if (!isAuthorized(req, config.auth)) {
    return json(401, { error: 'unauthorized' });
  }
  const handler = routes.get(url.pathname);
  if (handler === undefined) {
    return json(404, { error: 'not_found', message: `No route for ${url.pathname}` });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return json(405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD' });
  }
  return handler(url);
}

function send(res: ServerResponse, response: DemoResponse, withBody: boolean): void {
  const html = response.html !== undefined;
  const payload = response.html ?? JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...response.headers,
  });
  res.end(withBody ? payload : undefined);
}

/** Starts the demo store on 127.0.0.1; resolves once it accepts connections. */
export async function startDemoStore(options: DemoStoreOptions = {}): Promise<DemoStore> {
  const config = resolveDemoStoreConfig(options);
  const routes = buildRoutes(config);
  const stats = new DemoStoreStatsRecorder();
  const closing = new AbortController();
  let received = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://demo-store.local');
    let response: DemoResponse;
    try {
      received += 1;
      response = injectedFault(received, config) ?? route(req, url, config, routes);
    } catch (error: unknown) {
      response = json(500, {
        error: 'internal_error',
        message: loggableErrorText(error),
      });
    }
    stats.record(url.pathname, response.status);
    if (config.latencyMs > 0) {
      try {
        await delay(config.latencyMs, undefined, { signal: closing.signal });
      } catch {
        // Aborted by close(): the socket is being destroyed, nothing left to answer.
        return;
      }
    }
    send(res, response, req.method !== 'HEAD');
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await listen(server, config.port);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    config,
    stats,
    close: async () => {
      closing.abort();
      await closeServer(server);
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets held by clients (fetch pools them) would otherwise delay close.
    server.closeAllConnections();
  });
}
