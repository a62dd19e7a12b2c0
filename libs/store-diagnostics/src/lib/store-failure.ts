import {
  isTlsErrorCode,
  privateAddressMessage,
  STORE_ADDRESS_FORBIDDEN_CODE,
  StoreRequestError,
  StoreRequestErrorKind,
  StoreUrlRefusal,
} from '@storebridge/store-client';

/** Which request of a diagnosis failed: the address check, the health call, or a page of products or orders. */
export type StoreDiagnosisStep = 'address' | 'health' | 'products' | 'orders';

/** Stable codes for what went wrong; `message` says it in words a merchant can act on. */
export type StoreDiagnosisProblem =
  | 'invalid_url'
  | 'not_https'
  | 'credentials_in_url'
  | 'private_address'
  | 'invalid_credential'
  | 'dns_not_found'
  | 'dns_failure'
  | 'tls_error'
  | 'connection_refused'
  | 'connection_failed'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'wrong_path'
  | 'redirected'
  | 'rate_limited'
  | 'server_error'
  | 'unexpected_status'
  | 'not_json'
  | 'unparseable_page'
  | 'unmappable_product';

export interface StoreFailure {
  step: StoreDiagnosisStep;
  problem: StoreDiagnosisProblem;
  /** Human-readable and safe to show: names hosts, paths and statuses, never a credential or query string. */
  message: string;
  status?: number;
  /** Low-level network code (`ENOTFOUND`, `CERT_HAS_EXPIRED`...). */
  code?: string;
}

/** Address refusals of the SSRF policy, whose messages are already merchant-facing. */
export function addressFailure(reason: StoreUrlRefusal, message: string): StoreFailure {
  return { step: 'address', problem: addressProblem(reason), message };
}

function addressProblem(reason: StoreUrlRefusal): StoreDiagnosisProblem {
  switch (reason) {
    case 'invalid_url':
    case 'not_https':
    case 'credentials_in_url':
    case 'private_address':
      return reason;
    case 'unresolvable':
      return 'dns_not_found';
  }
}

const ENDPOINT_NAMES: Record<Exclude<StoreDiagnosisStep, 'address'>, string> = {
  health: 'health endpoint',
  products: 'products endpoint',
  orders: 'orders endpoint',
};

/** TLS codes a merchant can act on, in their words; others are reported as a generic TLS error. */
const TLS_REASONS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain contains a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate chain is incomplete (missing intermediate certificate)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate chain is incomplete (missing intermediate certificate)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not cover this host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the port does not speak HTTPS (plain http?)',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'the port does not speak HTTPS (plain http?)',
};

/**
 * One failed store request → the precise reason of spec §1 (DNS, TLS, timeout, 401/403, 404, non-JSON...).
 * Built from the error's kind, status, code and path only: `StoreRequestError` never carries the
 * credential, and the path is a pathname without its query string.
 */
export function describeStoreRequestFailure(
  error: StoreRequestError,
  step: Exclude<StoreDiagnosisStep, 'address'>,
  baseUrl: string,
): StoreFailure {
  const endpoint = ENDPOINT_NAMES[step];
  const request = `GET ${error.path}`;
  const target = new URL(baseUrl);
  const failure = (problem: StoreDiagnosisProblem, message: string): StoreFailure => ({
    step,
    problem,
    message,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.code === undefined ? {} : { code: error.code }),
  });
  switch (error.kind) {
    case StoreRequestErrorKind.Unauthorized:
      return error.status === 403
        ? failure(
            'forbidden',
            `The store accepted the credential but refuses it access to ${request} (HTTP 403): give it read access to the ${endpoint}.`,
          )
        : failure(
            'unauthorized',
            `The store rejected the credential (HTTP ${error.status ?? 401} on ${request}): check the authentication method and the API key, token or username and password.`,
          );
    case StoreRequestErrorKind.NotFound:
      return failure(
        'wrong_path',
        `${request} answered HTTP 404: the ${endpoint} path "${error.path}" does not exist on ${target.origin}. Check the ${endpoint} path and the store base URL.`,
      );
    case StoreRequestErrorKind.RateLimited:
      return failure(
        'rate_limited',
        `The store is rate limiting us (HTTP 429 on ${request}): try again in a moment.`,
      );
    case StoreRequestErrorKind.ServerError:
      return failure(
        'server_error',
        `The store failed with HTTP ${error.status ?? 500} on ${request} (a server error on its side): check the store's logs, then try again.`,
      );
    case StoreRequestErrorKind.Timeout:
      return failure('timeout', `The store did not answer ${request} in time: ${error.reason}.`);
    case StoreRequestErrorKind.NotJson:
      return failure(
        'not_json',
        `${request} did not answer JSON (${error.reason}): the ${endpoint} path seems to reach a web page, not the store API. Check the ${endpoint} path.`,
      );
    case StoreRequestErrorKind.BadResponse:
      return badResponse(error, step, failure);
    case StoreRequestErrorKind.Network:
      return networkFailure(error, target, failure);
  }
}

type FailureFactory = (problem: StoreDiagnosisProblem, message: string) => StoreFailure;

function badResponse(
  error: StoreRequestError,
  step: Exclude<StoreDiagnosisStep, 'address'>,
  failure: FailureFactory,
): StoreFailure {
  const request = `GET ${error.path}`;
  const status = error.status;
  if (status !== undefined && status >= 300 && status < 400) {
    return failure('redirected', `${request} was redirected: ${error.reason}.`);
  }
  // A 2xx that is not a page: only the products and orders requests read a page (the health check wants a 200).
  if (step !== 'health' && status !== undefined && status >= 200 && status < 300) {
    return failure(
      'unparseable_page',
      `${request} did not return a page of ${step} (${error.reason}); check the ${step} endpoint path.`,
    );
  }
  return failure(
    'unexpected_status',
    `${request} answered HTTP ${status ?? 'without a status'}; the ${ENDPOINT_NAMES[step]} must answer HTTP 200.`,
  );
}

function networkFailure(error: StoreRequestError, target: URL, failure: FailureFactory): StoreFailure {
  const code = error.code;
  const host = target.hostname;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (code === STORE_ADDRESS_FORBIDDEN_CODE) {
    // The address the connection used (after DNS) is refused: the URL policy's refusal, in its words.
    return failure('private_address', privateAddressMessage(host));
  }
  if (code === 'ENOTFOUND') {
    return failure(
      'dns_not_found',
      `The store host ${host} could not be found (DNS lookup failed): check the store base URL.`,
    );
  }
  if (code === 'EAI_AGAIN') {
    return failure(
      'dns_failure',
      `The store host ${host} could not be resolved right now (DNS lookup timed out): try again, or check the store base URL.`,
    );
  }
  if (code !== undefined && isTlsErrorCode(code)) {
    const why = TLS_REASONS[code] ?? 'the HTTPS handshake failed';
    return failure(
      'tls_error',
      `TLS error with ${target.origin}: ${why} (${code}). The store needs a valid HTTPS certificate for ${host}.`,
    );
  }
  if (code === 'ECONNREFUSED') {
    return failure(
      'connection_refused',
      `${host} refused the connection on port ${port}: check the store base URL (host and port) and that the store is running.`,
    );
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return failure(
      'timeout',
      `Could not connect to ${host} on port ${port} (connection timed out): check the store base URL and that the store accepts connections from the internet.`,
    );
  }
  return failure(
    'connection_failed',
    `Could not talk to the store at ${target.origin} (GET ${error.path}): ${error.reason}.`,
  );
}
