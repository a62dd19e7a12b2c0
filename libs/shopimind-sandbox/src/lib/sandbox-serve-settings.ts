import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How `nx run shopimind-sandbox:serve` runs, read from its environment. */
export interface SandboxServeSettings {
  port: number;
  gatewayUrl: string;
  webhookSecret: string;
  /** Where the secret came from, to print it: never the secret itself. */
  webhookSecretSource: string;
  demoStore: { port: number; productCount: number; orderCount: number; apiKey: string };
}

export const SANDBOX_SERVE_HELP = `Usage: nx run shopimind-sandbox:serve   (or node dist/libs/shopimind-sandbox-serve/main.js)

Starts the fake ShopiMind API (/v1) with its control API (/sandbox), and a demo store to point installations at,
on 127.0.0.1. Settings come from the environment:

  SANDBOX_PORT        port of the sandbox (default 8090); give it to the gateway as SHOPIMIND_API_URL
  GATEWAY_URL         where the signed lifecycle webhooks go (default http://127.0.0.1:8082)
  WEBHOOK_SECRET      the gateway's ShopiMind secret (the first one of a comma-separated list); unset, the
                      one \`npm start\` generated in DATA_DIR/embedded-secrets.json (DATA_DIR default ./data)
  DEMO_STORE_PORT     port of the demo store (default 8091)
  DEMO_PRODUCTS       products of the demo store (default 500)
  DEMO_ORDERS         orders of the demo store (default 50)
  DEMO_STORE_API_KEY  the X-API-Key the demo store requires (default sandbox-demo-store-key)

Then GET http://127.0.0.1:8090/sandbox lists the control routes.
`;

/** A setting that stops the start, named with the reason. */
export class SandboxServeSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxServeSettingsError';
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new SandboxServeSettingsError(`${name} must be an integer from ${min} to ${max}, got ${raw}`);
  }
  return value;
}

function gatewayUrl(env: NodeJS.ProcessEnv): string {
  const raw = env['GATEWAY_URL']?.trim() || 'http://127.0.0.1:8082';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SandboxServeSettingsError(`GATEWAY_URL must be an http(s) URL, got ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SandboxServeSettingsError(`GATEWAY_URL must be an http(s) URL, got ${raw}`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * The gateway accepts any secret of its list, so the first one signs. Without WEBHOOK_SECRET, the one an
 * embedded gateway generated for itself, so the tour needs no secret copied by hand.
 */
function webhookSecret(env: NodeJS.ProcessEnv): { secret: string; source: string } {
  const configured = env['WEBHOOK_SECRET']?.split(',')[0]?.trim();
  if (configured) {
    return { secret: configured, source: 'WEBHOOK_SECRET' };
  }
  const file = join(env['DATA_DIR'] || './data', 'embedded-secrets.json');
  if (!existsSync(file)) {
    throw new SandboxServeSettingsError(
      `WEBHOOK_SECRET is not set and ${file} does not exist: set WEBHOOK_SECRET to the gateway's secret`,
    );
  }
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new SandboxServeSettingsError(`${file} is not valid JSON; set WEBHOOK_SECRET instead`);
  }
  const secret = (stored as { WEBHOOK_SECRET?: unknown } | null)?.WEBHOOK_SECRET;
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new SandboxServeSettingsError(`${file} holds no WEBHOOK_SECRET; set WEBHOOK_SECRET instead`);
  }
  return { secret: secret.split(',')[0].trim(), source: file };
}

export function readServeSettings(env: NodeJS.ProcessEnv): SandboxServeSettings {
  const { secret, source } = webhookSecret(env);
  const apiKey = env['DEMO_STORE_API_KEY']?.trim() || 'sandbox-demo-store-key';
  return {
    port: integer(env, 'SANDBOX_PORT', 8090, 0, 65_535),
    gatewayUrl: gatewayUrl(env),
    webhookSecret: secret,
    webhookSecretSource: source,
    demoStore: {
      port: integer(env, 'DEMO_STORE_PORT', 8091, 0, 65_535),
      productCount: integer(env, 'DEMO_PRODUCTS', 500, 0, 10_000_000),
      orderCount: integer(env, 'DEMO_ORDERS', 50, 0, 10_000_000),
      apiKey,
    },
  };
}
