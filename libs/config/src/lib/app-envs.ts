import { Expose, Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsInt,
  Max,
  Min,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MinLength,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import { ToInteger, ToList } from './env-transforms';
import { FlagVariable, HttpUrlVariable, IntegerVariable, PortVariable } from './env-variables';
import { readTrustProxy, type TrustProxySetting } from './trust-proxy';

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'text'] as const;
/** `json`: one JSON object a line, for a log collector; `text`: one readable line, for a terminal. */
export type LogFormat = (typeof LOG_FORMATS)[number];

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** The longest delay Node's timers accept (2^31 - 1 ms). */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** What every service needs: where its data and messages live. */
export class CommonEnv {
  /** PostgreSQL URL; absent → embedded PGlite in DATA_DIR. */
  @Expose()
  @IsOptional()
  @IsUrl(
    { protocols: ['postgres', 'postgresql'], require_tld: false },
    { message: 'DATABASE_URL must be a postgres:// URL' },
  )
  DATABASE_URL?: string;

  @Expose()
  @IsString()
  DATA_DIR = './data';

  /** NATS URL(s); absent → in-process transport (embedded mode only). */
  @Expose()
  @IsOptional()
  @Matches(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, {
    message: 'NATS_URL must be nats://host:port (comma-separated for a cluster)',
  })
  NATS_URL?: string;

  @Expose()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'log';

  /** Absent: `json` when NODE_ENV=production, else `text` (see `logFormatOf`). */
  @Expose()
  @IsOptional()
  @IsIn(LOG_FORMATS, { message: `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT?: LogFormat;

  /** Read for the default LOG_FORMAT only. */
  @Expose()
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /** The interface the HTTP server binds: all of them by default (containers); 127.0.0.1 keeps it local. */
  @Expose()
  @Matches(/^\S+$/, { message: 'HOST must be a host name or an IP address' })
  HOST?: string = '0.0.0.0';
}

/** The log format asked for, else JSON lines in production (a log collector reads them), readable text elsewhere. */
export function logFormatOf(env: Pick<CommonEnv, 'LOG_FORMAT' | 'NODE_ENV'>): LogFormat {
  return env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'text');
}

/** Services that read or write encrypted credentials. */
export class CredentialsEnv extends CommonEnv {
  /** AES-256-GCM key, 64 hex characters (`openssl rand -hex 32`). */
  @Expose()
  @Matches(HEX_KEY, { message: 'CREDENTIALS_KEY must be 64 hexadecimal characters (openssl rand -hex 32)' })
  CREDENTIALS_KEY!: string;
}

/** ShopiMind's Type B callback (shopimind.md §8); ShopiMind publishes none, so this default is [ours]. */
export const DEFAULT_OAUTH_REDIRECT_URIS = ['https://app.shopimind.com/oauth/callback'];

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** https, or http on a loopback host in development (ALLOW_PRIVATE_STORE_URLS); no credentials, no fragment. */
function isRedirectUri(value: unknown, allowLoopbackHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return false;
  }
  const schemeAllowed =
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && allowLoopbackHttp && LOOPBACK_HOST.test(url.hostname));
  return (
    schemeAllowed &&
    url.username === '' &&
    url.password === '' &&
    url.hash === '' &&
    !String(value).includes('#')
  );
}

const RedirectUriList = (name: string): PropertyDecorator =>
  ValidateBy({
    name: 'isRedirectUriList',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        Array.isArray(value) &&
        value.every((uri) =>
          isRedirectUri(
            uri,
            (args?.object as { ALLOW_PRIVATE_STORE_URLS?: unknown }).ALLOW_PRIVATE_STORE_URLS === true,
          ),
        ),
      defaultMessage: () =>
        `${name} must be comma-separated https URLs without fragment (http only for a loopback host with ALLOW_PRIVATE_STORE_URLS=true)`,
    },
  });

/** Parsed to Express' `trust proxy` value; a text it refuses is kept as is so validation names the problem. */
const TrustProxyVariable = (): PropertyDecorator => {
  const decorators = [
    Expose(),
    Transform(({ value }: { value: unknown }) => {
      if (typeof value !== 'string') {
        return value;
      }
      const reading = readTrustProxy(value);
      return 'setting' in reading ? reading.setting : value;
    }),
    IsOptional(),
    ValidateBy({
      name: 'isTrustProxySetting',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && value >= 1) ||
          (Array.isArray(value) && value.every((entry) => typeof entry === 'string')),
        defaultMessage: (args?: ValidationArguments) => {
          const reading = readTrustProxy(String(args?.value));
          return 'problem' in reading
            ? reading.problem
            : 'TRUST_PROXY must be a hop count or a list of IPs/CIDRs';
        },
      },
    }),
  ];
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
};

export class GatewayEnv extends CredentialsEnv {
  @PortVariable()
  PORT = 8082;

  /** Shared secret(s) with ShopiMind; several, comma-separated, during a rotation. */
  @Expose()
  @ToList()
  @IsArray({ message: 'WEBHOOK_SECRET must be a comma-separated list of secrets' })
  @ArrayNotEmpty({ message: 'WEBHOOK_SECRET is required' })
  @MinLength(16, { each: true, message: 'WEBHOOK_SECRET entries must be at least 16 characters' })
  WEBHOOK_SECRET!: string[];

  @Expose()
  @ToInteger()
  @IsInt({ message: 'SIGNATURE_TOLERANCE_SECONDS must be an integer' })
  @Min(1, { message: 'SIGNATURE_TOLERANCE_SECONDS must be at least 1' })
  SIGNATURE_TOLERANCE_SECONDS = 300;

  /** Signed ShopiMind requests per client IP and minute, per gateway replica; generous: ShopiMind uses few IPs. */
  @Expose()
  @ToInteger()
  @IsInt({ message: 'SHOPIMIND_RATE_LIMIT_PER_MINUTE must be an integer' })
  @Min(1, { message: 'SHOPIMIND_RATE_LIMIT_PER_MINUTE must be at least 1' })
  SHOPIMIND_RATE_LIMIT_PER_MINUTE = 600;

  /**
   * Behind a proxy (an ingress): which proxies' `X-Forwarded-For` to believe, so the rate limit counts per client
   * rather than for the proxy. Absent or `false`: the socket's peer, and a client's `X-Forwarded-For` is ignored.
   */
  @TrustProxyVariable()
  TRUST_PROXY?: TrustProxySetting;

  /**
   * How often each replica deletes expired accepted signatures and OAuth authorizations; 0 disables it. At most
   * what `setInterval` can hold (about 24.8 days): Node runs a longer interval every millisecond instead.
   */
  @Expose()
  @ToInteger()
  @IsInt({ message: 'HOUSEKEEPING_INTERVAL_MS must be an integer' })
  @Min(0, { message: 'HOUSEKEEPING_INTERVAL_MS must be at least 0 (0 disables housekeeping)' })
  @Max(MAX_TIMER_DELAY_MS, { message: `HOUSEKEEPING_INTERVAL_MS must be at most ${MAX_TIMER_DELAY_MS}` })
  HOUSEKEEPING_INTERVAL_MS = 3_600_000;

  /** Development and tests only: lets store base URLs be http:// or private addresses. */
  @FlagVariable('ALLOW_PRIVATE_STORE_URLS')
  ALLOW_PRIVATE_STORE_URLS = false;

  /** Type B OAuth: the only URIs the consent page may send the browser back to (exact match). */
  @Expose()
  @ToList()
  @ArrayNotEmpty({ message: 'OAUTH_REDIRECT_URIS must list at least one URI' })
  @RedirectUriList('OAUTH_REDIRECT_URIS')
  OAUTH_REDIRECT_URIS: string[] = [...DEFAULT_OAUTH_REDIRECT_URIS];

  /** Declares a Type B integration: merchants connect their store on our consent page before installing. */
  @FlagVariable('SHOPIMIND_EXTERNAL_AUTH')
  SHOPIMIND_EXTERNAL_AUTH = false;

  /**
   * Our public address, for the URLs merchants are given (store webhooks, their connection page). Absent: the
   * address each request reached us at (its Host header), which behind a proxy may not be the public one.
   */
  @IsOptional()
  @HttpUrlVariable('PUBLIC_BASE_URL')
  @Matches(/^[^?#]*[^/?#]$/, { message: 'PUBLIC_BASE_URL must have no query and no trailing slash' })
  PUBLIC_BASE_URL?: string;

  /** Bearer token of the admin API (`/admin/…`); absent, those routes do not exist. */
  @Expose()
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'ADMIN_TOKEN must be at least 32 characters (openssl rand -hex 32)' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'ADMIN_TOKEN must be printable ASCII without spaces' })
  ADMIN_TOKEN?: string;
}

export class SyncEnv extends CredentialsEnv {
  @PortVariable()
  PORT = 8083;

  @FlagVariable('ALLOW_PRIVATE_STORE_URLS')
  ALLOW_PRIVATE_STORE_URLS = false;

  /** Records one crawl of one entity may read before it fails as a store inventing records (generic-api §3). */
  @IntegerVariable('STORE_MAX_RECORDS_PER_ENTITY', 1)
  STORE_MAX_RECORDS_PER_ENTITY = 5_000_000;

  /** A complete crawl missing more than this percentage of a catalogue holds those deletions for one crawl. */
  @IntegerVariable('DELETION_HOLD_PERCENT', 0, 100)
  DELETION_HOLD_PERCENT = 20;
}

export class PushEnv extends CredentialsEnv {
  @PortVariable()
  PORT = 8084;

  /** ShopiMind API base without `/v1` (the SDK appends the version). */
  @HttpUrlVariable('SHOPIMIND_API_URL')
  SHOPIMIND_API_URL = 'https://core.shopimind.com';
}

/** Embedded mode runs all three services in one process, so it needs every service's variables. */
export class EmbeddedEnv extends GatewayEnv {
  @HttpUrlVariable('SHOPIMIND_API_URL')
  SHOPIMIND_API_URL = 'https://core.shopimind.com';

  /** Records one crawl of one entity may read before it fails as a store inventing records (generic-api §3). */
  @IntegerVariable('STORE_MAX_RECORDS_PER_ENTITY', 1)
  STORE_MAX_RECORDS_PER_ENTITY = 5_000_000;

  /** A complete crawl missing more than this percentage of a catalogue holds those deletions for one crawl. */
  @IntegerVariable('DELETION_HOLD_PERCENT', 0, 100)
  DELETION_HOLD_PERCENT = 20;
}
