import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { demoOrder, demoProduct } from './demo-catalog';
import { DemoStoreConfig, DemoStoreOptions, resolveDemoStoreConfig } from './demo-store.config';
import { DemoStoreStats, DemoStoreStatsRecorder } from './demo-store.stats';
import { DemoCollection, paginate, parsePageRequest } from './demo-pagination';

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
}

type RouteHandler = (url: URL) => DemoResponse;

function json(status: number, body: unknown, headers?: Record<string, string>): DemoResponse {
  return { status, body, headers };
}

function collectionRoute<T>(collection: DemoCollection<T>): RouteHandler {
  return (url) => {
    const parsed = parsePageRequest(url.searchParams);
    return parsed.ok
      ? json(200, paginate(collection, parsed.request))
      : json(400, { error: 'bad_request', message: parsed.message });
  };
}

function buildRoutes(config: DemoStoreConfig): Map<string, RouteHandler> {
  const products: DemoCollection<unknown> = { total: config.productCount, item: demoProduct };
  const orders: DemoCollection<unknown> = {
    total: config.orderCount,
    item: (index) => demoOrder(index, config.productCount),
  };
  return new Map<string, RouteHandler>([
    [config.paths.health, () => json(200, { status: 'ok', timestamp: new Date().toISOString() })],
    [config.paths.products, collectionRoute(products)],
    [config.paths.orders, collectionRoute(orders)],
  ]);
}

/** Compares digests so neither the content nor the length of the key leaks through timing. */
function sameKey(expected: string, received: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(received));
}

function isAuthorized(req: IncomingMessage, apiKey: string | undefined): boolean {
  if (apiKey === undefined) {
    return true;
  }
  const received = req.headers['x-api-key'];
  return typeof received === 'string' && sameKey(apiKey, received);
}

function route(
  req: IncomingMessage,
  url: URL,
  config: DemoStoreConfig,
  routes: Map<string, RouteHandler>,
): DemoResponse {
  if (!isAuthorized(req, config.apiKey)) {
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
  const payload = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': 'application/json; charset=utf-8',
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

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://demo-store.local');
    let response: DemoResponse;
    try {
      response = route(req, url, config, routes);
    } catch (error: unknown) {
      response = json(500, {
        error: 'internal_error',
        message: error instanceof Error ? error.message : String(error),
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
