import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeStoreRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export type FakeStoreReply =
  | { status?: number; json?: unknown; body?: string; headers?: Record<string, string> }
  | { hang: true }
  | { reset: true };

export type FakeStoreHandler = (request: FakeStoreRequest) => FakeStoreReply;

/**
 * A real HTTP store on a loopback port chosen by the kernel, so client tests exercise
 * Node's fetch, sockets and timeouts rather than a mocked `fetch`. Test-only (excluded from the build).
 */
export class FakeStoreServer {
  readonly requests: FakeStoreRequest[] = [];
  private readonly server: Server;

  private constructor(private handler: FakeStoreHandler) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const request = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
      };
      this.requests.push(request);
      const reply = this.handler(request);
      if ('hang' in reply) {
        return;
      }
      if ('reset' in reply) {
        req.socket.destroy();
        return;
      }
      const body = reply.json === undefined ? (reply.body ?? '') : JSON.stringify(reply.json);
      const contentType = reply.json === undefined ? 'text/html; charset=utf-8' : 'application/json';
      res.writeHead(reply.status ?? 200, { 'content-type': contentType, ...reply.headers });
      res.end(body);
    });
  }

  static async start(handler: FakeStoreHandler): Promise<FakeStoreServer> {
    const fake = new FakeStoreServer(handler);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', resolve);
    });
    return fake;
  }

  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  respondWith(handler: FakeStoreHandler): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    // Hanging requests would otherwise keep the server (and jest) alive.
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

/** A handler serving `records` in pages the way a well-behaved store does (spec §3). */
export function pagedStore(
  records: readonly unknown[],
  shape: 'envelope' | 'array',
  options: { ignorePage?: boolean } = {},
): FakeStoreHandler {
  return ({ query }) => {
    const perPage = Number(query.get('per_page') ?? '50');
    const page = options.ignorePage ? 1 : Number(query.get('page') ?? '1');
    const data = records.slice((page - 1) * perPage, page * perPage);
    if (shape === 'array') {
      return { json: data };
    }
    const lastPage = Math.max(1, Math.ceil(records.length / perPage));
    return {
      json: {
        data,
        meta: { current_page: page, per_page: perPage, total: records.length, last_page: lastPage },
      },
    };
  };
}
