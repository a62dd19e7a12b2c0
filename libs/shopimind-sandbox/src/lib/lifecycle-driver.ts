import { signShopimindPayload } from '@storebridge/security';
import { SandboxState } from './sandbox-state';

/** Sends what ShopiMind sends to an integration: signed requests (spec shopimind.md §3, §5, §6). */

export const SIGNATURE_HEADER = 'X-Shopimind-Signature';
export const TIMESTAMP_HEADER = 'X-Shopimind-Timestamp';
export const LIFECYCLE_PATH = '/webhook/receive';
export const TEST_CONNECTION_PATH = '/webhook/test-connection';
export const REMOTE_DATA_PATH = '/webhook/remote-data';

export interface SignedRequestOptions {
  secret: string;
  /** Unix seconds, now by default; set it in the past or future to exercise anti-replay. */
  timestamp?: number;
  /** Sent instead of the computed signature, to exercise rejection. */
  signature?: string;
  /** Sent (and signed) instead of the JSON of the body, e.g. to send unparseable JSON. */
  rawBody?: string;
  timeoutMs?: number;
}

export interface SignedResponse {
  status: number;
  /** Parsed JSON when the answer is JSON, its text otherwise. */
  body: unknown;
}

export type LifecycleEvent =
  | 'install'
  | 'activate'
  | 'config_updated'
  | 'deactivate'
  | 'uninstall'
  | 'integration.installed'
  | 'integration.activated'
  | 'integration.config_updated'
  | 'integration.deactivated'
  | 'integration.uninstalled';

export type Configs = Record<string, unknown>;

export interface LifecycleEventOptions {
  secret: string;
  timestamp?: number;
  timeoutMs?: number;
  /** Extra payload fields, e.g. Type B `external_account_id` or legacy `id_shop_integration`. */
  extra?: Record<string, unknown>;
}

export interface LifecycleConfigOptions extends LifecycleEventOptions {
  configs?: Configs;
}

export interface LifecycleDriver {
  /** Sends `install` with the access token; the key stays revoked. A failed install deletes the key, as ShopiMind does. */
  install(
    gatewayUrl: string,
    installationId: string,
    options: LifecycleConfigOptions,
  ): Promise<SignedResponse>;
  /** Un-revokes the key, then sends `activate` with the configs and the token. */
  activate(
    gatewayUrl: string,
    installationId: string,
    options: LifecycleConfigOptions,
  ): Promise<SignedResponse>;
  configUpdated(
    gatewayUrl: string,
    installationId: string,
    options: LifecycleConfigOptions,
  ): Promise<SignedResponse>;
  /** Revokes the key, then sends `deactivate`. */
  deactivate(
    gatewayUrl: string,
    installationId: string,
    options: LifecycleEventOptions,
  ): Promise<SignedResponse>;
  /** Revokes the key forever, then sends `uninstall`. */
  uninstall(
    gatewayUrl: string,
    installationId: string,
    options: LifecycleEventOptions,
  ): Promise<SignedResponse>;
  /** `POST /webhook/test-connection` with the config map as body. */
  testConnection(
    gatewayUrl: string,
    configs: Configs,
    options: SignedRequestOptions,
  ): Promise<SignedResponse>;
  /** `POST /webhook/remote-data/{resource}` with the config map as body. */
  remoteData(
    gatewayUrl: string,
    resource: string,
    configs: Configs,
    options: SignedRequestOptions,
  ): Promise<SignedResponse>;
}

export function unixSeconds(date: Date = new Date()): number {
  return Math.floor(date.getTime() / 1000);
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function sendSignedRequest(
  baseUrl: string,
  path: string,
  body: unknown,
  options: SignedRequestOptions,
): Promise<SignedResponse> {
  const rawBody = options.rawBody ?? JSON.stringify(body);
  const timestamp = options.timestamp ?? unixSeconds();
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': 'shopimind-sandbox',
      [SIGNATURE_HEADER]: options.signature ?? signShopimindPayload(options.secret, timestamp, rawBody),
      [TIMESTAMP_HEADER]: String(timestamp),
    },
    body: rawBody,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  return { status: response.status, body: parseBody(await response.text()) };
}

/** Posts `{ event, ...body }` to `<gateway>/webhook/receive`, signed with `options.secret`. */
export function sendLifecycle(
  gatewayBaseUrl: string,
  event: LifecycleEvent | string,
  body: Record<string, unknown>,
  options: SignedRequestOptions,
): Promise<SignedResponse> {
  // `event` first for readable payloads; the argument wins over a stray `event` in the body.
  return sendSignedRequest(
    gatewayBaseUrl,
    LIFECYCLE_PATH,
    Object.assign({ event }, body, { event }),
    options,
  );
}

/** Spec shopimind.md §4: only HTTP 200 with `{"success": true}` counts as success. */
export function isAcceptedByIntegration(response: SignedResponse): boolean {
  const { body } = response;
  return (
    response.status === 200 &&
    typeof body === 'object' &&
    body !== null &&
    (body as { success?: unknown }).success === true
  );
}

export function createLifecycleDriver(state: SandboxState): LifecycleDriver {
  const send = (
    gatewayUrl: string,
    event: LifecycleEvent,
    installationId: string,
    fields: Record<string, unknown>,
    options: LifecycleEventOptions,
  ): Promise<SignedResponse> => {
    const installation = state.require(installationId);
    const body = {
      installation_id: installation.installationId,
      shop_domain: installation.shopDomain,
      shop_name: installation.shopName,
      ...fields,
      ...options.extra,
    };
    return sendLifecycle(gatewayUrl, event, body, {
      secret: options.secret,
      timestamp: options.timestamp,
      timeoutMs: options.timeoutMs,
    });
  };
  const now = (): string => new Date().toISOString();

  return {
    install: async (gatewayUrl, installationId, options) => {
      const { accessToken } = state.require(installationId);
      const fields = { access_token: accessToken, configs: options.configs ?? {}, installed_at: now() };
      let response: SignedResponse | undefined;
      try {
        response = await send(gatewayUrl, 'install', installationId, fields, options);
        return response;
      } finally {
        // install is never retried: anything but success rolls it back (spec shopimind.md §4).
        if (response === undefined || !isAcceptedByIntegration(response)) {
          state.uninstall(installationId);
        }
      }
    },
    activate: (gatewayUrl, installationId, options) => {
      state.setActive(installationId, true);
      const { accessToken } = state.require(installationId);
      return send(
        gatewayUrl,
        'activate',
        installationId,
        { configs: options.configs ?? {}, access_token: accessToken, activated_at: now() },
        options,
      );
    },
    configUpdated: (gatewayUrl, installationId, options) =>
      send(
        gatewayUrl,
        'config_updated',
        installationId,
        { configs: options.configs ?? {}, updated_at: now() },
        options,
      ),
    deactivate: (gatewayUrl, installationId, options) => {
      state.setActive(installationId, false);
      return send(gatewayUrl, 'deactivate', installationId, { deactivated_at: now() }, options);
    },
    uninstall: (gatewayUrl, installationId, options) => {
      state.uninstall(installationId);
      return send(gatewayUrl, 'uninstall', installationId, { uninstalled_at: now() }, options);
    },
    testConnection: (gatewayUrl, configs, options) =>
      sendSignedRequest(gatewayUrl, TEST_CONNECTION_PATH, configs, options),
    remoteData: (gatewayUrl, resource, configs, options) =>
      sendSignedRequest(gatewayUrl, `${REMOTE_DATA_PATH}/${encodeURIComponent(resource)}`, configs, options),
  };
}
