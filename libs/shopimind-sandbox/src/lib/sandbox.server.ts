import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { createLifecycleDriver, LifecycleDriver, sendLifecycle } from './lifecycle-driver';
import { handleApiRequest } from './sandbox-api';
import { createSandboxControl, SandboxControl, SandboxControlOptions } from './sandbox-control';
import { SANDBOX_ENTITIES, SandboxEntity, SandboxItem } from './sandbox-entities';
import { FaultInjector, SandboxFaults, validateFaults } from './sandbox-faults';
import { closeServer, listen, readBody, sendJson } from './sandbox-http';
import { SandboxProductAcceptance } from './sandbox-product-accepts';
import { apiError } from './sandbox-response';
import {
  CreateInstallationInput,
  InstallationRecord,
  InstallationStatus,
  SandboxCredentials,
  SandboxDataSource,
  SandboxInstallationInfo,
  SandboxRequestLogEntry,
  SandboxState,
} from './sandbox-state';
import { isRecord } from '@storebridge/untrusted-input';
import { loggableErrorText } from '@storebridge/security';

export interface SandboxOptions {
  /** Port to listen on, 0 (default) for a random free one. Always bound to 127.0.0.1. */
  port?: number;
  /** Delay before every API request is processed, so a test can stop a writer mid-flight. */
  latencyMs?: number;
  /** Faults injected from the start; see `injectFaults`. */
  faults?: SandboxFaults;
  /**
   * Serves the control API under `/sandbox` (create installations, send their lifecycle webhooks) for a
   * sandbox run by hand; absent (default), `/sandbox` answers 404 as any unknown path.
   */
  control?: SandboxControlOptions;
  /** Accepted product records remembered per installation (`productAcceptances`); the oldest go first. */
  productAcceptLogCapacity?: number;
}

export interface SandboxInstallationState {
  installation: { installationId: string; status: InstallationStatus; shopDomain: string; shopName: string };
  products: SandboxItem[];
  orders: SandboxItem[];
  customers: SandboxItem[];
  orderStatuses: SandboxItem[];
  productCategories: SandboxItem[];
  productVariations: SandboxItem[];
  productImages: SandboxItem[];
  /** Flat, each with its `customer_id`. */
  customerAddresses: SandboxItem[];
  dataSources: SandboxDataSource[];
  requestLog: SandboxRequestLogEntry[];
}

export interface ShopimindSandbox {
  /** `http://127.0.0.1:<port>`, without `/v1`: give it to the SDK as `baseUrl`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;

  /** Creates an installation whose key starts revoked, as after ShopiMind's install. */
  createInstallation(input?: CreateInstallationInput): SandboxCredentials;
  installation(installationId: string): SandboxInstallationInfo;
  setActive(installationId: string, active: boolean): void;
  /** Revokes the key forever. */
  uninstall(installationId: string): void;

  products(installationId: string): SandboxItem[];
  orders(installationId: string): SandboxItem[];
  customers(installationId: string): SandboxItem[];
  orderStatuses(installationId: string): SandboxItem[];
  productCategories(installationId: string): SandboxItem[];
  /** Flat, each with its numeric `product_id`, whichever route brought it. */
  productVariations(installationId: string): SandboxItem[];
  productImages(installationId: string): SandboxItem[];
  /** Flat, each with its `customer_id`. */
  customerAddresses(installationId: string): SandboxItem[];
  dataSources(installationId: string): SandboxDataSource[];
  /** API requests received, oldest first, optionally for one installation. */
  requestLog(installationId?: string): SandboxRequestLogEntry[];
  /**
   * The product records accepted after the one numbered `afterSequence` (all remembered ones without it), oldest
   * first, each with when it was stored and its prices.
   */
  productAcceptances(installationId: string, afterSequence?: number): SandboxProductAcceptance[];
  state(installationId: string): SandboxInstallationState;
  /** Forgets every installation, item, data source and logged request, and stops injecting faults. */
  reset(): void;

  /**
   * From now on, writes answer `faults.status` as described by SandboxFaults (counters restart);
   * undefined stops it. Injected answers are in the request log with `injected: true`.
   */
  injectFaults(faults: SandboxFaults | undefined): void;
  /** Changes the delay before every API request from now on. */
  setLatency(latencyMs: number): void;

  sendLifecycle: typeof sendLifecycle;
  /** Lifecycle helpers that also move the key through its states before sending. */
  readonly lifecycle: LifecycleDriver;
}

function itemsOf(record: InstallationRecord, entity: SandboxEntity): SandboxItem[] {
  return [...record.items[entity].values()].map((item) => structuredClone(item));
}

function installationState(state: SandboxState, record: InstallationRecord): SandboxInstallationState {
  return {
    installation: {
      installationId: record.installationId,
      status: record.status,
      shopDomain: record.shopDomain,
      shopName: record.shopName,
    },
    products: itemsOf(record, 'products'),
    orders: itemsOf(record, 'orders'),
    customers: itemsOf(record, 'customers'),
    orderStatuses: itemsOf(record, 'orders-statuses'),
    productCategories: itemsOf(record, 'products-categories'),
    productVariations: itemsOf(record, 'products-variations'),
    productImages: itemsOf(record, 'products-images'),
    customerAddresses: itemsOf(record, 'customers-addresses'),
    dataSources: record.dataSources.map((source) => ({ ...source })),
    requestLog: state.requestLog(record.installationId),
  };
}

/** What can change while the sandbox runs, besides its data. */
interface SandboxRuntime {
  latencyMs: number;
  /** API requests received and not answered yet. */
  inFlight: number;
  readonly faults: FaultInjector;
}

function validateLatency(latencyMs: unknown): number {
  if (typeof latencyMs !== 'number' || !Number.isInteger(latencyMs) || latencyMs < 0) {
    throw new RangeError(`sandbox latencyMs must be a non-negative integer, got ${String(latencyMs)}`);
  }
  return latencyMs;
}

/** Test-only window into the sandbox; tokens are never exposed here. */
async function inspect(
  state: SandboxState,
  runtime: SandboxRuntime,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  if (route === 'PUT /__sandbox/faults' || route === 'PUT /__sandbox/latency') {
    await control(runtime, route, req, res);
    return;
  }
  if (route !== 'GET /__sandbox/state') {
    sendJson(res, 404, apiError(404, `Cannot ${route}`).body);
    return;
  }
  const installationId = url.searchParams.get('installation_id');
  if (installationId === null) {
    const installations = state.all().map((record) => ({
      installationId: record.installationId,
      status: record.status,
      counts: Object.fromEntries(SANDBOX_ENTITIES.map((entity) => [entity, record.items[entity].size])),
    }));
    sendJson(res, 200, {
      installations,
      faults: runtime.faults.current() ?? null,
      latencyMs: runtime.latencyMs,
    });
    return;
  }
  const record = state.all().find((candidate) => candidate.installationId === installationId);
  if (record === undefined) {
    sendJson(res, 404, apiError(404, `Unknown installation ${installationId}`).body);
    return;
  }
  sendJson(res, 200, installationState(state, record));
}

/** `PUT /__sandbox/faults` with SandboxFaults or `null`; `PUT /__sandbox/latency` with `{ "latencyMs": n }`. */
async function control(
  runtime: SandboxRuntime,
  route: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  if (body.kind !== 'json') {
    sendJson(res, 400, apiError(400, 'Request body must be JSON').body);
    return;
  }
  try {
    if (route === 'PUT /__sandbox/faults') {
      runtime.faults.set(body.value === null ? undefined : validateFaults(body.value));
      sendJson(res, 200, { faults: runtime.faults.current() ?? null });
      return;
    }
    runtime.latencyMs = validateLatency(isRecord(body.value) ? body.value['latencyMs'] : undefined);
    sendJson(res, 200, { latencyMs: runtime.latencyMs });
  } catch (error: unknown) {
    if (!(error instanceof RangeError)) {
      throw error;
    }
    sendJson(res, 400, apiError(400, error.message).body);
  }
}

async function handle(
  state: SandboxState,
  runtime: SandboxRuntime,
  controlApi: SandboxControl | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.local');
  try {
    if (controlApi !== undefined && (url.pathname === '/sandbox' || url.pathname.startsWith('/sandbox/'))) {
      await controlApi(req, url, res);
      return;
    }
    if (url.pathname.startsWith('/__sandbox/')) {
      await inspect(state, runtime, req, url, res);
      return;
    }
    if (url.pathname !== '/v1' && !url.pathname.startsWith('/v1/')) {
      sendJson(res, 404, apiError(404, `Cannot ${req.method ?? 'GET'} ${url.pathname}`).body);
      return;
    }
    const apiKey = req.headers['spm-api-key'];
    runtime.inFlight += 1;
    const inFlight = runtime.inFlight;
    try {
      const body = await readBody(req);
      // Read once per request: a latency changed meanwhile applies to the requests that come after.
      const latencyMs = runtime.latencyMs;
      if (latencyMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, latencyMs));
      }
      const response = handleApiRequest(
        state,
        {
          method: req.method ?? 'GET',
          path: url.pathname,
          apiKey: typeof apiKey === 'string' ? apiKey : undefined,
          body,
          inFlight,
        },
        runtime.faults,
      );
      sendJson(res, response.status, response.body, response.headers);
    } finally {
      runtime.inFlight -= 1;
    }
  } catch (error: unknown) {
    if (!res.headersSent) {
      sendJson(res, 500, apiError(500, loggableErrorText(error)).body);
    }
  }
}

/** Starts the ShopiMind sandbox on 127.0.0.1; resolves once it accepts connections. */
export async function startShopimindSandbox(options: SandboxOptions = {}): Promise<ShopimindSandbox> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0) {
    throw new RangeError(`sandbox option port must be a non-negative integer, got ${port}`);
  }
  const state = new SandboxState(options.productAcceptLogCapacity);
  const runtime: SandboxRuntime = {
    latencyMs: validateLatency(options.latencyMs ?? 0),
    inFlight: 0,
    faults: new FaultInjector(),
  };
  runtime.faults.set(options.faults);
  const lifecycle = createLifecycleDriver(state);
  const controlApi =
    options.control &&
    createSandboxControl(
      {
        state,
        lifecycle,
        describe: (installationId) => installationState(state, state.require(installationId)),
      },
      options.control,
    );
  const server = createServer((req, res) => {
    void handle(state, runtime, controlApi, req, res);
  });
  await listen(server, port);
  const address = server.address() as AddressInfo;
  const items = (entity: SandboxEntity) => (installationId: string) =>
    itemsOf(state.require(installationId), entity);

  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () => closeServer(server),
    createInstallation: (input) => state.createInstallation(input),
    installation: (installationId) => {
      const { accessToken, installationId: id, status, shopDomain, shopName } = state.require(installationId);
      return { installationId: id, accessToken, status, shopDomain, shopName };
    },
    setActive: (installationId, active) => state.setActive(installationId, active),
    uninstall: (installationId) => state.uninstall(installationId),
    products: items('products'),
    orders: items('orders'),
    customers: items('customers'),
    orderStatuses: items('orders-statuses'),
    productCategories: items('products-categories'),
    productVariations: items('products-variations'),
    productImages: items('products-images'),
    customerAddresses: items('customers-addresses'),
    dataSources: (installationId) =>
      state.require(installationId).dataSources.map((source) => ({ ...source })),
    requestLog: (installationId) => state.requestLog(installationId),
    productAcceptances: (installationId, afterSequence) =>
      state.require(installationId).productAccepts.since(afterSequence),
    state: (installationId) => installationState(state, state.require(installationId)),
    reset: () => {
      state.reset();
      runtime.faults.set(undefined);
    },
    injectFaults: (faults) => runtime.faults.set(faults),
    setLatency: (latencyMs) => {
      runtime.latencyMs = validateLatency(latencyMs);
    },
    sendLifecycle,
    lifecycle,
  };
}
