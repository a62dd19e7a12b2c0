import { setTimeout as delay } from 'node:timers/promises';
import { backoffDelayMs, parseRetryAfterMs } from '@storebridge/retry';
import {
  isJsonTooDeep,
  MAX_JSON_DEPTH,
  mayHoldUnstorableText,
  toStorable,
} from '@storebridge/untrusted-input';
import { assertPerPage, StoreAuth, StoreConnectionSettings, StoreSettingsError } from '../store-settings';
import { HostnameLookup } from '../store-url-policy';
import { DEFAULT_USER_AGENT } from '../version';
import { sharedPinnedFetch, STORE_ADDRESS_FORBIDDEN_CODE } from './pinned-address.agent';
import { describeBytes, readBoundedBody } from './response-body.reader';
import { Sleep, StoreHoldGate } from './store-hold.gate';
import { StoreEntity, StorePage } from './store-page';
import { parseStorePage } from './store-page.parser';
import { isTlsErrorCode, StoreRequestError, StoreRequestErrorKind } from './store-request.error';

export interface StoreClientOptions {
  /** Per attempt, body included. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 429, 5xx, timeouts and transient network errors. */
  retries?: number;
  userAgent?: string;
  /** Replaces the pinned HTTP client (tests); the caller then answers for the address checks. */
  fetchImpl?: typeof fetch;
  /**
   * `ALLOW_PRIVATE_STORE_URLS` (development and tests only): connect to loopback and private addresses.
   * Otherwise every connection is checked against the store URL policy on the address actually used.
   */
  allowPrivateAddresses?: boolean;
  /** Resolves the store's host name at connect time (tests); defaults to `dns.lookup`, all addresses. */
  resolve?: HostnameLookup;
  sleep?: Sleep;
  /** Milliseconds since the epoch (`Date.now`): reads `Retry-After` dates and times holds. */
  now?: () => number;
  random?: () => number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A larger body is refused, its download cancelled (DEFAULT_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** Told of every attempt, retries included (metrics); not of one the caller cancelled. */
  onAttempt?: (attempt: StoreAttempt) => void;
}

/** One attempt of a request: the store's HTTP status, the failure when it is why the attempt failed, how long it took. */
export interface StoreAttempt {
  status?: number;
  failure?: StoreRequestErrorKind;
  durationMs: number;
}

export type { Sleep } from './store-hold.gate';

/** Lets a caller (a stopping sync worker) cancel a request, including its retry waits. */
export interface StoreRequestOptions {
  signal?: AbortSignal;
}

export type HealthResult =
  | { ok: true; status: number; durationMs: number; body?: unknown }
  | { ok: false; error: StoreRequestError; durationMs: number };

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_BACKOFF_BASE_MS = 500;
export const DEFAULT_BACKOFF_MAX_MS = 30_000;
/** Far above a page of 100 real records, far below what would strain sync's memory. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** A page may hold this many times the records asked (at least MIN_RECORD_LIMIT) before it is refused. */
const RECORDS_PER_ASKED = 10;
const MIN_RECORD_LIMIT = 1_000;

/** The store's answer to one successful attempt: status and parsed JSON (`undefined` for an empty body). */
interface JsonResponse {
  status: number;
  body: unknown;
  /** sha256 (hex) of the body's text. */
  bodyHash: string;
  /** The text holds escapes of characters the database cannot store (see `toStorable`). */
  unstorableText?: true;
}

interface RequestResult extends JsonResponse {
  attempts: number;
}

type AttemptOutcome = { ok: true; response: JsonResponse } | { ok: false; failure: AttemptFailure };

interface AttemptFailure {
  kind: StoreRequestErrorKind;
  reason: string;
  retryable: boolean;
  status?: number;
  code?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Codes that say nothing will change by retrying: the merchant must fix DNS, TLS or the store's address. */
const PERMANENT_NETWORK_CODES = new Set(['ENOTFOUND', 'ERR_INVALID_URL', STORE_ADDRESS_FORBIDDEN_CODE]);
const NETWORK_CODE_REASONS: Readonly<Record<string, string>> = {
  [STORE_ADDRESS_FORBIDDEN_CODE]: "the store's address is private or reserved",
  ENOTFOUND: 'DNS lookup failed (unknown host)',
  EAI_AGAIN: 'DNS lookup timed out',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the store',
  EPIPE: 'connection closed by the store',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'connection closed by the store',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/**
 * HTTP client for one merchant store (spec §1-§3). Every request carries the auth header,
 * `Accept: application/json` and our User-Agent; failures become a `StoreRequestError`.
 * Redirects are not followed: a custom `X-API-Key` header would otherwise be replayed to
 * whatever host the store points at, and the merchant should fix the base URL instead.
 */
export class StoreClient {
  readonly baseUrl: string;
  readonly paths: StoreConnectionSettings['paths'];
  readonly perPage: number;
  // A private field keeps the credential out of util.inspect, JSON.stringify and error dumps (spec §2).
  readonly #headers: Headers;
  readonly #fetch: typeof fetch;
  readonly #sleep: Sleep;
  readonly #now: () => number;
  readonly #hold: StoreHoldGate;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #maxBodyBytes: number;
  readonly #backoff: { baseMs: number; maxMs: number; random: () => number };
  readonly #onAttempt?: (attempt: StoreAttempt) => void;

  constructor(settings: StoreConnectionSettings, options: StoreClientOptions = {}) {
    this.baseUrl = settings.baseUrl.replace(/\/+$/, '');
    this.paths = { ...settings.paths };
    this.perPage = settings.perPage;
    this.#headers = buildHeaders(settings.auth, options.userAgent ?? DEFAULT_USER_AGENT);
    this.#fetch =
      options.fetchImpl ??
      sharedPinnedFetch({
        allowPrivateAddresses: options.allowPrivateAddresses ?? false,
        resolve: options.resolve,
      });
    this.#sleep = options.sleep ?? defaultSleep;
    this.#now = options.now ?? Date.now;
    this.#hold = new StoreHoldGate(this.#now, this.#sleep);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retries = options.retries ?? DEFAULT_RETRIES;
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#backoff = {
      baseMs: options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS,
      maxMs: options.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS,
      random: options.random ?? Math.random,
    };
    this.#onAttempt = options.onAttempt;
  }

  /**
   * Spec §1: HTTP 200 means reachable; the body is optional but, when present, must be JSON
   * (a 200 HTML page usually means the path hits the storefront, not the API).
   */
  async checkHealth(options: StoreRequestOptions = {}): Promise<HealthResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    try {
      const response = await this.request(this.paths.health, {}, '', options.signal);
      if (response.status !== 200) {
        const error = new StoreRequestError({
          kind: StoreRequestErrorKind.BadResponse,
          method: 'GET',
          path: this.pathLabel(this.paths.health),
          status: response.status,
          attempts: response.attempts,
          reason: `expected HTTP 200 from the health endpoint, got ${response.status}`,
        });
        return { ok: false, error, durationMs: elapsed() };
      }
      return {
        ok: true,
        status: response.status,
        durationMs: elapsed(),
        ...(response.body === undefined ? {} : { body: response.body }),
      };
    } catch (error) {
      if (error instanceof StoreRequestError) {
        return { ok: false, error, durationMs: elapsed() };
      }
      throw error;
    }
  }

  /** One page of `entity`, `page` counted from 1 (spec §3). */
  async getPage(
    entity: StoreEntity,
    page: number,
    perPage: number = this.perPage,
    options: StoreRequestOptions = {},
  ): Promise<StorePage> {
    if (!Number.isInteger(page) || page < 1) {
      throw new RangeError(`page must be an integer >= 1, got ${page}`);
    }
    assertPerPage(perPage);
    const path = this.paths[entity];
    const query = { page: String(page), per_page: String(perPage) };
    const response = await this.request(path, query, `page ${page}: `, options.signal);
    const fail = (reason: string): StoreRequestError =>
      new StoreRequestError({
        kind: StoreRequestErrorKind.BadResponse,
        method: 'GET',
        path: this.pathLabel(path),
        status: response.status,
        attempts: response.attempts,
        reason: `page ${page}: ${reason}`,
      });
    if (response.body === undefined) {
      throw fail(`empty body (HTTP ${response.status})`);
    }
    // Before any recursive code (normalization) walks it.
    if (isJsonTooDeep(response.body, MAX_JSON_DEPTH)) {
      throw fail(`the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    // Rare, so only a body whose text shows such an escape is walked; the depth check above bounds the walk.
    const parsed = parseStorePage(response.unstorableText ? toStorable(response.body) : response.body);
    if ('problem' in parsed) {
      throw fail(parsed.problem);
    }
    const { records } = parsed.page;
    if (records.length > Math.max(MIN_RECORD_LIMIT, RECORDS_PER_ASKED * perPage)) {
      throw fail(`the store sent ${records.length} records when ${perPage} were asked`);
    }
    return { ...parsed.page, bodyHash: response.bodyHash };
  }

  /** `context` prefixes the reasons that depend on what was asked (`page 3: `). */
  private async request(
    path: string,
    query: Record<string, string>,
    context: string,
    signal?: AbortSignal,
  ): Promise<RequestResult> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(query)) {
      url.searchParams.set(name, value);
    }
    for (let attempt = 1; ; attempt += 1) {
      signal?.throwIfAborted();
      await this.#hold.pass(signal);
      const outcome = await this.attempt(url, context, signal);
      if (outcome.ok) {
        return { ...outcome.response, attempts: attempt };
      }
      const { failure } = outcome;
      const delayMs = failure.retryAfterMs ?? backoffDelayMs(attempt, this.#backoff);
      const holdsStore =
        failure.retryAfterMs !== undefined || failure.kind === StoreRequestErrorKind.RateLimited;
      if (holdsStore) {
        this.#hold.hold(delayMs);
      }
      if (!failure.retryable || attempt > this.#retries) {
        throw new StoreRequestError({
          kind: failure.kind,
          method: 'GET',
          path: url.pathname,
          status: failure.status,
          code: failure.code,
          attempts: attempt,
          reason: failure.reason,
          cause: failure.cause,
        });
      }
      // A held store is waited for by the next pass(); other failures only delay their own request.
      if (!holdsStore) {
        await this.#sleep(delayMs, signal);
      }
    }
  }

  private async attempt(url: URL, context: string, signal?: AbortSignal): Promise<AttemptOutcome> {
    const started = performance.now();
    const outcome = await this.attemptOnce(url, context, signal);
    const durationMs = performance.now() - started;
    this.#onAttempt?.(
      outcome.ok
        ? { status: outcome.response.status, durationMs }
        : { status: outcome.failure.status, failure: outcome.failure.kind, durationMs },
    );
    return outcome;
  }

  private async attemptOnce(url: URL, context: string, signal?: AbortSignal): Promise<AttemptOutcome> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const response = await this.#fetch(url, {
        method: 'GET',
        headers: this.#headers,
        redirect: 'manual',
        signal: combined,
      });
      const failure = statusFailure(response, this.#now());
      if (failure) {
        await discardBody(response);
        return { ok: false, failure };
      }
      const body = await readBoundedBody(response, this.#maxBodyBytes, combined);
      if ('tooLarge' in body) {
        return {
          ok: false,
          failure: {
            kind: StoreRequestErrorKind.BadResponse,
            reason: `${context}the response body is larger than ${describeBytes(this.#maxBodyBytes)}`,
            retryable: false,
            status: response.status,
          },
        };
      }
      return parseJson(response, body.text, body.bodyHash);
    } catch (error) {
      if (signal?.aborted) {
        // The caller cancelled: not the store's fault, so no StoreRequestError and no retry.
        throw signal.reason;
      }
      if (timeout.aborted) {
        return {
          ok: false,
          failure: {
            kind: StoreRequestErrorKind.Timeout,
            reason: `no complete response within ${this.#timeoutMs} ms`,
            retryable: true,
          },
        };
      }
      return { ok: false, failure: networkFailure(error) };
    }
  }

  private pathLabel(path: string): string {
    return new URL(this.baseUrl + path).pathname;
  }
}

function buildHeaders(auth: StoreAuth, userAgent: string): Headers {
  const headers = new Headers({ Accept: 'application/json' });
  try {
    headers.set('User-Agent', userAgent);
  } catch {
    throw new StoreSettingsError('userAgent', 'is not a valid header value');
  }
  // undici's invalid-header error quotes the value, so it must not escape with the credential in it.
  try {
    switch (auth.method) {
      case 'api_key':
        headers.set('X-API-Key', auth.token);
        break;
      case 'bearer':
        headers.set('Authorization', `Bearer ${auth.token}`);
        break;
      case 'basic':
        headers.set(
          'Authorization',
          `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`,
        );
        break;
    }
  } catch {
    throw new StoreSettingsError('auth', 'the credential cannot be sent in an HTTP header');
  }
  return headers;
}

/** `now` reads a `Retry-After` given as a date. */
function statusFailure(response: Response, now: number): AttemptFailure | undefined {
  const { status } = response;
  if (status >= 200 && status < 300) {
    return undefined;
  }
  if (status === 401 || status === 403) {
    const reason =
      status === 401
        ? 'HTTP 401: the store rejected the credential'
        : 'HTTP 403: the credential is not allowed to read this endpoint';
    return { kind: StoreRequestErrorKind.Unauthorized, reason, retryable: false, status };
  }
  if (status === 404) {
    return {
      kind: StoreRequestErrorKind.NotFound,
      reason: 'HTTP 404: no such endpoint (check the base URL and the endpoint path)',
      retryable: false,
      status,
    };
  }
  if (status === 429) {
    return {
      kind: StoreRequestErrorKind.RateLimited,
      reason: 'HTTP 429: rate limited by the store',
      retryable: true,
      status,
      retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after'), now),
    };
  }
  if (status >= 500) {
    // A 503 for maintenance often says when to come back (RFC 9110 §10.2.3).
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), now);
    return {
      kind: StoreRequestErrorKind.ServerError,
      reason: `HTTP ${status}: store server error`,
      retryable: true,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status >= 300 && status < 400) {
    return {
      kind: StoreRequestErrorKind.BadResponse,
      reason: `HTTP ${status}: the store redirects to ${redirectTarget(response)}; use that address as the base URL`,
      retryable: false,
      status,
    };
  }
  return {
    kind: StoreRequestErrorKind.BadResponse,
    reason: `HTTP ${status}: unexpected status`,
    retryable: false,
    status,
  };
}

/** Origin and path only: a query string could carry a token. */
function redirectTarget(response: Response): string {
  const location = response.headers.get('location');
  if (location === null) {
    return 'an unspecified location';
  }
  try {
    const target = new URL(location, response.url || undefined);
    return `${target.origin}${target.pathname}`;
  } catch {
    return 'an invalid location';
  }
}

function parseJson(response: Response, text: string, bodyHash: string): AttemptOutcome {
  if (text.trim() === '') {
    return { ok: true, response: { status: response.status, body: undefined, bodyHash } };
  }
  try {
    const body = JSON.parse(text) as unknown;
    return {
      ok: true,
      response: {
        status: response.status,
        body,
        bodyHash,
        ...(mayHoldUnstorableText(text) ? { unstorableText: true as const } : {}),
      },
    };
  } catch (error) {
    const contentType = response.headers.get('content-type') ?? 'no content type';
    return {
      ok: false,
      failure: {
        kind: StoreRequestErrorKind.NotJson,
        reason: `HTTP ${response.status} body is not JSON (${contentType})`,
        retryable: false,
        status: response.status,
        cause: error,
      },
    };
  }
}

/** Frees the connection for reuse; a body we will not read is not worth failing over. */
async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to free.
  }
}

function networkFailure(error: unknown): AttemptFailure {
  const code = errorCode(error);
  const tls = code !== undefined && isTlsErrorCode(code);
  const known = code === undefined ? undefined : NETWORK_CODE_REASONS[code];
  const description = tls ? 'TLS error' : (known ?? 'network error');
  return {
    kind: StoreRequestErrorKind.Network,
    reason: code === undefined ? description : `${description} (${code})`,
    retryable: !tls && !(code !== undefined && PERMANENT_NETWORK_CODES.has(code)),
    code,
    cause: error,
  };
}

/** Node's fetch wraps the socket error: `TypeError('fetch failed', { cause: { code } })`. */
function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current !== 'object') {
      return undefined;
    }
    if ('code' in current && typeof current.code === 'string') {
      return current.code;
    }
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

const defaultSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, { signal });
};
