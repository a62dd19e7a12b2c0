import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from '@storebridge/built-apps';
import type { DemoStore } from '@storebridge/demo-store';
import type { Configs, ShopimindSandbox, SignedResponse } from '@storebridge/shopimind-sandbox';
import { startNatsServer, startPostgres } from '@storebridge/testing';
import type { Client } from 'pg';
import { hmacSha256Hex, loggableErrorText } from '@storebridge/security';

// What every benchmark shares: starting and stopping what it measures, and the sandbox shop it installs.

const SERVICE_OUTPUT_LINES_ON_FAILURE = 40;

/** The benchmark itself failed (time limit, crash, refused call): exit code 1. */
export class BenchFailure extends Error {}

export type ProgressLine = (line: string) => void;

/** What a benchmark started, stopped in reverse order whatever happens. */
export class Teardown {
  private readonly steps: Array<() => Promise<void> | void> = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`cleanup step failed: ${loggableErrorText(error)}\n`);
      }
    }
  }
}

/** Settles every promise, registers the teardown of those that started, then rethrows the first failure. */
export async function startAll<T>(
  teardown: Teardown,
  starts: Array<Promise<T>>,
  stop: (started: T) => Promise<void>,
): Promise<T[]> {
  const settled = await Promise.allSettled(starts);
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') {
      teardown.add(() => stop(outcome.value));
    }
  }
  const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    throw failure.reason;
  }
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

/** PostgreSQL and `nats-server -js` on loopback, for this benchmark only. */
export async function startDatabaseAndBus(
  teardown: Teardown,
  database: string,
): Promise<{ databaseUrl: string; natsUrl: string; postgresPid: number; natsPid: number }> {
  const [postgres, nats] = await startAll<{ url: string; pid: number; stop(): Promise<void> }>(
    teardown,
    [startPostgres({ database }), startNatsServer()],
    (server) => server.stop(),
  );
  return { databaseUrl: postgres.url, natsUrl: nats.url, postgresPid: postgres.pid, natsPid: nats.pid };
}

/** The production environment of the built services, with fresh secrets. */
export function serviceEnv(urls: { databaseUrl: string; natsUrl: string; shopimindApiUrl: string }): {
  env: Record<string, string>;
  webhookSecret: string;
} {
  const webhookSecret = randomBytes(24).toString('base64url');
  return {
    webhookSecret,
    env: {
      DATABASE_URL: urls.databaseUrl,
      NATS_URL: urls.natsUrl,
      CREDENTIALS_KEY: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: webhookSecret,
      SHOPIMIND_API_URL: urls.shopimindApiUrl,
      // The demo store listens on loopback over plain http.
      ALLOW_PRIVATE_STORE_URLS: 'true',
      LOG_LEVEL: 'warn',
    },
  };
}

/** The ShopiMind configuration of a shop selling from the demo store. */
export function benchShopConfigs(
  store: DemoStore,
  credentials: { apiKey: string; webhookSecret: string },
  pageSize: number,
): Configs {
  return {
    store_base_url: store.url,
    store_auth_method: 'api_key',
    store_api_token: credentials.apiKey,
    store_webhook_secret: credentials.webhookSecret,
    store_page_size: pageSize,
    lang: 'fr',
    currency: 'EUR',
  };
}

export function expectAccepted(event: string, response: SignedResponse): void {
  const body = response.body as { success?: unknown } | undefined;
  if (response.status !== 200 || body?.success !== true) {
    throw new BenchFailure(`${event} was refused: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** Creates the sandbox shop and installs the integration through the gateway (signed, as ShopiMind does). */
export async function installBenchShop(
  sandbox: ShopimindSandbox,
  gatewayUrl: string,
  lifecycle: { secret: string; configs: Configs },
): Promise<string> {
  const { installationId } = sandbox.createInstallation({
    shopDomain: 'bench-shop.example',
    shopName: 'Bench shop',
  });
  expectAccepted('install', await sandbox.lifecycle.install(gatewayUrl, installationId, lifecycle));
  return installationId;
}

/** Activates it: the gateway stores the connection with encrypted credentials and requests a full sync. */
export async function activateBenchShop(
  sandbox: ShopimindSandbox,
  gatewayUrl: string,
  installationId: string,
  lifecycle: { secret: string; configs: Configs },
): Promise<void> {
  expectAccepted('activate', await sandbox.lifecycle.activate(gatewayUrl, installationId, lifecycle));
}

export async function findConnection(
  database: Client,
  installationId: string,
): Promise<{ id: string; storeToken: string }> {
  const { rows } = await database.query<{ id: string; store_token: string }>(
    `SELECT c.id, c.store_token FROM store_connections c
       JOIN installations i ON i.id = c.installation_id
      WHERE i.installation_id = $1`,
    [installationId],
  );
  if (rows.length === 0) {
    throw new BenchFailure(`activate succeeded but no store connection exists for ${installationId}`);
  }
  return { id: rows[0].id, storeToken: rows[0].store_token };
}

/** Counts from the sandbox's inspection API (`GET /__sandbox/state`): no copy of the items. */
export async function sandboxCounts(
  sandbox: ShopimindSandbox,
  installationId: string,
): Promise<{ products: number; orders: number }> {
  const response = await fetch(`${sandbox.url}/__sandbox/state`);
  const state = (await response.json()) as {
    installations?: Array<{ installationId: string; counts: Partial<Record<string, number>> }>;
  };
  const counts = state.installations?.find((entry) => entry.installationId === installationId)?.counts ?? {};
  return { products: counts['products'] ?? 0, orders: counts['orders'] ?? 0 };
}

/** Throws when the benchmark was interrupted or one of its services is gone. */
export function assertStillRunning(
  services: readonly ServiceProcess[],
  interrupted: AbortSignal,
  label: string,
): void {
  if (interrupted.aborted) {
    throw new BenchFailure(`interrupted during the ${label}`);
  }
  for (const service of services) {
    const gone = service.exitReason();
    if (gone !== undefined) {
      throw new BenchFailure(`${service.name} ${gone} during the ${label}`);
    }
  }
}

/** A poll interval that an interruption ends early; the next `assertStillRunning` reports it. */
export async function pause(ms: number, interrupted: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal: interrupted }).catch(() => undefined);
}

/** After a failure: what the services printed last, so their logs explain it. */
export function printServiceOutput(services: readonly ServiceProcess[]): void {
  for (const service of services.filter((started) => started.output() !== '')) {
    const tail = service.output().split('\n').slice(-SERVICE_OUTPUT_LINES_ON_FAILURE).join('\n');
    process.stderr.write(`--- ${service.name} output (last lines) ---\n${tail}\n`);
  }
}

/** The JSON headers of a signed store webhook (generic-api spec §7: hex HMAC-SHA256 of the raw body). */
export function signedStoreWebhookHeaders(webhookSecret: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-webhook-signature': hmacSha256Hex(webhookSecret, body) };
}

/** What watching the sandbox for a benchmark needs. */
export interface SandboxWatch {
  sandbox: ShopimindSandbox;
  installationId: string;
  services: readonly ServiceProcess[];
  interrupted: AbortSignal;
  deadline: number;
}

/** Waits until the sandbox received no request from the installation for `quietMs`, checking every `pollMs`. */
export async function waitForQuietSandbox(
  watch: SandboxWatch,
  label: string,
  { quietMs, pollMs }: { quietMs: number; pollMs: number },
): Promise<void> {
  let seen = watch.sandbox.requestLog(watch.installationId).length;
  let changedAt = Date.now();
  while (Date.now() - changedAt < quietMs) {
    assertStillRunning(watch.services, watch.interrupted, label);
    if (Date.now() >= watch.deadline) {
      throw new BenchFailure(
        `time limit reached during the ${label}; still pending: the sandbox to stop receiving writes`,
      );
    }
    await pause(pollMs, watch.interrupted);
    const now = watch.sandbox.requestLog(watch.installationId).length;
    if (now !== seen) {
      seen = now;
      changedAt = Date.now();
    }
  }
}
