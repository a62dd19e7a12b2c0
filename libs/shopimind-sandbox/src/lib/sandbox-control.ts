import { IncomingMessage, ServerResponse } from 'node:http';
import { Configs, isAcceptedByIntegration, LifecycleDriver, SignedResponse } from './lifecycle-driver';
import { SANDBOX_ENTITIES, SandboxEntity } from './sandbox-entities';
import { readBody, sendJson } from './sandbox-http';
import { apiError, ApiResponse } from './sandbox-response';
import { SandboxState } from './sandbox-state';
import { isRecord } from '@storebridge/untrusted-input';
import type { SandboxInstallationState } from './sandbox.server';

/**
 * The sandbox's control API, for a partner trying the gateway by hand with curl: what the in-process
 * helpers (`createInstallation`, `lifecycle.*`, `state`) do, over HTTP under `/sandbox`.
 */

export interface SandboxControlOptions {
  /** Where the lifecycle webhooks go, e.g. `http://127.0.0.1:8082`. */
  gatewayUrl: string;
  /** The secret the gateway checks ShopiMind's signatures with. */
  webhookSecret: string;
  /** Shown by `GET /sandbox`, e.g. the configs of a store to point installations at. */
  about?: Record<string, unknown>;
  /** Per webhook; activate waits for the gateway's check of the store. 30 s by default. */
  timeoutMs?: number;
  /** One line per webhook sent, with the gateway's answer. */
  log?: (line: string) => void;
}

export interface SandboxControlDeps {
  state: SandboxState;
  lifecycle: LifecycleDriver;
  describe(installationId: string): SandboxInstallationState;
}

export type SandboxControl = (req: IncomingMessage, url: URL, res: ServerResponse) => Promise<void>;

interface ControlRoute {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  does: string;
}

export const SANDBOX_CONTROL_ROUTES: readonly ControlRoute[] = [
  { method: 'GET', path: '/sandbox', does: 'this list' },
  {
    method: 'GET',
    path: '/sandbox/installations',
    does: 'every installation: status and how many records ShopiMind holds',
  },
  {
    method: 'POST',
    path: '/sandbox/installations',
    body: '{"installation_id"?, "shop_domain"?, "shop_name"?, "configs"?}',
    does: 'creates an installation (its key revoked) and sends the signed install with its access token',
  },
  {
    method: 'GET',
    path: '/sandbox/installations/{id}',
    does: 'status, records held per entity, data sources, the last API requests',
  },
  {
    method: 'GET',
    path: '/sandbox/installations/{id}/{entity}',
    does: `the records held, entity one of ${SANDBOX_ENTITIES.join(', ')}; ?limit=n for the first n`,
  },
  {
    method: 'POST',
    path: '/sandbox/installations/{id}/activate',
    body: '{"configs"?}',
    does: 'un-revokes the key and sends activate with the configs (by default the last ones sent)',
  },
  {
    method: 'POST',
    path: '/sandbox/installations/{id}/config_updated',
    body: 'the configs object',
    does: 'sends config_updated with these configs',
  },
  {
    method: 'POST',
    path: '/sandbox/installations/{id}/deactivate',
    does: 'revokes the key and sends deactivate',
  },
  {
    method: 'POST',
    path: '/sandbox/installations/{id}/uninstall',
    does: 'revokes the key forever and sends uninstall',
  },
];

const LIFECYCLE_ACTIONS = ['activate', 'config_updated', 'deactivate', 'uninstall'] as const;
type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

const CREATE_FIELDS = ['installation_id', 'shop_domain', 'shop_name', 'configs'];
const MAX_TEXT_LENGTH = 255;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A request the control API refuses, answered with its status and reason. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function isLifecycleAction(value: string): value is LifecycleAction {
  return (LIFECYCLE_ACTIONS as readonly string[]).includes(value);
}

function isEntity(value: string): value is SandboxEntity {
  return (SANDBOX_ENTITIES as readonly string[]).includes(value);
}

function requireMethod(req: IncomingMessage, ...allowed: Array<'GET' | 'POST'>): void {
  if (!(allowed as string[]).includes(req.method ?? 'GET')) {
    throw new ControlError(405, `Use ${allowed.join(' or ')} here`, { Allow: allowed.join(', ') });
  }
}

/** The JSON body, or undefined when there is none; refuses anything else. */
async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  switch (body.kind) {
    case 'empty':
      return undefined;
    case 'json':
      return body.value;
    case 'invalid_json':
      throw new ControlError(400, 'The body is not valid JSON');
    case 'too_large':
      throw new ControlError(413, 'The body is too large');
  }
}

function optionalText(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) {
    return undefined;
  }
  if (
    typeof value !== 'string' ||
    value === '' ||
    value.length > MAX_TEXT_LENGTH ||
    CONTROL_CHARACTERS.test(value)
  ) {
    throw new ControlError(
      400,
      `${field} must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters without control characters`,
    );
  }
  return value;
}

function optionalConfigs(body: Record<string, unknown>): Configs | undefined {
  const configs = body['configs'];
  if (configs !== undefined && !isRecord(configs)) {
    throw new ControlError(400, 'configs must be a JSON object');
  }
  return configs;
}

function objectBody(value: unknown, allowedFields: readonly string[]): Record<string, unknown> {
  if (value === undefined) {
    return {};
  }
  if (!isRecord(value)) {
    throw new ControlError(400, 'The body must be a JSON object');
  }
  const unknown = Object.keys(value).filter((field) => !allowedFields.includes(field));
  if (unknown.length > 0) {
    throw new ControlError(
      400,
      `Unknown field(s) ${unknown.join(', ')}; expected ${allowedFields.join(', ') || 'no field'}`,
    );
  }
  return value;
}

function parseLimit(url: URL): number | undefined {
  const limit = url.searchParams.get('limit');
  if (limit === null) {
    return undefined;
  }
  if (!/^\d{1,9}$/.test(limit)) {
    throw new ControlError(400, `limit must be a non-negative integer, got ${limit}`);
  }
  return Number(limit);
}

/** Splits `/sandbox/installations/{id}/{rest}`; the id is URL-decoded. */
function pathSegments(pathname: string): string[] {
  const segments = pathname.replace(/\/+$/, '').split('/').slice(2);
  try {
    return segments.map((segment) => decodeURIComponent(segment));
  } catch {
    throw new ControlError(400, `The path ${pathname} is not valid URL encoding`);
  }
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  // fetch reports "fetch failed"; the reason (ECONNREFUSED, a timeout…) is in its cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

export function createSandboxControl(
  deps: SandboxControlDeps,
  options: SandboxControlOptions,
): SandboxControl {
  const { state, lifecycle } = deps;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const signing = { secret: options.webhookSecret, timeoutMs };
  const log = options.log ?? (() => undefined);
  // What the merchant last saved in ShopiMind's form, sent again by an activate without configs.
  const savedConfigs = new Map<string, Configs>();

  const requireInstallation = (installationId: string) => {
    const record = state.all().find((candidate) => candidate.installationId === installationId);
    if (record === undefined) {
      throw new ControlError(404, `Unknown installation ${installationId}`);
    }
    return record;
  };

  /** Sends one webhook; 502 when the gateway cannot be reached or does not answer `{"success": true}`. */
  const deliver = async (
    event: string,
    installationId: string,
    successStatus: number,
    send: () => Promise<SignedResponse>,
    extra: Record<string, unknown> = {},
  ): Promise<ApiResponse> => {
    let gateway: SignedResponse;
    try {
      gateway = await send();
    } catch (error: unknown) {
      const reason = `The gateway at ${options.gatewayUrl} could not be reached: ${describeFailure(error)}`;
      log(`${event} ${installationId} → ${reason}`);
      return {
        status: 502,
        body: {
          ...(apiError(502, reason).body as Record<string, unknown>),
          installation_id: installationId,
          status: requireInstallation(installationId).status,
          event,
        },
      };
    }
    const accepted = isAcceptedByIntegration(gateway);
    log(`${event} ${installationId} → HTTP ${gateway.status} ${JSON.stringify(gateway.body)}`);
    return {
      status: accepted ? successStatus : 502,
      body: {
        installation_id: installationId,
        ...extra,
        status: requireInstallation(installationId).status,
        event,
        accepted,
        gateway,
      },
    };
  };

  const createInstallation = async (req: IncomingMessage): Promise<ApiResponse> => {
    const body = objectBody(await jsonBody(req), CREATE_FIELDS);
    const installationId = optionalText(body, 'installation_id');
    const configs = optionalConfigs(body);
    const input = {
      installationId,
      shopDomain: optionalText(body, 'shop_domain'),
      shopName: optionalText(body, 'shop_name'),
    };
    if (installationId !== undefined && state.all().some((r) => r.installationId === installationId)) {
      throw new ControlError(409, `Installation ${installationId} already exists`);
    }
    const credentials = state.createInstallation(input);
    if (configs !== undefined) {
      savedConfigs.set(credentials.installationId, configs);
    }
    return deliver(
      'install',
      credentials.installationId,
      201,
      () => lifecycle.install(options.gatewayUrl, credentials.installationId, { ...signing, configs }),
      { access_token: credentials.accessToken },
    );
  };

  const runLifecycle = async (
    req: IncomingMessage,
    installationId: string,
    action: LifecycleAction,
  ): Promise<ApiResponse> => {
    requireMethod(req, 'POST');
    const record = requireInstallation(installationId);
    // ShopiMind sends nothing more for an uninstalled installation but the retry of uninstall itself.
    if (record.status === 'uninstalled' && action !== 'uninstall') {
      throw new ControlError(
        409,
        `Installation ${installationId} is uninstalled; its key is revoked forever`,
      );
    }
    const gatewayUrl = options.gatewayUrl;
    switch (action) {
      case 'activate': {
        const configs = optionalConfigs(objectBody(await jsonBody(req), ['configs']));
        if (configs !== undefined) {
          savedConfigs.set(installationId, configs);
        }
        const sent = savedConfigs.get(installationId) ?? {};
        return deliver(action, installationId, 200, () =>
          lifecycle.activate(gatewayUrl, installationId, { ...signing, configs: sent }),
        );
      }
      case 'config_updated': {
        const configs = await jsonBody(req);
        if (!isRecord(configs)) {
          throw new ControlError(400, 'The body must be the configs, a JSON object');
        }
        savedConfigs.set(installationId, configs);
        return deliver(action, installationId, 200, () =>
          lifecycle.configUpdated(gatewayUrl, installationId, { ...signing, configs }),
        );
      }
      case 'deactivate':
        return deliver(action, installationId, 200, () =>
          lifecycle.deactivate(gatewayUrl, installationId, signing),
        );
      case 'uninstall':
        savedConfigs.delete(installationId);
        return deliver(action, installationId, 200, () =>
          lifecycle.uninstall(gatewayUrl, installationId, signing),
        );
    }
  };

  const summary = (installationId: string): Record<string, unknown> => {
    const described = deps.describe(installationId);
    const { installation } = described;
    const holds: Record<SandboxEntity, number> = {
      products: described.products.length,
      orders: described.orders.length,
      customers: described.customers.length,
      'orders-statuses': described.orderStatuses.length,
      'products-categories': described.productCategories.length,
      'products-variations': described.productVariations.length,
      'products-images': described.productImages.length,
      'customers-addresses': described.customerAddresses.length,
    };
    return {
      installation_id: installation.installationId,
      status: installation.status,
      shop_domain: installation.shopDomain,
      shop_name: installation.shopName,
      holds,
      data_sources: described.dataSources,
      api_requests: { total: described.requestLog.length, last: described.requestLog.slice(-5) },
    };
  };

  const itemsHeld = (installationId: string, entity: SandboxEntity, limit: number | undefined) => {
    const described = deps.describe(installationId);
    const byEntity: Record<SandboxEntity, unknown[]> = {
      products: described.products,
      orders: described.orders,
      customers: described.customers,
      'orders-statuses': described.orderStatuses,
      'products-categories': described.productCategories,
      'products-variations': described.productVariations,
      'products-images': described.productImages,
      'customers-addresses': described.customerAddresses,
    };
    const items = byEntity[entity];
    return { installation_id: installationId, entity, total: items.length, items: items.slice(0, limit) };
  };

  const route = async (req: IncomingMessage, url: URL): Promise<ApiResponse> => {
    const segments = pathSegments(url.pathname);
    const [collection, installationId, action, ...rest] = segments;
    if (collection === undefined) {
      requireMethod(req, 'GET');
      return {
        status: 200,
        body: { gateway_url: options.gatewayUrl, ...options.about, routes: SANDBOX_CONTROL_ROUTES },
      };
    }
    if (collection !== 'installations' || rest.length > 0) {
      throw new ControlError(404, `No route ${url.pathname}; GET /sandbox lists them`);
    }
    if (installationId === undefined) {
      requireMethod(req, 'GET', 'POST');
      if (req.method === 'POST') {
        return createInstallation(req);
      }
      const installations = state.all().map((record) => summary(record.installationId));
      return { status: 200, body: { installations } };
    }
    requireInstallation(installationId);
    if (action === undefined) {
      requireMethod(req, 'GET');
      return { status: 200, body: summary(installationId) };
    }
    if (isLifecycleAction(action)) {
      return runLifecycle(req, installationId, action);
    }
    if (isEntity(action)) {
      requireMethod(req, 'GET');
      return { status: 200, body: itemsHeld(installationId, action, parseLimit(url)) };
    }
    throw new ControlError(
      404,
      `No route ${url.pathname}: expected ${[...LIFECYCLE_ACTIONS, ...SANDBOX_ENTITIES].join(', ')} after the id`,
    );
  };

  return async (req, url, res) => {
    try {
      const response = await route(req, url);
      sendJson(res, response.status, response.body, response.headers);
    } catch (error: unknown) {
      if (!(error instanceof ControlError)) {
        throw error;
      }
      // Drain what the client still sends, so it reads the answer instead of a reset.
      req.resume();
      sendJson(res, error.status, apiError(error.status, error.message).body, error.headers);
    }
  };
}
