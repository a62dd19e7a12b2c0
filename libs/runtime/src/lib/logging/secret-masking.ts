/**
 * Values that look like credentials are masked in every log line, as a last line of defence:
 * code should never log a secret in the first place.
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  [
    /((?:authorization|x-api-key|spm-api-key|access_token|password|secret|token)["']?\s*[:=]\s*["']?)(?:Bearer\s+|Basic\s+)?[^\s"',}]+/gi,
    '$1[redacted]',
  ],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1[redacted]@'],
];

export function redactSecrets(message: string): string {
  return SECRET_PATTERNS.reduce(
    (text, [pattern, replacement]) => text.replace(pattern, replacement),
    message,
  );
}

/** What replaces a value redacted by path. */
export const REDACTED = '[redacted]';

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'api_key',
  'apiKey',
  'credentials',
  'accessTokenCiphertext',
  'ciphertext',
  'webhookSecret',
  'store_token',
  'storeToken',
];
const SECRET_HEADERS = [
  'authorization',
  'x-api-key',
  'spm-api-key',
  'cookie',
  'set-cookie',
  'x-webhook-signature',
];

/**
 * Fields a log record never shows, wherever a structured line puts them: request and response headers that carry
 * credentials, and keys naming a secret at the top level or one or two levels down (pino `redact` paths).
 */
export const REDACTED_PATHS: string[] = [
  ...SECRET_HEADERS.flatMap((header) => [
    `req.headers["${header}"]`,
    `res.headers["${header}"]`,
    `headers["${header}"]`,
  ]),
  ...SECRET_KEYS.flatMap((key) => [`${key}`, `*.${key}`, `*.*.${key}`]),
];

/** How deep `maskStrings` looks into a structured field: log records are shallow, a cycle must not hang it. */
const MAX_DEPTH = 6;

/** A copy of `value` with every string in it passed through `redactSecrets`. */
export function maskStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return redactSecrets(value);
  }
  if (typeof value !== 'object' || value === null || value instanceof Date || depth >= MAX_DEPTH) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => maskStrings(item, depth + 1));
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskStrings(item, depth + 1)]));
}
