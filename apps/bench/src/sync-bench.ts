import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServiceProcess, type BuiltApp, type ServiceProcess } from '@storebridge/built-apps';
import { startDemoStore } from '@storebridge/demo-store';
import { hmacSha256Hex } from '@storebridge/security';
import {
  startShopimindSandbox,
  type ShopimindSandbox,
  type SignedResponse,
} from '@storebridge/shopimind-sandbox';
import { startNatsServer, startPostgres } from '@storebridge/testing';
import { Client } from 'pg';
import type { BenchOptions } from './bench-options';
import type { BenchResult, PhaseFigures } from './bench-report';
import { MemorySampler } from './memory-sampler';
import {
  PhaseWatch,
  type PhaseStatus,
  type WatchedEntity,
  type WatchedEntityExpectation,
} from './phase-watch';
import { readSyncRuns, type SyncRunSummary } from './sync-runs';

const POLL_INTERVAL_MS = 250;
/** How long to wait for a run that may never come, or for pushes that stopped. */
const GRACE_MS = 30_000;
const PROGRESS_EVERY_MS = 5_000;
/** After the re-sync's runs finished, the sandbox must stay this quiet before its writes are counted. */
const QUIET_SANDBOX_MS = 2_000;
const SERVICE_OUTPUT_LINES_ON_FAILURE = 40;
// Generic-api spec §7: hex HMAC-SHA256 of the raw body with the connection's webhook secret.
const STORE_WEBHOOK_SIGNATURE_HEADER = 'x-webhook-signature';
const SERVICES: readonly BuiltApp[] = ['gateway', 'sync', 'push'];

/** The benchmark itself failed (time limit, crash, refused call): exit code 1. */
export class BenchFailure extends Error {}

export type ProgressLine = (line: string) => void;

/** What the benchmark started, stopped in reverse order whatever happens. */
class Teardown {
  private readonly steps: Array<() => Promise<void> | void> = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(
          `cleanup step failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
    }
  }
}

interface BenchContext {
  options: BenchOptions;
  deadline: number;
  services: ServiceProcess[];
  sandbox: ShopimindSandbox;
  database: Client;
  installationId: string;
  connectionId: string;
  progress: ProgressLine;
  interrupted: AbortSignal;
}

interface PhaseEnd {
  status: PhaseStatus;
  runs: SyncRunSummary[];
  inSandbox: Record<WatchedEntity, number>;
}

interface Phase {
  label: string;
  /** The `sync_runs.trigger` of the runs this phase started. */
  trigger: string;
  startedAt: number;
  expectations: WatchedEntityExpectation[];
  waitForSandbox: boolean;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Settles every promise, registers the teardown of those that started, then rethrows the first failure. */
async function startAll<T>(
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

function expectAccepted(event: string, response: SignedResponse): void {
  const body = response.body as { success?: unknown } | undefined;
  if (response.status !== 200 || body?.success !== true) {
    throw new BenchFailure(`${event} was refused: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

function assertStillRunning(context: BenchContext, label: string): void {
  if (context.interrupted.aborted) {
    throw new BenchFailure(`interrupted during the ${label}`);
  }
  for (const service of context.services) {
    const gone = service.exitReason();
    if (gone !== undefined) {
      throw new BenchFailure(`${service.name} ${gone} during the ${label}`);
    }
  }
}

/** Counts from the sandbox's inspection API (`GET /__sandbox/state`): no copy of the items. */
async function sandboxCounts(
  sandbox: ShopimindSandbox,
  installationId: string,
): Promise<Record<WatchedEntity, number>> {
  const response = await fetch(`${sandbox.url}/__sandbox/state`);
  const state = (await response.json()) as {
    installations?: Array<{ installationId: string; counts: Partial<Record<string, number>> }>;
  };
  const counts = state.installations?.find((entry) => entry.installationId === installationId)?.counts ?? {};
  return { products: counts['products'] ?? 0, orders: counts['orders'] ?? 0 };
}

async function watchPhase(context: BenchContext, phase: Phase): Promise<PhaseEnd> {
  const watch = new PhaseWatch(phase.expectations, {
    waitForSandbox: phase.waitForSandbox,
    graceMs: GRACE_MS,
  });
  let progressAt = Date.now() + PROGRESS_EVERY_MS;
  for (;;) {
    assertStillRunning(context, phase.label);
    const runs = await readSyncRuns(context.database, context.connectionId, phase.trigger);
    const inSandbox = await sandboxCounts(context.sandbox, context.installationId);
    const now = Date.now();
    const status = watch.observe({ elapsedMs: now - phase.startedAt, runs, inSandbox });
    if (status.settled) {
      return { status, runs, inSandbox };
    }
    if (now >= context.deadline) {
      throw new BenchFailure(
        `time limit of ${context.options.timeLimitMinutes} min reached during the ${phase.label}; still pending: ${status.pending.join('; ')}`,
      );
    }
    if (now >= progressAt) {
      context.progress(`${phase.label}, ${seconds(now - phase.startedAt)}: ${status.pending.join('; ')}`);
      progressAt = now + PROGRESS_EVERY_MS;
    }
    // An interruption ends the sleep early; the next assertStillRunning reports it.
    await sleep(POLL_INTERVAL_MS, undefined, { signal: context.interrupted }).catch(() => undefined);
  }
}

/** Waits until the sandbox received no request from this installation for `quietMs`. */
async function waitForQuietSandbox(context: BenchContext, label: string): Promise<void> {
  const quietMs = Math.max(QUIET_SANDBOX_MS, 4 * context.options.shopimindLatencyMs);
  let seen = context.sandbox.requestLog(context.installationId).length;
  let changedAt = Date.now();
  while (Date.now() - changedAt < quietMs) {
    assertStillRunning(context, label);
    if (Date.now() >= context.deadline) {
      throw new BenchFailure(
        `time limit reached during the ${label}; still pending: the sandbox to stop receiving writes`,
      );
    }
    await sleep(POLL_INTERVAL_MS, undefined, { signal: context.interrupted }).catch(() => undefined);
    const now = context.sandbox.requestLog(context.installationId).length;
    if (now !== seen) {
      seen = now;
      changedAt = Date.now();
    }
  }
}

const RECORD_WRITE_PATH = /^\/v1\/(products|orders)\/?$/;

function phaseFigures(context: BenchContext, phase: Phase, end: PhaseEnd, logMark: number): PhaseFigures {
  const requests = context.sandbox.requestLog(context.installationId).slice(logMark);
  const writes = requests.filter((entry) => entry.method !== 'GET');
  const recordWrites = writes.filter(
    (entry) => entry.status === 200 && entry.itemCount > 0 && RECORD_WRITE_PATH.test(entry.path),
  );
  const finished = end.runs
    .map((run) => run.finishedAt?.getTime())
    .filter((time): time is number => time !== undefined);
  const lastWrite = recordWrites.map((entry) => Date.parse(entry.at));
  return {
    runs: end.runs,
    runsFinishedMs: finished.length === 0 ? undefined : Math.max(...finished) - phase.startedAt,
    lastWriteMs: lastWrite.length === 0 ? undefined : Math.max(...lastWrite) - phase.startedAt,
    recordsWritten: writes.reduce((sum, entry) => sum + entry.itemCount, 0),
    inSandbox: end.inSandbox,
    notes: end.status.notes,
  };
}

async function findConnection(
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

/**
 * The whole benchmark: its own PostgreSQL, nats-server, demo store and ShopiMind sandbox on loopback, the three
 * built services, then install + activate (full sync) and a store-webhook `/sync` (unchanged re-sync).
 */
export async function runSyncBench(
  options: BenchOptions,
  progress: ProgressLine,
  interrupted: AbortSignal,
): Promise<BenchResult> {
  const deadline = Date.now() + options.timeLimitMinutes * 60_000;
  const teardown = new Teardown();
  let services: ServiceProcess[] = [];
  try {
    progress('starting PostgreSQL, nats-server -js, the demo store and the ShopiMind sandbox');
    const [postgres, nats] = await startAll<{ url: string; stop(): Promise<void> }>(
      teardown,
      [startPostgres({ database: 'storebridge_bench' }), startNatsServer()],
      (server) => server.stop(),
    );
    const storeApiKey = randomBytes(16).toString('hex');
    const store = await startDemoStore({
      productCount: options.products,
      orderCount: options.orders,
      apiKey: storeApiKey,
    });
    teardown.add(() => store.close());
    const sandbox = await startShopimindSandbox({ latencyMs: options.shopimindLatencyMs });
    teardown.add(() => sandbox.close());

    const webhookSecret = randomBytes(24).toString('base64url');
    const env = {
      DATABASE_URL: postgres.url,
      NATS_URL: nats.url,
      CREDENTIALS_KEY: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: webhookSecret,
      SHOPIMIND_API_URL: sandbox.url,
      // The demo store listens on loopback over plain http.
      ALLOW_PRIVATE_STORE_URLS: 'true',
      LOG_LEVEL: 'warn',
    };
    progress('starting gateway, sync and push (dist/apps/*/main.js, NODE_ENV=production)');
    services = await startAll(
      teardown,
      SERVICES.map((name) => startServiceProcess(name, env)),
      (service) => service.stop(),
    );
    const sampler = new MemorySampler(services.map(({ name, pid }) => ({ name, pid })));
    sampler.start();
    teardown.add(() => sampler.stop());
    const database = new Client({ connectionString: postgres.url });
    await database.connect();
    teardown.add(() => database.end());
    const gatewayUrl = services[0].url;

    const storeWebhookSecret = randomBytes(24).toString('hex');
    const configs = {
      store_base_url: store.url,
      store_auth_method: 'api_key',
      store_api_token: storeApiKey,
      store_webhook_secret: storeWebhookSecret,
      store_page_size: options.pageSize,
      lang: 'fr',
      currency: 'EUR',
    };
    const { installationId } = sandbox.createInstallation({
      shopDomain: 'bench-shop.example',
      shopName: 'Bench shop',
    });
    expectAccepted(
      'install',
      await sandbox.lifecycle.install(gatewayUrl, installationId, { secret: webhookSecret, configs }),
    );

    progress(`full sync of ${options.products} products and ${options.orders} orders`);
    const fullMark = sandbox.requestLog(installationId).length;
    const full: Phase = {
      label: 'full sync',
      trigger: 'activate',
      startedAt: Date.now(),
      expectations: [
        { entity: 'products', storeCount: options.products, runMayNeverCome: false },
        ...(options.orders > 0
          ? [{ entity: 'orders' as const, storeCount: options.orders, runMayNeverCome: true }]
          : []),
      ],
      waitForSandbox: true,
    };
    expectAccepted(
      'activate',
      await sandbox.lifecycle.activate(gatewayUrl, installationId, { secret: webhookSecret, configs }),
    );
    const connection = await findConnection(database, installationId);
    const context: BenchContext = {
      options,
      deadline,
      services,
      sandbox,
      database,
      installationId,
      connectionId: connection.id,
      progress,
      interrupted,
    };
    const fullFigures = phaseFigures(context, full, await watchPhase(context, full), fullMark);

    progress('unchanged re-sync through the store webhook /sync');
    const resyncMark = sandbox.requestLog(installationId).length;
    // A fresh body each time: the gateway de-duplicates a trigger by its bytes.
    const body = JSON.stringify({ requested_by: 'sync benchmark', requested_at: new Date().toISOString() });
    const resync: Phase = {
      label: 'unchanged re-sync',
      trigger: 'store_webhook',
      startedAt: Date.now(),
      // Entities the full sync never ran are not waited for again.
      expectations: full.expectations.filter(
        ({ entity }) => entity === 'products' || fullFigures.runs.some((run) => run.entity === entity),
      ),
      waitForSandbox: false,
    };
    const trigger = await fetch(
      `${gatewayUrl}/api/generic-api/webhooks/${encodeURIComponent(connection.storeToken)}/sync`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [STORE_WEBHOOK_SIGNATURE_HEADER]: hmacSha256Hex(storeWebhookSecret, body),
        },
        body,
      },
    );
    if (trigger.status !== 200) {
      throw new BenchFailure(`the store webhook /sync answered ${trigger.status}: ${await trigger.text()}`);
    }
    const resyncEnd = await watchPhase(context, resync);
    await waitForQuietSandbox(context, resync.label);
    const resyncFigures = phaseFigures(context, resync, resyncEnd, resyncMark);

    // Read before anything stops: VmHWM dies with the process.
    const memory = await sampler.finish();
    return { options, full: fullFigures, resync: resyncFigures, memory };
  } catch (error) {
    for (const service of services.filter((started) => started.output() !== '')) {
      const tail = service.output().split('\n').slice(-SERVICE_OUTPUT_LINES_ON_FAILURE).join('\n');
      process.stderr.write(`--- ${service.name} output (last lines) ---\n${tail}\n`);
    }
    throw error;
  } finally {
    progress('stopping the services, PostgreSQL and nats-server');
    await teardown.run();
  }
}
