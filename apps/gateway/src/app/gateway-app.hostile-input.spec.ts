import { createHash } from 'node:crypto';
import { Logger, type INestApplication } from '@nestjs/common';
import { SubjectPayloads, Subjects } from '@storebridge/contracts';
import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import {
  ORDER_FIELD_ALIASES,
  PRODUCT_FIELD_ALIASES,
  resolveRecordId,
} from '@storebridge/store-normalization';
import { toStorable } from '@storebridge/untrusted-input';
import { MessagingTransport, RpcValidationPipe } from '@storebridge/messaging';
import { StoreConnectionRepository } from '@storebridge/persistence';
import { localUrl } from '@storebridge/runtime';
import { hmacSha256Hex, signShopimindPayload } from '@storebridge/security';
import {
  buildAuthorizeUrl,
  openConsentPage,
  SANDBOX_OAUTH_REDIRECT_URI,
  type BrowserPage,
} from '@storebridge/shopimind-sandbox';
import fc from 'fast-check';
import { startGateway } from './gateway-app.module';
import { connectStoreThroughLifecycle } from './testing/connect-store';
import { gatewaySpecEnv, specSecrets } from './testing/gateway-env';
import type { InProcessBus } from './testing/in-process-bus';

/*
 * Issue #20, "done when": generated hostile requests to every route of the real gateway. Per request: never a 5xx
 * (senders retry those, a store forever), never a hang, a JSON answer that parses. After the run: still healthy,
 * every accepted store webhook's message delivered and finished (none left pending, none the consumer would
 * drop), memory bounded.
 *
 * Replay a failure with the seed (and path) fast-check prints:
 *   GATEWAY_FUZZ_SEED=<seed> GATEWAY_FUZZ_PATH=<path> npx jest -c apps/gateway/jest.config.ts hostile -t '<route>'
 * GATEWAY_FUZZ_RUNS sets the number of requests of the whole run, shared out between the routes.
 */

const SECRETS = specSecrets('hostile-input');
const {
  webhookSecret: SECRET,
  storeApiKey: STORE_KEY,
  storeWebhookSecret: STORE_WEBHOOK_SECRET,
  installationId: INSTALLATION_ID,
  adminToken: ADMIN_TOKEN,
} = SECRETS;

const TOTAL_RUNS = Number(process.env['GATEWAY_FUZZ_RUNS'] ?? 200);
const SEED =
  process.env['GATEWAY_FUZZ_SEED'] === undefined ? undefined : Number(process.env['GATEWAY_FUZZ_SEED']);
const REPLAY_PATH = process.env['GATEWAY_FUZZ_PATH'];
/** Far above any answer of a healthy gateway: a request still open then is a hang. */
const REQUEST_TIMEOUT_MS = 5_000;
/** A leak guard, not a benchmark: a few hundred requests, some near 1 MiB, must not keep that much. */
const MEMORY_GROWTH_CEILING = 256 * 1024 * 1024;
/** The JSON body limit of startService (1 MiB) and the form one (64 KiB). */
const JSON_BODY_LIMIT = 1024 * 1024;
const FORM_BODY_LIMIT = 64 * 1024;

type RouteKind =
  | 'health'
  | 'manifest'
  | 'oauthAuthorize'
  | 'oauthConsent'
  | 'lifecycle'
  | 'testConnection'
  | 'remoteData'
  | 'productImage'
  | 'placeholder'
  | 'storeProducts'
  | 'storeOrders'
  | 'storeSync'
  | 'merchantPage'
  | 'docs'
  | 'adminInstallations'
  | 'adminConnection'
  | 'adminSync'
  | 'adminDeadLetters'
  | 'adminReplay'
  | 'adminLogin'
  | 'adminStatus';

interface GatewayRoute {
  method: 'GET' | 'POST';
  /** As Nest registers it: a new or renamed route fails the table check below until it is listed here. */
  path: string;
  kind: RouteKind;
}

const ROUTES: readonly GatewayRoute[] = [
  { method: 'GET', path: '/health', kind: 'health' },
  { method: 'GET', path: '/health/live', kind: 'health' },
  { method: 'GET', path: '/health/ready', kind: 'health' },
  { method: 'GET', path: '/metrics', kind: 'health' },
  { method: 'GET', path: '/manifest.json', kind: 'manifest' },
  { method: 'GET', path: '/oauth/authorize', kind: 'oauthAuthorize' },
  { method: 'POST', path: '/oauth/consent', kind: 'oauthConsent' },
  { method: 'POST', path: '/webhook/receive', kind: 'lifecycle' },
  { method: 'POST', path: '/webhook/test-connection', kind: 'testConnection' },
  { method: 'POST', path: '/webhook/remote-data/:resource', kind: 'remoteData' },
  { method: 'GET', path: '/widgets/product-image/:installationId/:productId', kind: 'productImage' },
  { method: 'GET', path: '/widgets/placeholder.png', kind: 'placeholder' },
  { method: 'POST', path: '/api/generic-api/webhooks/:storeToken/products', kind: 'storeProducts' },
  { method: 'POST', path: '/api/generic-api/webhooks/:storeToken/orders', kind: 'storeOrders' },
  { method: 'POST', path: '/api/generic-api/webhooks/:storeToken/sync', kind: 'storeSync' },
  { method: 'GET', path: '/merchant/connections/:connectionId', kind: 'merchantPage' },
  // The API docs (setUpApiDocs): the document and the UI's own routes.
  { method: 'GET', path: '/docs-json', kind: 'docs' },
  { method: 'GET', path: '/docs', kind: 'docs' },
  { method: 'GET', path: '/docs/', kind: 'docs' },
  { method: 'GET', path: '/docs/index.html', kind: 'docs' },
  { method: 'GET', path: '/docs/swagger-ui-init.js', kind: 'docs' },
  { method: 'GET', path: '/docs/docs/swagger-ui-init.js', kind: 'docs' },
  { method: 'GET', path: '/docs/LICENSE', kind: 'docs' },
  // The admin API, on with ADMIN_TOKEN; fuzzed with the token most of the time, so its handlers run.
  { method: 'GET', path: '/admin/installations', kind: 'adminInstallations' },
  { method: 'GET', path: '/admin/connections/:connectionId', kind: 'adminConnection' },
  { method: 'GET', path: '/admin/connections/:connectionId/sync-runs', kind: 'adminConnection' },
  { method: 'GET', path: '/admin/connections/:connectionId/push-summary', kind: 'adminConnection' },
  { method: 'POST', path: '/admin/connections/:connectionId/sync', kind: 'adminSync' },
  { method: 'GET', path: '/admin/dead-letters', kind: 'adminDeadLetters' },
  { method: 'GET', path: '/admin/pending-deletes', kind: 'adminDeadLetters' },
  { method: 'POST', path: '/admin/dead-letters/replay', kind: 'adminReplay' },
  // The status page and its sign-in form (a signed session cookie, or the Bearer token).
  { method: 'GET', path: '/admin/login', kind: 'adminLogin' },
  { method: 'POST', path: '/admin/login', kind: 'adminLogin' },
  { method: 'GET', path: '/admin/status', kind: 'adminStatus' },
  { method: 'GET', path: '/admin/status.json', kind: 'adminStatus' },
];

const RUNS_PER_ROUTE = Math.max(1, Math.ceil(TOTAL_RUNS / ROUTES.length));

const STORE_WEBHOOK_SUBJECTS = {
  storeProducts: Subjects.storeProductEventReceived,
  storeOrders: Subjects.storeOrderEventReceived,
  storeSync: Subjects.syncRequested,
} as const;
type StoreWebhookKind = keyof typeof STORE_WEBHOOK_SUBJECTS;
type StoreWebhookSubject = (typeof STORE_WEBHOOK_SUBJECTS)[StoreWebhookKind];

function isStoreWebhookKind(kind: RouteKind): kind is StoreWebhookKind {
  return Object.hasOwn(STORE_WEBHOOK_SUBJECTS, kind);
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile JSON, generated as text: keys like "__proto__" stay plain keys, and numbers like 1e309 stay as sent.

const json = (value: unknown): string => JSON.stringify(value);

const keyText = fc
  .oneof(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '',
      'id',
      'event',
      'data',
      'installation_id',
      '\u0000',
      '\ud800',
      'a.b',
      '0',
    ),
    fc.string({ unit: 'binary', maxLength: 12 }),
  )
  .map(json);

const longStringText = fc
  .record({
    bytes: fc.integer({ min: 1_000, max: 300_000 }),
    unit: fc.constantFrom('x', 'é', '\\u0000', '\\ud800', '😀', ' ', '\\"'),
  })
  .map(({ bytes, unit }) => `"${unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit))))}"`);

const stringText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(json) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '"\\u0000"',
      '"a\\u0000b"',
      '"\\ud800"',
      '"\\udfff\\ud800"',
      '"\\ud83d"',
      '" "',
      '""',
      '"\\n\\r\\t"',
      '"<script>alert(1)</script>"',
      '"\' OR 1=1 --"',
      '"../../etc/passwd"',
      '"http://169.254.169.254/latest"',
    ),
  },
  { weight: 1, arbitrary: longStringText },
);

const numberText = fc.oneof(
  fc.constantFrom(
    '1e309',
    '-1e309',
    '-0',
    '0',
    '1e-400',
    '123456789012345678901234567890',
    '9007199254740993',
    '-1',
    '1.5',
    '1E2',
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(json),
  fc.bigInt().map(String),
);

/** Up to 100 levels: past MAX_JSON_DEPTH (64) the edge refuses it, below it the handlers see it. */
const deepText = fc
  .record({ levels: fc.integer({ min: 1, max: 100 }), array: fc.boolean() })
  .map(({ levels, array }) =>
    array ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`,
  );

const { value: valueText } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    stringText,
    numberText,
    fc.constantFrom('true', 'false', 'null'),
    deepText,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
  object: fc
    .array(fc.tuple(keyText, tie('value')), { maxLength: 5 })
    .map((entries) => `{${entries.map(([key, value]) => `${key}:${value}`).join(',')}}`),
}));

const extraEntries = fc.array(
  fc.tuple(keyText, valueText).map(([key, value]) => `${key}:${value}`),
  { maxLength: 2 },
);

/** An object with the route's known fields (each maybe absent, maybe of the wrong type) and hostile extras. */
function objectText(fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const known = Object.entries(fields).map(([key, value]) =>
    fc.option(
      value.map((text) => `${json(key)}:${text}`),
      { freq: 6 },
    ),
  );
  return fc
    .tuple(fc.tuple(...known), extraEntries)
    .map(([present, extra]) => `{${[...present.filter((entry) => entry !== null), ...extra].join(',')}}`);
}

/** A known good value mostly, else anything: a string of the wrong kind, a number, an object, an array. */
function fieldText(...good: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...good.map(json)) },
    { weight: 1, arbitrary: valueText },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies, URLs and requests.

interface HostileBody {
  label: string;
  bytes: Buffer;
}

interface HostileRequest {
  route: RouteKind;
  method: 'GET' | 'POST';
  /** Path and query, already encoded as sent. */
  target: string;
  contentType?: string;
  body?: HostileBody;
  signing: 'valid' | 'none' | 'wrong_secret' | 'odd_timestamp' | 'odd_signature';
  oddTimestamp: string;
  oddSignature: string;
  /** The consent page's hidden fields and cookie, so the consent handler runs past its CSRF check. */
  withConsentSession: boolean;
}

/** Percent-encodes every byte of the UTF-8 form except unreserved characters (lone surrogates become U+FFFD). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

const hostileSegment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).map(percentEncode),
  fc.constantFrom(
    '%00',
    'a%00b',
    '%',
    '%ZZ',
    '%ED%A0%80',
    '%C0%AF',
    '%FF%FE',
    '..',
    '%2e%2e',
    '%2F',
    '__proto__',
    'constructor',
    'prototype',
    ';',
    '~',
    '%20',
    '-',
  ),
  fc.integer({ min: 256, max: 12_000 }).map((length) => 'a'.repeat(length)),
);

const hostileQuery = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(hostileSegment, hostileSegment), { maxLength: 4 })
    .map((pairs) => `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`),
  fc.constantFrom('?__proto__[a]=1', '?a[]=1&a[]=2', '?%ZZ', '?&&&=', '?a=%00'),
);

const invalidJsonText = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":}',
    '[1,]',
    'nul',
    '{"a":1}}',
    "{'a':1}",
    '\u0000',
    'NaN',
    '"\\ud800',
    '{"__proto__":',
    '{"a":"\\x41"}',
    '\ufeff{"a":1}',
    '{"a":1,"a":',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

const invalidUtf8 = fc
  .constantFrom(
    [0xc3, 0x28],
    [0xff, 0xfe],
    [0xed, 0xa0, 0x80],
    [0xc0, 0xaf],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0xe2, 0x82],
  )
  .map((bytes) =>
    Buffer.concat([Buffer.from('{"event":"'), Buffer.from(bytes), Buffer.from('","data":{"id":"p1"}}')]),
  );

const formText = fc.oneof(
  fc
    .array(
      fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 60 })),
      {
        maxLength: 8,
      },
    )
    .map((pairs) => pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&')),
  fc.constantFrom(
    '%ZZ=%',
    '&&&',
    'a=%ED%A0%80',
    '__proto__=1&constructor=2',
    'state=%00&csrf_token=%00',
    '=',
  ),
);

/** Just over the limit of its content type: the 413 must come back cleanly. */
const overLimitBody = fc
  .record({ form: fc.boolean(), extra: fc.integer({ min: 1, max: 2_000 }) })
  .map(({ form, extra }): { contentType: string; body: HostileBody } =>
    form
      ? {
          contentType: 'application/x-www-form-urlencoded',
          body: {
            label: 'form over the limit',
            bytes: Buffer.from(`a=${'x'.repeat(FORM_BODY_LIMIT + extra)}`),
          },
        }
      : {
          contentType: 'application/json',
          body: {
            label: 'JSON over the limit',
            bytes: Buffer.from(`{"a":"${'x'.repeat(JSON_BODY_LIMIT + extra)}"}`),
          },
        },
  );

const contentTypes = fc.oneof(
  { weight: 10, arbitrary: fc.constant<string | undefined>('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom<string | undefined>(
      'application/x-www-form-urlencoded',
      'text/plain',
      undefined,
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset=nonsense',
      'application/merge-patch+json',
      'multipart/form-data; boundary=x',
    ),
  },
);

interface FuzzContext {
  storeUrl: string;
  storeToken: string;
  connectionId: string;
  consentPage: BrowserPage;
}

/** The body a sender of the route would post, made hostile field by field. */
function routeShapedJson(kind: RouteKind, context: FuzzContext): fc.Arbitrary<string> {
  const configMap = objectText({
    store_base_url: fieldText(context.storeUrl, 'http://127.0.0.1:1', 'ftp://x', 'http://[::1', ''),
    store_auth_method: fieldText('api_key', 'bearer', 'basic', 'none'),
    store_api_token: fieldText(STORE_KEY, 'wrong-key'),
    store_username: fieldText('user'),
    store_password: fieldText('password'),
    store_webhook_secret: fieldText('a-secret'),
    health_path: fieldText('/health', '//evil.example', '/../..'),
    installation_id: fieldText(INSTALLATION_ID, 'inst_unknown'),
    search: fieldText('a', '%', '_'),
    field_mappings: valueText,
  });
  switch (kind) {
    case 'lifecycle':
      // Never this suite's own installation: an uninstall of it would leave the store webhooks nothing to reach.
      return objectText({
        event: fieldText(
          'install',
          'activate',
          'config_updated',
          'deactivate',
          'uninstall',
          'integration.installed',
          'constructor',
        ),
        installation_id: fieldText('inst_fuzz_a', 'inst_fuzz_b'),
        id_shop_integration: fieldText('123', '1234567890123456789'),
        access_token: fieldText('spm_fuzz'),
        configs: fc.oneof(configMap, valueText),
        external_account_id: fieldText('acct_1'),
        shop_name: fieldText('Shop'),
        shop_domain: fieldText('shop.example.com'),
      });
    case 'storeProducts':
    case 'storeOrders':
    case 'storeSync': {
      const events =
        kind === 'storeOrders'
          ? ['order.created', 'order.updated', 'order.deleted']
          : ['product.created', 'product.updated', 'product.deleted'];
      const data = objectText({
        id: fieldText('p1', 'sku-1', '42'),
        product_id: fieldText('p2'),
        order_id: fieldText('1001'),
        name: valueText,
        price: fc.oneof(numberText, stringText),
        __proto__: valueText,
        constructor: valueText,
      });
      return objectText({
        event: fieldText(...events),
        data: fc.oneof({ weight: 4, arbitrary: data }, valueText),
      });
    }
    case 'adminReplay':
      return objectText({
        connectionId: fieldText(context.connectionId, '99999999-9999-4999-8999-999999999999', 'x'),
        entity: fieldText('products', 'orders', 'customers'),
        limit: fc.oneof(numberText, stringText),
      });
    case 'adminLogin':
      return objectText({ token: fieldText(ADMIN_TOKEN, 'not-the-admin-token', '') });
    case 'oauthConsent':
      return objectText({
        state: fieldText(context.consentPage.form?.hidden['state'] ?? 'st_x'),
        store_base_url: fieldText(context.storeUrl, 'http://127.0.0.1:1'),
        store_auth_method: fieldText('api_key', 'basic'),
        store_api_token: fieldText('wrong-key'),
      });
    // The GET routes get a body only when the method is wrong, so any shape will do.
    case 'testConnection':
    case 'remoteData':
    case 'health':
    case 'manifest':
    case 'oauthAuthorize':
    case 'productImage':
    case 'placeholder':
    case 'merchantPage':
    case 'docs':
    case 'adminInstallations':
    case 'adminConnection':
    case 'adminSync':
    case 'adminDeadLetters':
    case 'adminStatus':
      return configMap;
  }
}

function bodyArbitrary(
  kind: RouteKind,
  context: FuzzContext,
): fc.Arbitrary<{ contentType?: string; body: HostileBody }> {
  const withContentType = (body: fc.Arbitrary<HostileBody>) =>
    fc.record({ contentType: contentTypes, body }, { requiredKeys: ['body'] });
  const text = (label: string) => (value: string) => ({ label, bytes: Buffer.from(value, 'utf8') });
  return fc.oneof(
    { weight: 12, arbitrary: withContentType(routeShapedJson(kind, context).map(text('route-shaped JSON'))) },
    { weight: 2, arbitrary: withContentType(valueText.map(text('any JSON value'))) },
    {
      weight: 1,
      arbitrary: withContentType(
        fc
          .jsonValue({ maxDepth: 4 })
          .map((value) => json(value) ?? 'null')
          .map(text('jsonValue')),
      ),
    },
    { weight: 1, arbitrary: withContentType(invalidJsonText.map(text('invalid JSON'))) },
    {
      weight: 1,
      arbitrary: withContentType(invalidUtf8.map((bytes) => ({ label: 'invalid UTF-8', bytes }))),
    },
    { weight: 1, arbitrary: withContentType(fc.constant({ label: 'empty', bytes: Buffer.alloc(0) })) },
    {
      weight: 2,
      arbitrary: fc.record({
        contentType: fc.constant('application/x-www-form-urlencoded'),
        body: formText.map(text('form')),
      }),
    },
    { weight: 1, arbitrary: overLimitBody },
  );
}

/** A query number for the admin routes: in bounds mostly, else anything. */
const adminNumber = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 100 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1e309', '1.5', '99999999999999999999', '') },
  { weight: 1, arbitrary: hostileSegment },
);

function targetArbitrary(kind: RouteKind, context: FuzzContext): fc.Arbitrary<string> {
  const token = fc.oneof({ weight: 8, arbitrary: fc.constant(context.storeToken) }, hostileSegment);
  const adminConnectionId = fc.oneof(
    { weight: 6, arbitrary: fc.constant(context.connectionId) },
    { weight: 1, arbitrary: fc.constant('99999999-9999-4999-8999-999999999999') },
    { weight: 2, arbitrary: hostileSegment },
  );
  const withQuery = (path: fc.Arbitrary<string>) =>
    fc.tuple(path, fc.oneof({ weight: 3, arbitrary: fc.constant('') }, hostileQuery)).map(([p, q]) => p + q);
  switch (kind) {
    case 'health':
      return withQuery(fc.constantFrom('/health', '/health/ready', '/health/live'));
    case 'manifest':
      return withQuery(fc.constant('/manifest.json'));
    case 'placeholder':
      return withQuery(fc.constant('/widgets/placeholder.png'));
    case 'oauthAuthorize':
      return fc.oneof(
        fc
          .record({
            secret: fc.constantFrom(SECRET, SECRET, 'not-the-secret'),
            state: fc.oneof(fc.constant(undefined), fc.string({ unit: 'binary', maxLength: 300 })),
            redirectUri: fc.oneof(
              fc.constant(SANDBOX_OAUTH_REDIRECT_URI),
              fc.constantFrom('javascript:alert(1)', 'https://evil.example/cb', '//evil.example', ''),
              fc.string({ unit: 'binary', maxLength: 80 }),
            ),
            timestamp: fc.oneof(
              fc.constant(undefined),
              fc.constantFrom(0, -1, 1e21, Number.MAX_SAFE_INTEGER, 1.5),
            ),
            extra: fc.dictionary(
              fc.string({ unit: 'binary', maxLength: 12 }),
              fc.string({ unit: 'binary', maxLength: 40 }),
              {
                maxKeys: 4,
              },
            ),
          })
          .map((options) => {
            const link = new URL(buildAuthorizeUrl('http://gateway.invalid', options));
            return link.pathname + link.search;
          }),
        hostileQuery.map((query) => `/oauth/authorize${query}`),
      );
    case 'oauthConsent':
      return withQuery(fc.constant('/oauth/consent'));
    case 'lifecycle':
      return fc.constant('/webhook/receive');
    case 'testConnection':
      return fc.constant('/webhook/test-connection');
    case 'remoteData':
      return fc
        .oneof(fc.constantFrom('categories', 'products', 'store_webhooks', 'unknown'), hostileSegment)
        .map((resource) => `/webhook/remote-data/${resource}`);
    case 'productImage':
      return fc
        .tuple(
          fc.oneof(fc.constant(INSTALLATION_ID), hostileSegment),
          fc.oneof(fc.constant('p1'), hostileSegment),
        )
        .map(([installation, product]) => `/widgets/product-image/${installation}/${product}`);
    case 'storeProducts':
      return token.map((value) => `/api/generic-api/webhooks/${value}/products`);
    case 'storeOrders':
      return token.map((value) => `/api/generic-api/webhooks/${value}/orders`);
    case 'storeSync':
      return token.map((value) => `/api/generic-api/webhooks/${value}/sync`);
    case 'merchantPage':
      // A real connection id mostly, with hostile expiries and signatures: the check runs before any query.
      return fc
        .tuple(
          fc.oneof({ weight: 3, arbitrary: fc.constant(context.connectionId) }, hostileSegment),
          fc.oneof(
            fc
              .record({
                expires: fc.oneof(
                  fc.constantFrom('', '0', '-1', '1e309', '99999999999999999999', '4102444800'),
                  fc.string({ unit: 'binary', maxLength: 20 }),
                ),
                sig: fc.oneof(
                  fc.constantFrom('', 'zz', '0'.repeat(64), 'f'.repeat(63)),
                  fc.string({ unit: 'binary', maxLength: 80 }),
                ),
              })
              .map((query) => `?${new URLSearchParams(query).toString()}`),
            hostileQuery,
          ),
        )
        .map(([connection, query]) => `/merchant/connections/${connection}${query}`);
    case 'docs':
      return withQuery(
        fc.constantFrom(
          '/docs-json',
          '/docs',
          '/docs/',
          '/docs/index.html',
          '/docs/swagger-ui-init.js',
          '/docs/docs/swagger-ui-init.js',
          '/docs/LICENSE',
          '/docs/swagger-ui.css',
        ),
      );
    case 'adminInstallations':
      return fc.oneof(
        withQuery(fc.constant('/admin/installations')),
        fc
          .record({ limit: adminNumber, offset: adminNumber })
          .map(({ limit, offset }) => `/admin/installations?limit=${limit}&offset=${offset}`),
      );
    case 'adminConnection':
      return fc
        .tuple(
          adminConnectionId,
          fc.constantFrom('', '/sync-runs', '/push-summary'),
          fc.oneof(
            hostileQuery,
            adminNumber.map((limit) => `?limit=${limit}`),
          ),
        )
        .map(([id, tail, query]) => `/admin/connections/${id}${tail}${query}`);
    case 'adminSync':
      return withQuery(adminConnectionId.map((id) => `/admin/connections/${id}/sync`));
    case 'adminDeadLetters':
      // The pending deletes take the dead letters' filter.
      return fc.constantFrom('/admin/dead-letters', '/admin/pending-deletes').chain((path) =>
        fc.oneof(
          withQuery(fc.constant(path)),
          fc
            .record({
              connection: adminConnectionId,
              entity: fc.oneof(fc.constantFrom('products', 'orders'), hostileSegment),
              limit: adminNumber,
            })
            .map(
              ({ connection, entity, limit }) =>
                `${path}?connectionId=${connection}&entity=${entity}&limit=${limit}`,
            ),
        ),
      );
    case 'adminReplay':
      return withQuery(fc.constant('/admin/dead-letters/replay'));
    case 'adminLogin':
      return withQuery(fc.constant('/admin/login'));
    case 'adminStatus':
      return withQuery(fc.constantFrom('/admin/status', '/admin/status.json'));
  }
}

function requestArbitrary(route: GatewayRoute, context: FuzzContext): fc.Arbitrary<HostileRequest> {
  const wrongMethod = route.method === 'GET' ? 'POST' : 'GET';
  return fc
    .record({
      method: fc.oneof(
        { weight: 19, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constant(wrongMethod) },
      ),
      target: targetArbitrary(route.kind, context),
      payload: bodyArbitrary(route.kind, context),
      signing: fc.oneof(
        { weight: 8, arbitrary: fc.constant('valid' as const) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            'none' as const,
            'wrong_secret' as const,
            'odd_timestamp' as const,
            'odd_signature' as const,
          ),
        },
      ),
      oddTimestamp: fc.constantFrom('1e309', '-0', '99999999999999999999', ' 1', '', '0x10', '1.5', 'NaN'),
      oddSignature: fc.oneof(
        fc.constantFrom('', 'zz', 'A'.repeat(64), '0'.repeat(63), 'sha256=00'),
        fc.integer({ min: 65, max: 8_000 }).map((length) => 'f'.repeat(length)),
      ),
      withConsentSession: fc.boolean(),
    })
    .map(({ method, target, payload, ...rest }): HostileRequest => {
      const request: HostileRequest = {
        route: route.kind,
        method,
        target,
        ...(method === 'POST' ? { contentType: payload.contentType, body: payload.body } : {}),
        ...rest,
      };
      // Printed by fast-check for a counterexample: short, without megabytes of body.
      return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
    });
}

function describeRequest(request: HostileRequest): string {
  const body = request.body
    ? `${request.body.label}, ${request.body.bytes.length} bytes: ${json(request.body.bytes.subarray(0, 200).toString('utf8'))}`
    : 'no body';
  const target =
    request.target.length > 200
      ? `${request.target.slice(0, 200)}… (${request.target.length} chars)`
      : request.target;
  return `${request.method} ${target} [${request.contentType ?? 'no content type'}, signing ${request.signing}] ${body}`;
}

// ---------------------------------------------------------------------------------------------------------------

// One clock reading for the whole file, each signed request a second older: never the same signature twice.
const SUITE_STARTED_AT = Math.floor(Date.now() / 1000);
let sequence = 0;

function nextTimestamp(): number {
  return SUITE_STARTED_AT - ++sequence;
}

function signatureHeaders(request: HostileRequest): Record<string, string> {
  const bytes = request.body?.bytes ?? Buffer.alloc(0);
  if (request.signing === 'none') {
    return {};
  }
  if (request.route.startsWith('admin')) {
    const token =
      request.signing === 'wrong_secret'
        ? 'not-the-admin-token-0123456789abcdef'
        : request.signing === 'valid'
          ? ADMIN_TOKEN
          : request.oddSignature;
    return { authorization: `Bearer ${token}` };
  }
  if (request.route.startsWith('store')) {
    const secret = request.signing === 'wrong_secret' ? 'not-the-secret' : STORE_WEBHOOK_SECRET;
    const signature =
      request.signing === 'odd_signature' ? request.oddSignature : hmacSha256Hex(secret, bytes);
    return { 'x-webhook-signature': signature };
  }
  const timestamp = request.signing === 'odd_timestamp' ? request.oddTimestamp : String(nextTimestamp());
  const secret = request.signing === 'wrong_secret' ? 'not-the-secret' : SECRET;
  const signature =
    request.signing === 'odd_signature'
      ? request.oddSignature
      : signShopimindPayload(secret, timestamp, bytes);
  return { 'x-shopimind-signature': signature, 'x-shopimind-timestamp': timestamp };
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

interface DeliveredMessage {
  subject: string;
  payload: Record<string, unknown>;
  /** Why the real consumer would drop it, or null when it would take it. */
  refusal: string | null;
}

describe('gateway app, generated hostile requests on every route', () => {
  let store: DemoStore;
  let app: INestApplication;
  let url: string;
  let context: FuzzContext;
  let bus: InProcessBus;
  const subscriptions: Array<{ stop(): Promise<void> }> = [];
  const delivered: DeliveredMessage[] = [];
  /** Raw bodies of the store webhooks answered 2xx, by the subject their message goes to. */
  const accepted = new Map<StoreWebhookSubject, Buffer[]>();
  let memoryBefore: NodeJS.MemoryUsage;

  beforeAll(async () => {
    store = await startDemoStore({ apiKey: STORE_KEY, productCount: 1 });
    const env = gatewaySpecEnv(SECRETS, 'cd'.repeat(32), {
      OAUTH_REDIRECT_URIS: SANDBOX_OAUTH_REDIRECT_URI,
      // Every signed request reaches its handler: the rate limit and the signature window are not under test.
      SHOPIMIND_RATE_LIMIT_PER_MINUTE: '1000000',
      SIGNATURE_TOLERANCE_SECONDS: '86400',
      ADMIN_TOKEN,
    });
    // As the gateway starts in production: the API docs included.
    app = await startGateway(env, { host: '127.0.0.1', port: 0 });
    url = localUrl(app);
    bus = app.get(MessagingTransport).unwrap<InProcessBus>();
    consumeStoreWebhookMessages();
    const storeToken = await connectStore();
    const connectionId = (await app.get(StoreConnectionRepository).findByStoreToken(storeToken))?.id ?? '';
    const consentPage = await openConsentPage(buildAuthorizeUrl(url, { secret: SECRET }));
    expect(consentPage.status).toBe(200);
    context = { storeUrl: store.url, storeToken, connectionId, consentPage };
    memoryBefore = settledMemory();
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await app?.close();
    await store?.close();
  });

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /**
   * Plays the services behind the bus: each message is checked with the consumer's own contract validation
   * (RpcValidationPipe) and record id reading, then acked. The gateway runs no consumer of its own.
   */
  function consumeStoreWebhookMessages(): void {
    const pipe = new RpcValidationPipe();
    for (const subject of Object.values(STORE_WEBHOOK_SUBJECTS)) {
      subscriptions.push(
        bus.subscribe(`hostile-input-${subject}`, subject, 1, async (delivery) => {
          const payload = JSON.parse(delivery.data) as Record<string, unknown>;
          let refusal: string | null = null;
          try {
            await pipe.transform(payload, { type: 'body', metatype: SubjectPayloads[subject] });
            refusal = recordIdRefusal(subject, payload);
          } catch (error) {
            refusal = error instanceof Error ? error.message : String(error);
          }
          delivered.push({ subject, payload, refusal });
          return { kind: 'ack' };
        }),
      );
    }
  }

  /** The sync consumer reads the id after making the text storable; a record it finds no id in is skipped. */
  function recordIdRefusal(subject: string, payload: Record<string, unknown>): string | null {
    const aliases =
      subject === Subjects.storeProductEventReceived
        ? PRODUCT_FIELD_ALIASES
        : subject === Subjects.storeOrderEventReceived
          ? ORDER_FIELD_ALIASES
          : undefined;
    if (aliases === undefined) {
      return null;
    }
    const data = toStorable(payload['data']) as Record<string, unknown>;
    return resolveRecordId(data, aliases, {}) === undefined ? 'the consumer finds no record id' : null;
  }

  /** Install, then a configuration: the store connection (with a webhook secret) the store webhooks reach. */
  async function connectStore(): Promise<string> {
    return connectStoreThroughLifecycle(app, {
      ...SECRETS,
      gatewayUrl: url,
      storeUrl: store.url,
      nextTimestamp,
    });
  }

  async function send(request: HostileRequest): Promise<Answer> {
    const headers: Record<string, string> = { ...signatureHeaders(request) };
    if (request.contentType !== undefined) {
      headers['content-type'] = request.contentType;
    }
    if (request.route === 'oauthConsent' && request.withConsentSession) {
      headers['cookie'] = context.consentPage.cookies;
    }
    let body = request.body?.bytes;
    if (
      body &&
      request.route === 'oauthConsent' &&
      request.withConsentSession &&
      request.body?.label === 'form'
    ) {
      const hidden = new URLSearchParams(context.consentPage.form?.hidden ?? {}).toString();
      body = Buffer.concat([Buffer.from(`${hidden}&`), body]);
    }
    let response: Response;
    try {
      response = await fetch(`${url}${request.target}`, {
        method: request.method,
        headers,
        // Without a content type, fetch would label a string body text/plain: bytes are sent as they are.
        body: body === undefined ? undefined : new Uint8Array(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(`no answer (hang or dropped connection): ${String(error)}`, { cause: error });
    }
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
  }

  function recordAccepted(request: HostileRequest, answer: Answer): void {
    if (isStoreWebhookKind(request.route) && request.method === 'POST' && answer.status < 300) {
      const subject = STORE_WEBHOOK_SUBJECTS[request.route];
      accepted.set(subject, [...(accepted.get(subject) ?? []), request.body?.bytes ?? Buffer.alloc(0)]);
    }
  }

  it('lists every route Nest registered', () => {
    const router = (
      app.getHttpAdapter().getInstance() as {
        router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
      }
    ).router;
    const registered = router.stack.flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods)
            .filter((method) => method !== '_all')
            .map((method) => `${method.toUpperCase()} ${layer.route?.path}`)
        : [],
    );

    // Nest mounts route middleware (the webhook ingress timer) as Express routes of the same paths: once each.
    expect([...new Set(registered)].sort()).toEqual(
      ROUTES.map((route) => `${route.method} ${route.path}`).sort(),
    );
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: never a 5xx, never a hang, JSON answers parse',
    async (_name, route) => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(route, context), async (request) => {
          const answer = await send(request);
          recordAccepted(request, answer);

          expect(answer.status).toBeLessThan(500);
          if (/\bjson\b/i.test(answer.contentType)) {
            expect(() => JSON.parse(answer.text)).not.toThrow();
          }
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED, path: REPLAY_PATH },
      );
    },
  );

  /** Requests the fuzz found answered with a 500 (issue #20), kept as fixed cases. */
  const FOUND: ReadonlyArray<
    [string, Omit<HostileRequest, 'oddTimestamp' | 'oddSignature' | 'withConsentSession'>]
  > = [
    [
      'a config map with a "constructor" key in a nested object',
      {
        route: 'testConnection',
        method: 'POST',
        target: '/webhook/test-connection',
        contentType: 'application/json',
        body: { label: 'found', bytes: Buffer.from('{"store_base_url":{"":{"constructor":"\\u0000"}}}') },
        signing: 'valid',
      },
    ],
    [
      'a lifecycle event with a "constructor" key in a nested object',
      {
        route: 'lifecycle',
        method: 'POST',
        target: '/webhook/receive',
        contentType: 'application/json',
        body: {
          label: 'found',
          bytes: Buffer.from('{"event":"install","installation_id":"inst_c","x":{"a":{"constructor":{}}}}'),
        },
        signing: 'valid',
      },
    ],
    [
      'a consent form with a "constructor" key in a field',
      {
        route: 'oauthConsent',
        method: 'POST',
        target: '/oauth/consent',
        contentType: 'application/json',
        body: {
          label: 'found',
          bytes: Buffer.from('{"authorization_id":{"constructor":1},"store_base_url":{"constructor":1}}'),
        },
        signing: 'none',
      },
    ],
    [
      'an admin query with a "constructor" key',
      {
        route: 'adminDeadLetters',
        method: 'GET',
        target: '/admin/dead-letters?constructor=%00',
        signing: 'valid',
      },
    ],
    [
      'an admin form body with "__proto__" and "constructor" keys',
      {
        route: 'adminReplay',
        method: 'POST',
        target: '/admin/dead-letters/replay',
        contentType: 'application/x-www-form-urlencoded',
        body: { label: 'found', bytes: Buffer.from('__proto__=1&constructor=2') },
        signing: 'valid',
      },
    ],
    [
      'a store token with a NUL',
      {
        route: 'storeProducts',
        method: 'POST',
        target: '/api/generic-api/webhooks/%00/products',
        contentType: 'application/json',
        body: { label: 'found', bytes: Buffer.from('{}') },
        signing: 'none',
      },
    ],
  ];

  it.each(FOUND)('answers %s without a 5xx', async (_name, found) => {
    const answer = await send({ ...found, oddTimestamp: '', oddSignature: '', withConsentSession: false });

    expect(answer.status).toBeLessThan(500);
  });

  describe('after the run', () => {
    it('still answers its health check', async () => {
      const answer = await fetch(`${url}/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });

      expect(answer.status).toBe(200);
    });

    it('left no store webhook message pending, each delivered once and fit for its consumer', async () => {
      const subjects = Object.values(STORE_WEBHOOK_SUBJECTS);
      const deadline = Date.now() + REQUEST_TIMEOUT_MS;
      while (subjects.some((subject) => bus.pendingCount(subject) > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const storeWebhookMessages = delivered.filter(
        (message) =>
          message.subject !== Subjects.syncRequested || message.payload['trigger'] === 'store_webhook',
      );
      const countOf = (subject: string) =>
        storeWebhookMessages.filter((message) => message.subject === subject).length;
      // A sync request's id names its bytes: the same body twice is one message.
      const distinctSyncBodies = new Set(
        (accepted.get(Subjects.syncRequested) ?? []).map((bytes) =>
          createHash('sha256').update(bytes).digest('hex'),
        ),
      );

      expect(subjects.map((subject) => [subject, bus.pendingCount(subject)])).toEqual(
        subjects.map((subject) => [subject, 0]),
      );
      expect(storeWebhookMessages.filter((message) => message.refusal !== null)).toEqual([]);
      expect({
        products: countOf(Subjects.storeProductEventReceived),
        orders: countOf(Subjects.storeOrderEventReceived),
        sync: countOf(Subjects.syncRequested),
      }).toEqual({
        products: accepted.get(Subjects.storeProductEventReceived)?.length ?? 0,
        orders: accepted.get(Subjects.storeOrderEventReceived)?.length ?? 0,
        sync: distinctSyncBodies.size,
      });
    });

    it('kept its memory bounded (a leak guard, not a benchmark)', () => {
      const after = settledMemory();

      expect(after.heapUsed - memoryBefore.heapUsed).toBeLessThan(MEMORY_GROWTH_CEILING);
      expect(after.rss - memoryBefore.rss).toBeLessThan(MEMORY_GROWTH_CEILING);
    });
  });
});

/** After a collection when the process allows one (`node --expose-gc`), as it is otherwise. */
function settledMemory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}
